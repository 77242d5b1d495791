"""The bots' pre-encoded signals: every frame told apart by its bytes, the click onset known;
the browsers' signal: clicks of three frequencies in turn, looping cleanly."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.media_signals import (
    BROWSER_CLICK_HZ,
    CANDIDATE,
    CLICK_EVERY_FRAMES,
    CLIENT,
    SIDES,
    ClickDetector,
    PreEncoded,
    browser_pcm,
    is_click_frame,
    marked_pcm,
)
from server.telephony.audio import SAMPLE_RATE
from server.telephony.probe import dominant_frequency


def test_every_pre_encoded_frame_is_told_apart_by_its_bytes() -> None:
    signal = PreEncoded(CLIENT, loop_frames=100)
    assert len(set(signal.payloads)) == 100
    assert [signal.position(signal.payload(k)) for k in (0, 1, 99, 100, 237)] == [0, 1, 99, 0, 37]
    assert signal.position(b"\x00\x01") is None
    assert 0.0 < signal.onset_offset < 0.02  # the codec delay, inside the click's packet
    assert (
        is_click_frame(CLIENT, 12) and is_click_frame(CLIENT, 37) and not is_click_frame(CLIENT, 0)
    )
    with pytest.raises(ValueError):
        PreEncoded(CANDIDATE, loop_frames=60)  # clicks would not line up across the loop


@pytest.mark.parametrize("side", ["candidate", "client"])
def test_the_browser_signal_cycles_its_click_frequencies_and_loops_whole(side: str) -> None:
    pcm = browser_pcm(side, 4.0)
    assert len(pcm) == round(4.5 * SAMPLE_RATE)  # whole 1.5 s cycles
    first = {"candidate": 0.0, "client": 0.25}[side]
    for i in range(9):
        at = round((first + 0.5 * i) * SAMPLE_RATE)
        burst = pcm[at + 240 : at + 1680].astype(np.float64)
        assert dominant_frequency(burst) == pytest.approx(BROWSER_CLICK_HZ[side][i % 3], abs=40)


@pytest.mark.parametrize("shift", [0, 7, 480, 959])
def test_the_click_detector_skips_quiet_packets_and_finds_what_a_full_scan_finds(
    shift: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Packets that cannot pass the threshold are not demodulated: the onsets are those of
    the exhaustive scan, for a mix of both sides (one delayed by `shift` samples) fed in
    packets of 960 samples and of odd sizes."""
    frames = 200
    left = marked_pcm(CANDIDATE, frames).astype(np.int32)
    right = np.roll(marked_pcm(CLIENT, frames), shift).astype(np.int32)
    mixed = np.clip(left + right, -32768, 32767).astype(np.int16)
    sizes = [960, 960, 17, 960, 119, 120, 500, 1920]

    def onsets(detector: ClickDetector) -> list[tuple[str, float]]:
        at, k = 0, 0
        while at < len(mixed):
            size = sizes[k % len(sizes)]
            detector.feed(at / SAMPLE_RATE, mixed[at : at + size])
            at, k = at + size, k + 1
        return detector.onsets

    fast = onsets(ClickDetector(SIDES))
    monkeypatch.setattr(ClickDetector, "_may_be_loud", lambda self, magnitude: True)
    exhaustive = onsets(ClickDetector(SIDES))
    assert fast == exhaustive
    assert len(exhaustive) == 2 * frames // CLICK_EVERY_FRAMES

"""The recording check finds each channel's missing clicks whatever the recording's own delay,
and measures how far the clicks drift from their 500 ms spacing."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from benchmarks.media_signals import CANDIDATE, CLIENT, marked_pcm
from benchmarks.recording_check import channel_figures, check
from server.telephony.audio import SAMPLE_RATE

STARTED, ENDED = 100.0, 112.0
EMITTED = [101.0 + 0.5 * i for i in range(22)]  # up to 111.5 (the last after ENDED - 0.6)


def test_a_missing_click_is_counted_whatever_the_recordings_delay() -> None:
    for delay in (-0.005, 0.04, 0.3):  # a channel anchored a few ms early, too
        positions = [t - STARTED + delay for t in EMITTED if t != 104.0]
        figures = channel_figures(positions, EMITTED, STARTED, ENDED)
        assert figures["expected"] == 21 and figures["missing"] == 1
        assert figures["delay_s"] == round(delay, 3)
        assert figures["spacing_error_ms"]["max"] < 0.5


def test_a_timeline_that_steps_loses_no_click_and_the_window_is_counted_apart() -> None:
    # the recording's timeline steps back 150 ms after the 8th click (ticks skipped): every
    # click is still there, only the spacing shows it
    positions = [t - STARTED + 0.04 - (0.15 if t > 104.6 else 0.0) for t in EMITTED]
    figures = channel_figures(positions, EMITTED, STARTED, ENDED, window=(103.0, 108.0))
    assert figures["expected"] == 11 and figures["missing"] == 0  # 103.0 … 108.0
    assert figures["whole_call"] == {"expected": 21, "found": 21}
    assert 149 < figures["spacing_error_ms"]["max"] < 151
    lost = [p for p, t in zip(positions, EMITTED, strict=True) if t not in (102.0, 105.5)]
    figures = channel_figures(lost, EMITTED, STARTED, ENDED, window=(103.0, 108.0))
    assert figures["missing"] == 1 and figures["whole_call"]["found"] == 19


def test_clicks_placed_by_arrival_show_the_jitter_in_their_spacing() -> None:
    jitter = np.random.default_rng(1).uniform(0, 0.03, len(EMITTED))
    positions = [t - STARTED + 0.05 + j for t, j in zip(EMITTED, jitter, strict=True)]
    figures = channel_figures(positions, EMITTED, STARTED, ENDED)
    assert figures["missing"] == 0 and figures["spacing_error_ms"]["p95"] > 10


def write_stereo_ogg(path: Path, left: np.ndarray, right: np.ndarray) -> None:
    with av.open(str(path), "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=SAMPLE_RATE, layout="stereo")
        packed = np.empty(2 * len(left), dtype=np.int16)
        packed[0::2], packed[1::2] = left, right
        for i in range(0, len(left), 960):
            frame = av.AudioFrame.from_ndarray(
                packed[2 * i : 2 * (i + 960)].reshape(1, -1), format="s16", layout="stereo"
            )
            frame.sample_rate, frame.pts = SAMPLE_RATE, i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def test_a_recording_file_is_checked_channel_by_channel(tmp_path: Path) -> None:
    frames = 500  # 10 s
    left, right = marked_pcm(CANDIDATE, frames), marked_pcm(CLIENT, frames)
    gone = 4 * 25 * 960  # the candidate's click at 2.0 s never made it into the recording
    left[gone : gone + 960] = 0
    path = tmp_path / "call.ogg"
    write_stereo_ogg(path, left, right)
    started = 50.0  # the call (and the recording) started at 50.0; the clicks were sent
    sent = {  # 30 ms before they were recorded
        "candidate": [started - 0.03 + 0.5 * i for i in range(20)],
        "client": [started - 0.03 + 0.24 + 0.5 * i for i in range(20)],
    }
    figures = check(path, sent, started, started + 10.0)
    assert figures["seconds"] >= 9.9
    assert figures["candidate"]["missing"] == 1 and figures["client"]["missing"] == 0
    # sent while the call was up and at least 0.6 s before its end
    assert figures["candidate"]["expected"] == 18 and figures["client"]["expected"] == 19
    assert figures["client"]["spacing_error_ms"]["max"] < 2
    assert check(tmp_path / "absent.ogg", sent, started, started + 10)["error"]

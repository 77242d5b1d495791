from __future__ import annotations

import shutil
import time
from pathlib import Path

import av
import numpy as np
import pytest

from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE, stereo, tone
from server.telephony.probe import level_at
from server.telephony.recorder import OggOpusRecorder, sha256_of, write_sidecar


def decode(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus" and stream.codec_context.channels == 2
        parts = [frame.to_ndarray() for frame in container.decode(stream)]
    return np.concatenate(parts, axis=1)  # planar float: (2, samples)


def push_seconds(recorder: OggOpusRecorder, seconds: float, start_frame: int = 0) -> None:
    for n in range(start_frame, start_frame + round(seconds * 50)):
        left = tone(440, 0.02, start=n * FRAME_SAMPLES)
        right = tone(1000, 0.02, start=n * FRAME_SAMPLES)
        recorder.push(stereo(left, right))


def test_left_is_left_right_is_right_and_the_size_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "call.ogg"
    recorder = OggOpusRecorder(path)
    recorder.open()
    push_seconds(recorder, 3)
    recorder.finish()
    audio = decode(path)
    assert audio.shape[1] == 150 * FRAME_SAMPLES
    left, right = audio[0, SAMPLE_RATE:], audio[1, SAMPLE_RATE:]
    assert level_at(left, 440) > 0.95 and level_at(left, 1000) < 0.01
    assert level_at(right, 1000) > 0.95 and level_at(right, 440) < 0.01
    assert recorder.frames_written == 150 and recorder.frames_dropped == 0
    per_minute = path.stat().st_size / 3 * 60
    assert per_minute < 1_000_000


def test_a_crash_loses_at_most_the_last_second_or_so(tmp_path: Path) -> None:
    path = tmp_path / "call.ogg"
    recorder = OggOpusRecorder(path)
    recorder.open()
    push_seconds(recorder, 3)
    deadline = time.monotonic() + 60  # waits for the writer thread; no timing asserted
    while recorder.frames_written < 150 and time.monotonic() < deadline:
        time.sleep(0.01)
    snapshot = tmp_path / "as-left-by-a-crash.ogg"
    shutil.copyfile(path, snapshot)  # the file as it is on disk mid-call, never closed
    recorder.finish()
    survived = decode(snapshot).shape[1] / SAMPLE_RATE
    assert survived >= 1.9, survived


def test_sidecar_and_digest(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(b"abc")
    assert sha256_of(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    write_sidecar(tmp_path / "x.json", {"a": "é"})
    assert (tmp_path / "x.json").read_text(encoding="utf-8") == '{\n  "a": "é"\n}\n'
    assert not list(tmp_path.glob("*.tmp"))


def test_the_encoder_s_complexity_is_a_choice_within_libopus_s_range(tmp_path: Path) -> None:
    """benchmarks/codec_cost.py measures what each complexity costs and loses; the recorder
    takes it (0-10) and refuses anything else before opening a file."""
    path = tmp_path / "call.ogg"
    recorder = OggOpusRecorder(path, complexity=0)
    recorder.open()
    push_seconds(recorder, 1)
    recorder.finish()
    assert decode(path).shape[1] == 50 * FRAME_SAMPLES
    for wrong in (-1, 11):
        with pytest.raises(ValueError, match="complexité Opus entre 0 et 10"):
            OggOpusRecorder(tmp_path / f"{wrong}.ogg", complexity=wrong)
        assert not (tmp_path / f"{wrong}.ogg").exists()

"""The recorder against a disk that refuses: full (injected, and a real 2 MB tmpfs when the
test runs as root), read-only, with and without a fallback directory. The file stays a valid
Ogg stream on the call's timeline, the lost stretch is silence where the disk came back, and
what was lost is said exactly."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE, stereo, tone
from server.telephony.probe import level_at
from server.telephony.recorder import OggOpusRecorder, StorageEvent
from server.telephony.recording_sink import StorageFault
from tests.telephony.storage_faults import FlakyDisk, can_mount, fill, small_tmpfs
from tests.telephony.test_recorder import decode

WAIT_S = 60  # generous: the writer thread on a busy machine; no timing is asserted


def frame(n: int) -> np.ndarray:
    return stereo(
        tone(440, 0.02, start=n * FRAME_SAMPLES), tone(1000, 0.02, start=n * FRAME_SAMPLES)
    )


class Feeder:
    """Pushes numbered frames, waiting for the writer thread so that none is dropped."""

    def __init__(self, recorder: OggOpusRecorder) -> None:
        self.recorder = recorder
        self.n = 0

    def seconds(self, seconds: float) -> None:
        for _ in range(round(seconds * 50)):
            deadline = time.monotonic() + WAIT_S
            while self.recorder._queue.qsize() > 100 and time.monotonic() < deadline:
                time.sleep(0.005)
            self.recorder.push(frame(self.n))
            self.n += 1

    def settle(self) -> None:
        deadline = time.monotonic() + WAIT_S
        while self.recorder._queue.qsize() and time.monotonic() < deadline:
            time.sleep(0.005)


def wait_for(predicate, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_S
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def levels(audio: np.ndarray, start_s: float, end_s: float) -> tuple[float, float]:
    left = audio[0, round(start_s * SAMPLE_RATE) : round(end_s * SAMPLE_RATE)]
    right = audio[1, round(start_s * SAMPLE_RATE) : round(end_s * SAMPLE_RATE)]
    return level_at(left, 440), level_at(right, 1000)


def test_a_full_disk_that_frees_up_leaves_silence_exactly_where_audio_was_lost(
    tmp_path: Path,
) -> None:
    disk = FlakyDisk(free=20_000)  # headers and about 3 s of audio
    events: list[StorageEvent] = []
    recorder = OggOpusRecorder(
        tmp_path / "call.ogg", open_file=disk.open_file, on_storage=events.append, retry_s=0.05
    )
    recorder.open()
    feed = Feeder(recorder)
    feed.seconds(5)
    wait_for(lambda: any(e.kind == "fault" for e in events), "the full disk is noticed")
    feed.seconds(2)
    feed.settle()
    disk.give(None)  # space is back: the writer tries again even without new audio
    wait_for(lambda: any(e.kind == "resumed" for e in events), "the recorder resumes")
    feed.seconds(4)
    recorder.finish()

    assert [e.kind for e in events] == ["fault", "resumed"]
    assert events[0].fault is StorageFault.DISK_FULL
    (gap,) = recorder.write_gaps
    assert gap.fault is StorageFault.DISK_FULL and gap.silent
    assert (gap.start_s, gap.end_s) == (events[0].t, events[1].t)
    assert gap.end_s - gap.start_s >= 1.5  # the 2 s pushed while the disk was full, at least
    assert recorder.frames_lost == round((gap.end_s - gap.start_s) * 50)
    audio = decode(recorder.path)
    assert audio.shape[1] == feed.n * FRAME_SAMPLES  # the file keeps the call's timeline
    assert min(levels(audio, 1.0, gap.start_s - 0.1)) > 0.9
    assert max(levels(audio, gap.start_s + 0.1, gap.end_s - 0.1)) < 0.01
    assert min(levels(audio, gap.end_s + 0.1, feed.n / 50 - 0.1)) > 0.9


def test_a_disk_still_full_at_the_end_loses_the_tail_and_says_from_where(tmp_path: Path) -> None:
    disk = FlakyDisk(free=20_000)
    events: list[StorageEvent] = []
    recorder = OggOpusRecorder(
        tmp_path / "call.ogg", open_file=disk.open_file, on_storage=events.append, retry_s=0.05
    )
    recorder.open()
    feed = Feeder(recorder)
    feed.seconds(6)
    recorder.finish()  # never raises for the disk
    (gap,) = recorder.write_gaps
    assert not gap.silent and gap.end_s == pytest.approx(6.0)
    readable = decode(recorder.path).shape[1] / SAMPLE_RATE
    assert gap.start_s == pytest.approx(readable, abs=0.03)  # lost: exactly what is not there
    assert [e.kind for e in events] == ["fault"]


def test_a_read_only_directory_at_the_start_is_a_gap_from_zero_until_it_can_be_written(
    tmp_path: Path,
) -> None:
    disk = FlakyDisk()
    disk.read_only = True
    events: list[StorageEvent] = []
    recorder = OggOpusRecorder(
        tmp_path / "call.ogg", open_file=disk.open_file, on_storage=events.append, retry_s=0.05
    )
    recorder.open()  # no exception: the call goes on
    feed = Feeder(recorder)
    feed.seconds(2)
    feed.settle()
    assert events[0].kind == "fault" and events[0].t == 0.0
    assert events[0].fault is StorageFault.WRITE_ERROR
    disk.read_only = False
    wait_for(lambda: len(events) == 2, "the recorder resumes")
    feed.seconds(3)
    recorder.finish()
    (gap,) = recorder.write_gaps
    assert gap.start_s == 0.0 and gap.end_s == events[1].t >= 1.5
    audio = decode(recorder.path)
    assert audio.shape[1] == feed.n * FRAME_SAMPLES
    assert max(levels(audio, 0.1, gap.end_s - 0.1)) < 0.01


def test_a_fallback_directory_takes_over_and_nothing_is_lost(tmp_path: Path) -> None:
    disk = FlakyDisk(free=20_000)
    primary, fallback = tmp_path / "main" / "call.ogg", tmp_path / "secours" / "call.ogg"

    def open_file(path: Path, keep: int):  # type: ignore[no-untyped-def]
        return disk.open_file(path, keep) if path == primary else FlakyDisk().open_file(path, keep)

    events: list[StorageEvent] = []
    recorder = OggOpusRecorder(
        primary, fallback=fallback, open_file=open_file, on_storage=events.append
    )
    recorder.open()
    feed = Feeder(recorder)
    feed.seconds(6)
    recorder.finish()
    assert [e.kind for e in events] == ["fallback"]
    assert recorder.path == fallback and not primary.exists()
    assert recorder.write_gaps == [] and recorder.frames_lost == 0
    audio = decode(fallback)
    assert audio.shape[1] == feed.n * FRAME_SAMPLES
    assert min(levels(audio, 1.0, 5.9)) > 0.9


@pytest.mark.skipif(not can_mount(), reason="mounting a tmpfs needs root")
def test_a_real_full_tmpfs_then_space_freed(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk") as disk:
        filler = fill(disk, leave=24_000)
        events: list[StorageEvent] = []
        recorder = OggOpusRecorder(disk / "s" / "call.ogg", on_storage=events.append, retry_s=0.05)
        recorder.open()
        feed = Feeder(recorder)
        feed.seconds(6)
        wait_for(lambda: bool(events), "the full disk is noticed")
        feed.seconds(1)
        feed.settle()
        filler.unlink()
        wait_for(lambda: len(events) == 2, "the recorder resumes")
        feed.seconds(3)
        recorder.finish()
        assert [e.kind for e in events] == ["fault", "resumed"]
        assert events[0].fault is StorageFault.DISK_FULL
        (gap,) = recorder.write_gaps
        audio = decode(recorder.path)
        assert audio.shape[1] == feed.n * FRAME_SAMPLES
        assert max(levels(audio, gap.start_s + 0.1, gap.end_s - 0.1)) < 0.01
        assert min(levels(audio, gap.end_s + 0.1, feed.n / 50 - 0.1)) > 0.9

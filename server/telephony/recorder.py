"""The call recording: Ogg/Opus stereo (candidate LEFT, client RIGHT), written page by page
by a thread of its own, fed through a bounded queue, so that neither encoding nor disk
writes ever run on the event loop.

The two channels are coded as two independent mono Opus streams (channel mapping family
255): joint stereo coding leaks one party's onsets into the other's channel (-23 dB seen),
which a dual-channel evaluation recording must not do. FFmpeg and Chromium decode it.

Crash tolerance: the Ogg muxer closes a page every second of audio and the I/O context is
flushed after each packet, so a killed process leaves a file readable up to its last
second; the file is also fsync'ed every few seconds.

Storage faults (a full disk, a read-only or failing one) are the sink's
(`recording_sink.py`): they never raise here; they become `write_gaps` and `StorageEvent`s.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, TypedDict

import av
import numpy as np
from av.container import OutputContainer

from server.telephony.audio import FRAME_SAMPLES, FRAME_SECONDS, SAMPLE_RATE, Pcm
from server.telephony.opus import TIME_BASE
from server.telephony.recording_sink import OggPageSink, OpenFile, OsFile, StorageFault

logger = logging.getLogger(__name__)

RECORDING_BITRATE = 48_000  # stereo speech: ~360 kB a minute
PAGE_SECONDS = 1.0
# libopus's complexity (0-10): 10, its default, is what the recordings use; lower settings cost
# less CPU and measurably worse speech (benchmarks/codec_cost.py, results/codec_cost.md).
RECORDING_COMPLEXITY = 10
FSYNC_EVERY_FRAMES = 250  # 5 s
QUEUE_FRAMES = 250  # 5 s of slack for a slow disk before frames are dropped
RETRY_S = 1.0  # a disk that refused the audio is tried again this often


class WriteGapJson(TypedDict):
    """A `WriteGap` as the sidecar and the recording's storage report hold it."""

    start_s: float
    end_s: float | None
    reason: str
    silent: bool
    detail: str


class FaultJson(TypedDict):
    reason: str
    file: str
    detail: str


class StorageReport(TypedDict):
    """What the disk did to a recording (`RecordingInfo.storage`), when it refused any."""

    write_gaps: list[WriteGapJson]
    frames_lost: int
    moved_to_fallback: bool
    faults: list[FaultJson]


@dataclass
class WriteGap:
    """A stretch of the recording the disk refused: silence in the file from `start_s` to
    `end_s` (seconds from its start), or missing from `start_s` when the disk never took the
    audio back before the end (then `end_s` is the recording's end)."""

    start_s: float
    end_s: float | None
    fault: StorageFault
    detail: str
    silent: bool = True  # False: missing from the file (its end), not written as silence

    def to_json(self) -> WriteGapJson:
        return {
            "start_s": self.start_s,
            "end_s": self.end_s,
            "reason": self.fault.value,
            "silent": self.silent,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class StorageEvent:
    """Told from the writer thread: `fault` (the disk refused: the audio from `t` is lost
    until `resumed`), `resumed` (written again from `t`, the lost stretch as silence) or
    `fallback` (moved to the fallback directory at `t`: nothing lost)."""

    kind: Literal["fault", "resumed", "fallback"]
    t: float
    fault: StorageFault | None
    detail: str
    path: Path


OnStorage = Callable[[StorageEvent], None]
_NOTHING: Final = np.zeros(0, dtype=np.int16)  # the queue's timeout: time to retry the disk


class OggOpusRecorder:
    """`open()` (blocking: call it through `asyncio.to_thread`), then `push()` one stereo
    frame per tick from the event loop (never blocks), then `finish()` (blocking).

    The file side is an `OggPageSink`: a disk that refuses the audio never raises here. While
    it refuses, frames are counted as lost (`frames_lost`, `write_gaps`) and the disk is tried
    again every `retry_s`; when it takes the audio back, the lost stretch is written as
    silence first, so the file stays on the call's timeline. `on_storage` hears each change
    (from the writer thread)."""

    def __init__(
        self,
        path: Path,
        bitrate: int = RECORDING_BITRATE,
        *,
        complexity: int = RECORDING_COMPLEXITY,
        fallback: Path | None = None,
        open_file: OpenFile = OsFile,
        on_storage: OnStorage | None = None,
        retry_s: float = RETRY_S,
    ) -> None:
        if not 0 <= complexity <= 10:
            raise ValueError(f"complexité Opus entre 0 et 10 attendue, pas {complexity}")
        self._bitrate = bitrate
        self._complexity = complexity
        self._queue: queue.Queue[Pcm | None] = queue.Queue(maxsize=QUEUE_FRAMES)
        self._thread: threading.Thread | None = None
        self._container: OutputContainer | None = None
        self._error: BaseException | None = None
        self._sink = OggPageSink(path, fallback=fallback, open_file=open_file)
        self._on_storage = on_storage
        self._retry_s = retry_s
        self._last_retry = 0.0
        self._lost_run = 0  # frames refused since the current fault began
        self._faults_seen = 0
        self.frames_pushed = 0
        self.frames_written = 0
        self.frames_dropped = 0
        self.frames_lost = 0  # refused by the disk (silence in the file, or nothing at the end)
        self.write_gaps: list[WriteGap] = []

    @property
    def path(self) -> Path:
        """Where the audio is: the path asked for, or its fallback after a move."""
        return self._sink.path

    @property
    def sink(self) -> OggPageSink:
        return self._sink

    def open(self) -> None:
        container = av.open(
            self._sink,
            "w",
            format="ogg",
            container_options={
                "page_duration": str(int(PAGE_SECONDS * 1_000_000)),
                "flush_packets": "1",
            },
        )
        stream = container.add_stream(
            "libopus",
            rate=SAMPLE_RATE,
            layout="stereo",
            options={
                "b": str(self._bitrate),
                "application": "voip",
                "vbr": "constrained",  # unconstrained VBR doubles the rate on tonal input
                "mapping_family": "255",  # two uncoupled mono streams: no cross-talk
                "compression_level": str(self._complexity),  # libopus's complexity
            },
        )
        stream.codec_context.format = "s16"
        container.start_encoding()  # the file and its headers exist from now on (if it can)
        self._container = container
        self._check_storage()
        self._thread = threading.Thread(
            target=self._run, args=(container, stream), name=f"recorder:{self.path.name}"
        )
        self._thread.start()

    def push(self, frame: Pcm) -> None:
        """Queue one interleaved stereo frame (1920 int16); dropped and counted if the writer
        is 5 s behind."""
        self.frames_pushed += 1
        try:
            self._queue.put_nowait(frame)
        except queue.Full:
            self.frames_dropped += 1

    def finish(self) -> None:
        """Write what is queued, close the file. Raises what the encoder hit, if anything
        (never what the disk did: that is in `write_gaps`)."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise RuntimeError(f"recording {self.path} failed") from self._error

    # --- the writer thread -------------------------------------------------------------

    def _run(self, container: OutputContainer, stream: Any) -> None:
        finished = False
        try:
            while True:
                faulty = self._sink.fault is not None
                try:
                    pcm = self._queue.get(timeout=self._retry_s if faulty else None)
                except queue.Empty:
                    pcm = _NOTHING
                if pcm is None:
                    finished = True
                    break
                self._try_again(container, stream)
                if pcm is _NOTHING:
                    continue
                if self._sink.fault is not None:
                    self._lost_run += 1
                    self.frames_lost += 1
                    continue
                self._encode(container, stream, pcm)
            self._try_again(container, stream, now=True)
            if self.frames_written == 0 and self._sink.fault is None:
                # an Ogg stream without audio pages is unreadable
                self._encode(container, stream, np.zeros(2 * FRAME_SAMPLES, dtype=np.int16))
            for packet in stream.encode(None):
                container.mux(packet)
        except BaseException as exc:  # reported by finish()
            self._error = exc
        finally:
            try:
                container.close()
            except BaseException as exc:
                self._error = self._error or exc
            self._sink.close()
            self._check_storage()
            self._end_of_file()
            while not finished:  # the writer failed: drain until finish() says stop
                finished = self._queue.get() is None

    def _encode(self, container: OutputContainer, stream: Any, pcm: Pcm) -> None:
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="stereo")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = self.frames_written * FRAME_SAMPLES
        frame.time_base = TIME_BASE
        for packet in stream.encode(frame):
            container.mux(packet)
        self.frames_written += 1
        self._check_storage()
        if self.frames_written % FSYNC_EVERY_FRAMES == 0:
            self._sink.fsync()

    def _try_again(self, container: OutputContainer, stream: Any, now: bool = False) -> None:
        """A faulty disk is tried again (every `retry_s`, or `now`); if it takes the held
        pages, the lost stretch is written as silence and the audio follows."""
        if self._sink.fault is None:
            return
        moment = time.monotonic()
        if not now and moment - self._last_retry < self._retry_s:
            return
        self._last_retry = moment
        if not self._sink.retry():
            return
        silence = np.zeros(2 * FRAME_SAMPLES, dtype=np.int16)
        while self._lost_run and self._sink.fault is None:
            self._lost_run -= 1
            self._encode(container, stream, silence)
        if self._sink.fault is not None or not self.write_gaps:
            return  # refused again while catching up: the same gap goes on
        gap = self.write_gaps[-1]
        gap.end_s = self._position
        self._tell("resumed", gap.end_s, None, gap.detail)

    def _check_storage(self) -> None:
        sink = self._sink
        if sink.fault is not None and (
            not self.write_gaps or self.write_gaps[-1].end_s is not None
        ):
            start = self._position
            self.write_gaps.append(WriteGap(start, None, sink.fault.fault, sink.fault.detail))
            self._tell("fault", start, sink.fault.fault, sink.fault.detail)
        while self._faults_seen < len(sink.faults):
            record = sink.faults[self._faults_seen]
            self._faults_seen += 1
            if sink.moved_to_fallback and sink.fault is None and record.path == sink.primary:
                self._tell("fallback", self._position, record.fault, record.detail)

    def _end_of_file(self) -> None:
        """At the end, a disk still refusing loses what it held too: the gap starts where the
        file's readable audio ends, and lasts to the end."""
        if not self.write_gaps or self.write_gaps[-1].end_s is not None:
            return
        gap = self.write_gaps[-1]
        gap.start_s = round(min(gap.start_s, self._sink.seconds_on_disk), 3)
        gap.end_s = self._position
        gap.silent = False

    @property
    def _position(self) -> float:
        """Seconds of the recording's timeline: frames written and frames being lost."""
        return round((self.frames_written + self._lost_run) * FRAME_SECONDS, 3)

    def _tell(self, kind: Any, t: float, fault: StorageFault | None, detail: str) -> None:
        if self._on_storage is None:
            return
        try:
            self._on_storage(StorageEvent(kind, t, fault, detail, self.path))
        except Exception:
            logger.exception("recording storage listener failed")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def write_sidecar(path: Path, data: Mapping[str, object]) -> None:
    """Write the JSON sidecar atomically (temp file + rename)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)

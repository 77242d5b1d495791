"""The call recording: Ogg/Opus stereo (candidate LEFT, client RIGHT), written page by page
by a thread of its own, fed through a bounded queue, so that neither encoding nor disk
writes ever run on the event loop.

The two channels are coded as two independent mono Opus streams (channel mapping family
255): joint stereo coding leaks one party's onsets into the other's channel (-23 dB seen),
which a dual-channel evaluation recording must not do. FFmpeg and Chromium decode it.

Crash tolerance: the Ogg muxer closes a page every second of audio and the I/O context is
flushed after each packet, so a killed process leaves a file readable up to its last
second; the file is also fsync'ed every few seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import threading
from pathlib import Path
from typing import Any

import av
import numpy as np
from av.container import OutputContainer

from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE, Pcm
from server.telephony.opus import TIME_BASE

RECORDING_BITRATE = 48_000  # stereo speech: ~360 kB a minute
PAGE_SECONDS = 1.0
FSYNC_EVERY_FRAMES = 250  # 5 s
QUEUE_FRAMES = 250  # 5 s of slack for a slow disk before frames are dropped


class OggOpusRecorder:
    """`open()` (blocking: call it through `asyncio.to_thread`), then `push()` one stereo
    frame per tick from the event loop (never blocks), then `finish()` (blocking)."""

    def __init__(self, path: Path, bitrate: int = RECORDING_BITRATE) -> None:
        self.path = path
        self._bitrate = bitrate
        self._queue: queue.Queue[Pcm | None] = queue.Queue(maxsize=QUEUE_FRAMES)
        self._thread: threading.Thread | None = None
        self._container: OutputContainer | None = None
        self._error: BaseException | None = None
        self.frames_pushed = 0
        self.frames_written = 0
        self.frames_dropped = 0

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        container = av.open(
            str(self.path),
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
            },
        )
        stream.codec_context.format = "s16"
        container.start_encoding()  # the file and its headers exist from now on
        self._container = container
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
        """Write what is queued, close the file. Raises what the writer thread hit, if any."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise RuntimeError(f"recording {self.path} failed") from self._error

    def _run(self, container: OutputContainer, stream: Any) -> None:
        finished = False
        try:
            while (pcm := self._queue.get()) is not None:
                self._encode(container, stream, pcm)
            finished = True
            if self.frames_written == 0:  # an Ogg stream without audio pages is unreadable
                self._encode(container, stream, np.zeros(2 * FRAME_SAMPLES, dtype=np.int16))
            for packet in stream.encode(None):
                container.mux(packet)
        except BaseException as exc:  # reported by finish()
            self._error = exc
        finally:
            try:
                container.close()
                _fsync(self.path)
            except BaseException as exc:
                self._error = self._error or exc
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
        if self.frames_written % FSYNC_EVERY_FRAMES == 0:
            _fsync(self.path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def write_sidecar(path: Path, data: dict[str, Any]) -> None:
    """Write the JSON sidecar atomically (temp file + rename)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)

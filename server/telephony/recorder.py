"""The call recording: Ogg/Opus stereo (candidate LEFT, client RIGHT), written page by page
by a thread of its own, fed through a bounded queue, so that neither encoding nor disk
writes ever run on the event loop.

The two channels are two independent mono Opus streams (channel mapping family 1, two
streams, none coupled: RFC 7845 §5.1.1): joint stereo coding leaks one party's onsets into
the other's channel (-23 dB seen), which a dual-channel evaluation recording must not do.
FFmpeg and Chromium decode it.

No party is encoded again where it need not be: a frame whose audio is exactly one 20 ms
packet the party sent is written as that packet (the timeline says so), a frame without
any of its audio as a silence packet encoded once; only the other frames (a lost packet's
concealment, parts of two packets, a late packet cut) go through that channel's encoder
(libopus, `complexity`). Its input is taken the encoder's look-ahead (312 samples) later,
with the frame before it fed first when the encoder did not hear it, so its output lands on
the same samples as the packets around it: the file has no pre-skip and each of its samples
is where the timeline put it. The writer waits for the next frame before writing one (that
look-ahead); what it holds still counts as written.

Crash tolerance: a page is closed every second of audio and written at once, so a killed
process leaves a file readable up to its last second; the file is also fsync'ed every few
seconds.

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

import numpy as np

from server.telephony.audio import FRAME_SAMPLES, FRAME_SECONDS, Pcm
from server.telephony.ogg_opus import OggOpusPages, packet_samples
from server.telephony.opus import OpusEncoder, silence_packet
from server.telephony.recording_sink import OggPageSink, OpenFile, OsFile, StorageFault

logger = logging.getLogger(__name__)

RECORDING_BITRATE = 48_000  # stereo speech: ~360 kB a minute
PAGE_SECONDS = 1.0
# libopus's complexity (0-10): 10, its default, is what the recordings use; lower settings cost
# less CPU and measurably worse speech (benchmarks/codec_cost.py, results/codec_cost.md).
RECORDING_COMPLEXITY = 10
FSYNC_EVERY_FRAMES = 250  # 5 s
QUEUE_FRAMES = 250  # 5 s of slack for a slow disk before frames are dropped
BATCH_FRAMES = 10  # handed to the writer thread 200 ms at a time: 5 wake-ups a second, not 50
QUEUE_BATCHES = QUEUE_FRAMES // BATCH_FRAMES
RETRY_S = 1.0  # a disk that refused the audio is tried again this often
LOOKAHEAD = 312  # libopus's delay at 48 kHz (2.5 ms + 4 ms): what the encoder's input is shifted
PAGE_PACKETS = round(PAGE_SECONDS / FRAME_SECONDS)
Packets = tuple[bytes | None, bytes | None]  # per channel: the packet to write as it is, b""
# (nothing of that party: silence), or None (encode the frame's samples)


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
_SILENCE_STEREO: Final = np.zeros(2 * FRAME_SAMPLES, dtype=np.int16)
_ENCODE: Final[Packets] = (None, None)
_SILENT: Final[Packets] = (b"", b"")
_Frame = tuple[Pcm, Packets]
_Batch = list["_Frame | int"]  # frames, and counts of frames dropped before them (silence)


class _ChannelEncoder:
    """One channel's libopus encoder for the frames that are not one of the party's packets;
    fed `LOOKAHEAD` samples ahead, so its packets decode onto the frame's own samples."""

    def __init__(self, bitrate: int, complexity: int) -> None:
        self._opus = OpusEncoder(bitrate, complexity)  # mono, VoIP, constrained VBR
        self._last = np.zeros(FRAME_SAMPLES, dtype=np.int16)  # the channel's previous frame
        self._heard_last = False  # was the previous frame fed to the encoder?
        self.encoded = 0

    def skip(self, pcm: Pcm) -> None:
        """The frame went into the file without this encoder (a packet, silence)."""
        self._last = pcm
        self._heard_last = False

    def encode(self, pcm: Pcm, ahead: Pcm | None) -> bytes:
        """The packet of `pcm` (this frame), `ahead` the next frame's samples if known."""
        tail = np.zeros(LOOKAHEAD, dtype=np.int16) if ahead is None else ahead[:LOOKAHEAD]
        if not self._heard_last:
            self._feed(np.concatenate((self._last[LOOKAHEAD:], pcm[:LOOKAHEAD])))
        packets = self._feed(np.concatenate((pcm[LOOKAHEAD:], tail)))
        self._last, self._heard_last = pcm, True
        self.encoded += 1
        return packets[-1] if packets else silence_packet()

    def _feed(self, pcm: Pcm) -> list[bytes]:
        return self._opus.encode(pcm)


class OggOpusRecorder:
    """`open()` (blocking: call it through `asyncio.to_thread`), then `push()` one stereo
    frame per tick from the event loop (never blocks), with the parties' packets where the
    frame is one of them, then `finish()` (blocking).

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
        # queue.SimpleQueue (C, lock-free for the producer) bounded by two counters, each
        # written by one thread only: batches handed over (the loop) and taken (the writer)
        self._queue: queue.SimpleQueue[_Batch | None] = queue.SimpleQueue()
        self._handed = 0
        self._taken = 0
        self._batch: _Batch = []
        self._dropped_run = 0  # frames dropped since the last batch the writer took
        self._thread: threading.Thread | None = None
        self._pages: OggOpusPages | None = None
        self._encoders: tuple[_ChannelEncoder, _ChannelEncoder] | None = None
        self._held: _Frame | None = None  # accepted, written once the next frame is known
        self._on_disk_frames = 0
        self._error: BaseException | None = None
        self._sink = OggPageSink(path, fallback=fallback, open_file=open_file)
        self._on_storage = on_storage
        self._retry_s = retry_s
        self._last_retry = 0.0
        self._lost_run = 0  # frames refused since the current fault began
        self._faults_seen = 0
        self.frames_pushed = 0
        self.frames_written = 0  # accepted into the file (the last one may be held: look-ahead)
        self.frames_encoded = 0  # channel-frames that went through an encoder
        self.frames_dropped = 0
        self.frames_lost = 0  # refused by the disk (silence in the file, or nothing at the end)
        self.write_gaps: list[WriteGap] = []

    @property
    def path(self) -> Path:
        """Where the audio is: the path asked for, or its fallback after a move."""
        return self._sink.path

    @property
    def silence_owed(self) -> int:
        """Frames dropped since the writer took its last batch: silence it writes next."""
        return self._dropped_run

    @property
    def sink(self) -> OggPageSink:
        return self._sink

    def open(self) -> None:
        half = self._bitrate // 2
        self._encoders = (
            _ChannelEncoder(half, self._complexity),
            _ChannelEncoder(half, self._complexity),
        )
        silence_packet()  # encoded once per process, before the writer needs it
        # the file and its header pages exist from now on (if the disk takes them)
        self._pages = OggOpusPages(self._sink.write, page_packets=PAGE_PACKETS)
        self._check_storage()
        self._thread = threading.Thread(target=self._run, name=f"recorder:{self.path.name}")
        self._thread.start()

    def push(self, frame: Pcm, packets: Packets = _ENCODE) -> None:
        """Queue one interleaved stereo frame (1920 int16) and, per channel, the packet that
        is exactly its audio (b"": none of it, silence; None: encode it). Frames go to the
        writer `BATCH_FRAMES` at a time; a batch the writer has no room for (it is 5 s
        behind: a stalled disk) is dropped and counted, and written as silence in its place
        once the writer takes the next one, so what follows stays at its time."""
        self.frames_pushed += 1
        self._batch.append((frame, packets))
        if len(self._batch) >= BATCH_FRAMES:
            self._hand_over()

    def _hand_over(self) -> None:
        batch, self._batch = self._batch, []
        if not batch:
            return
        if self._dropped_run:
            batch.insert(0, self._dropped_run)
        if self._handed - self._taken >= QUEUE_BATCHES:  # the writer is 5 s behind
            dropped = sum(1 for item in batch if not isinstance(item, int))
            self.frames_dropped += dropped
            self._dropped_run += dropped
            return
        self._handed += 1
        self._queue.put(batch)
        self._dropped_run = 0

    def finish(self) -> None:
        """Write what is queued, close the file. Raises what the encoder hit, if anything
        (never what the disk did: that is in `write_gaps`)."""
        if self._thread is not None:
            self._hand_over()
            if self._dropped_run:
                self._queue.put([self._dropped_run])
                self._dropped_run = 0
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise RuntimeError(f"recording {self.path} failed") from self._error

    # --- the writer thread -------------------------------------------------------------

    def _run(self) -> None:
        finished = False
        try:
            while True:
                faulty = self._sink.fault is not None
                try:
                    batch = self._queue.get(timeout=self._retry_s if faulty else None)
                except queue.Empty:
                    batch = []
                else:
                    self._taken += 1
                if batch is None:
                    finished = True
                    break
                self._try_again()
                for item in batch:
                    if isinstance(item, int):  # dropped in the queue: silence in its place
                        for _ in range(item):
                            self._take((_SILENCE_STEREO, _SILENT))
                    else:
                        self._take(item)
            self._try_again(now=True)
            self._release(ahead=None)
            if self.frames_written == 0 and self._sink.fault is None:
                # an Ogg stream without audio pages is unreadable
                self._accept((_SILENCE_STEREO, _SILENT))
                self._release(ahead=None)
            assert self._pages is not None
            self._pages.close()
        except BaseException as exc:  # reported by finish()
            self._error = exc
        finally:
            self._sink.close()
            self._check_storage()
            self._end_of_file()
            while not finished:  # the writer failed: drain until finish() says stop
                finished = self._queue.get() is None

    def _take(self, item: _Frame) -> None:
        if self._sink.fault is not None:
            self._release(ahead=item[0])  # the frame before it was taken already
            self._lost_run += 1
            self.frames_lost += 1
            return
        self._accept(item)

    def _accept(self, item: _Frame) -> None:
        """`item` is in the file (its place in the timeline is taken); it is written once the
        frame after it is known (the encoders' look-ahead)."""
        self.frames_written += 1
        held, self._held = self._held, item
        if held is not None:
            self._write(held, ahead=item[0])

    def _release(self, ahead: Pcm | None) -> None:
        held, self._held = self._held, None
        if held is not None:
            self._write(held, ahead)

    def _write(self, item: _Frame, ahead: Pcm | None) -> None:
        pcm, packets = item
        assert self._pages is not None and self._encoders is not None
        out: list[bytes] = []
        for channel, packet in enumerate(packets):
            encoder = self._encoders[channel]
            mono = pcm[channel::2]
            if packet == b"":
                packet = silence_packet()
            if packet is not None and packet_samples(packet) == FRAME_SAMPLES:
                encoder.skip(mono)
                out.append(packet)
            else:
                out.append(encoder.encode(mono, None if ahead is None else ahead[channel::2]))
                self.frames_encoded += 1
        self._pages.add(out[0], out[1], FRAME_SAMPLES)
        self._on_disk_frames += 1
        self._check_storage()
        if self._on_disk_frames % FSYNC_EVERY_FRAMES == 0:
            self._sink.fsync()

    def _try_again(self, now: bool = False) -> None:
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
        while self._lost_run and self._sink.fault is None:
            self._lost_run -= 1
            self._accept((_SILENCE_STEREO, _SILENT))
        self._release(ahead=None)
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

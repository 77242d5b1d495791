"""Where a recording's bytes go: the file side of the recorder, and what it does when the
disk refuses them (full, read-only, I/O error).

`OggPageSink` is the file object the Ogg muxer writes to (PyAV writes to any object with
`write`). It never raises into the muxer: it cuts the byte stream into whole Ogg pages and
writes only whole pages, so the file on disk is always a valid Ogg stream up to its last page.
When a write fails:

- the file is cut back to its last whole page (a half-written page would make every later
  one unreadable) and the pages not written are *held* in memory, in order;
- if a fallback file is set (`PLATEAU_RECORDINGS_FALLBACK_DIR`), the sink moves there at once:
  what the primary file holds is copied, the held pages follow, the primary copy is removed,
  and nothing is lost;
- otherwise the sink is *faulty* (`fault`) until `retry()` manages to write the held pages:
  the recorder stops handing it audio meanwhile (what it discards is what the recording lost,
  and it says so), so what is held stays within a page or two.

Nothing here knows about time or frames: the recorder turns a fault into a gap.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

logger = logging.getLogger(__name__)

OGG_CAPTURE = b"OggS"
OGG_HEADER = 27  # bytes before the segment table
MAX_HELD_BYTES = 4 << 20  # pages kept while the disk refuses them (the recorder stops first)


class StorageFault(StrEnum):
    DISK_FULL = "disk_full"  # no space left (or quota)
    WRITE_ERROR = "write_error"  # anything else: read-only, permission, I/O error


def fault_of(exc: OSError) -> StorageFault:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFault.DISK_FULL
    return StorageFault.WRITE_ERROR


class FileWriter(Protocol):
    """One open file: `write` writes all of `data` or raises OSError."""

    def write(self, data: bytes) -> None: ...
    def truncate(self, size: int) -> None: ...
    def fsync(self) -> None: ...
    def close(self) -> None: ...


class OsFile:
    """The real file, created owner-only (its folder too if needed), written from byte `keep`
    on: 0 starts it empty, more reopens it after a failure, cut back to what was good."""

    def __init__(self, path: Path, keep: int = 0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if keep == 0 else 0)
        self._fd = os.open(path, flags, 0o600)
        self._size = 0
        if keep:
            try:
                self.truncate(keep)
            except OSError:
                os.close(self._fd)
                raise

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]
            self._size += n

    def truncate(self, size: int) -> None:
        os.ftruncate(self._fd, size)
        os.lseek(self._fd, size, os.SEEK_SET)
        self._size = size

    def fsync(self) -> None:
        os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)


OpenFile = Callable[[Path, int], FileWriter]  # (path, bytes to keep)


@dataclass(frozen=True)
class FaultRecord:
    fault: StorageFault
    path: Path
    detail: str  # the system's words (for the log and the sidecar)


class OggPageSink(io.RawIOBase):
    """A write-only file object for the Ogg muxer (see the module's docstring). Used from the
    recorder's writer thread only."""

    def __init__(
        self,
        path: Path,
        *,
        fallback: Path | None = None,
        open_file: OpenFile = OsFile,
    ) -> None:
        super().__init__()
        self.primary = path
        self.fallback = fallback
        self.path = path  # where the pages go now
        self._open_file = open_file
        self._file: FileWriter | None = None
        self._pending = bytearray()  # the start of a page not complete yet
        self._held: list[bytes] = []  # whole pages not on disk yet, in order
        self.fault: FaultRecord | None = None
        self._retrying: FaultRecord | None = None  # the fault being retried (logged once)
        self.faults: list[FaultRecord] = []  # every fault met, in order
        self.moved_to_fallback = False
        self.bytes_on_disk = 0
        self.pages_on_disk = 0
        self.granule_on_disk = 0  # granule position of the last page on disk
        self.pre_skip = 0  # from the OpusHead: samples the decoder drops at the start
        self.bytes_lost = 0  # held pages given up at close

    # --- io.RawIOBase ------------------------------------------------------------------

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self._pending += data
        self._cut_pages()
        if self.fault is None:
            self._drain()
        return len(data)

    # --- the recorder's side -----------------------------------------------------------

    @property
    def held_bytes(self) -> int:
        return sum(len(p) for p in self._held)

    @property
    def seconds_on_disk(self) -> float:
        """Audio readable from the file: up to its last page's granule position."""
        return max(0, self.granule_on_disk - self.pre_skip) / 48_000

    def retry(self) -> bool:
        """Try again to write what is held (faulty sink). True: the fault is over."""
        if self.fault is None:
            return True
        before, self.fault = self.fault, None
        self._retrying = before
        try:
            self._drain()
        finally:
            self._retrying = None
        if self.fault is None:
            logger.warning("recording %s: written again (%s is over)", self.path, before.fault)
        return self.fault is None

    def fsync(self) -> None:
        if self._file is None or self.fault is not None:
            return
        try:
            self._file.fsync()
        except OSError as exc:
            logger.warning("recording %s: fsync failed (%s)", self.path, exc)

    def close(self) -> None:
        """Write what can be written and close the file; pages still held are lost
        (`bytes_lost`)."""
        if self.closed:
            return
        self._cut_pages()
        if self.fault is not None:
            self.retry()
        else:
            self._drain()
        self.bytes_lost = self.held_bytes + len(self._pending)
        self._held.clear()
        self._pending.clear()
        if self._file is not None:
            self.fsync()
            try:
                self._file.close()
            except OSError as exc:
                logger.warning("recording %s: close failed (%s)", self.path, exc)
            self._file = None
        super().close()

    # --- pages -------------------------------------------------------------------------

    def _cut_pages(self) -> None:
        buf = self._pending
        while len(buf) >= OGG_HEADER:
            if buf[:4] != OGG_CAPTURE:  # never seen from the muxer: resynchronise, loudly
                start = buf.find(OGG_CAPTURE, 1)
                logger.error("recording %s: bytes outside an Ogg page dropped", self.path)
                del buf[: start if start > 0 else len(buf)]
                continue
            segments = buf[26]
            if len(buf) < OGG_HEADER + segments:
                return
            size = OGG_HEADER + segments + sum(buf[OGG_HEADER : OGG_HEADER + segments])
            if len(buf) < size:
                return
            page = bytes(buf[:size])
            del buf[:size]
            if not self.pre_skip and b"OpusHead" in page[:64]:
                head = page.index(b"OpusHead")
                self.pre_skip = struct.unpack_from("<H", page, head + 10)[0]
            if self.held_bytes + len(page) > MAX_HELD_BYTES:
                self.bytes_lost += len(page)  # the recorder should have stopped long ago
                continue
            self._held.append(page)

    def _drain(self) -> None:
        try:
            if self._file is None:
                self._file = self._open_file(self.path, self.bytes_on_disk)
            while self._held:
                page = self._held[0]
                self._file.write(page)
                self._held.pop(0)
                self.bytes_on_disk += len(page)
                self.pages_on_disk += 1
                granule = struct.unpack_from("<q", page, 6)[0]
                if granule >= 0:
                    self.granule_on_disk = granule
        except OSError as exc:
            self._failed(exc)

    def _failed(self, exc: OSError) -> None:
        record = FaultRecord(fault_of(exc), self.path, f"{exc.strerror or exc} ({self.path})")
        if self._file is not None:
            try:  # back to the last whole page: a torn page would hide every later one
                self._file.truncate(self.bytes_on_disk)
            except OSError:
                self._close_quietly()
        if self.fallback is not None and not self.moved_to_fallback and self._move_to_fallback():
            self.faults.append(record)  # met, but nothing lost: the fallback took over
            logger.error(
                "recording %s: %s, continued in %s", self.primary, record.detail, self.fallback
            )
            return
        if self._retrying is None or self._retrying.fault is not record.fault:
            logger.error("recording %s: %s", self.path, record.detail)  # once per fault
        self.fault = record
        if not self.faults or self.faults[-1] != record:
            self.faults.append(record)

    def _move_to_fallback(self) -> bool:
        assert self.fallback is not None
        self.moved_to_fallback = True
        try:
            target = self._open_file(self.fallback, 0)
        except OSError as exc:
            logger.error("recording fallback %s unusable: %s", self.fallback, exc)
            return False
        try:
            if self.bytes_on_disk:
                with self.primary.open("rb") as source:
                    target.write(source.read(self.bytes_on_disk))
            for page in self._held:
                target.write(page)
        except OSError as exc:
            logger.error("recording fallback %s unusable: %s", self.fallback, exc)
            with contextlib.suppress(OSError):
                target.close()
            return False
        self._close_quietly()
        with contextlib.suppress(OSError):
            self.primary.unlink(missing_ok=True)
        self._file, self.path = target, self.fallback
        self.bytes_on_disk += self.held_bytes
        self.pages_on_disk += len(self._held)
        for page in self._held:
            granule = struct.unpack_from("<q", page, 6)[0]
            if granule >= 0:
                self.granule_on_disk = granule
        self._held.clear()
        self.fault = None
        return True

    def _close_quietly(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None

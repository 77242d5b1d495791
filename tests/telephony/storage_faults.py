"""Disks that refuse: a budget of bytes shared by the files opened on it (ENOSPC past it),
or read-only (EROFS), switchable while a recording runs; and a small real tmpfs when the
test runs as root."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from server.telephony.recording_sink import OsFile


class FlakyDisk:
    """`open_file` for a recorder: real files, but at most `free` more bytes (None: no
    limit), or nothing at all while `read_only`."""

    def __init__(self, free: int | None = None) -> None:
        self.free = free
        self.read_only = False
        self.refusals = 0
        self._lock = threading.Lock()

    def open_file(self, path: Path, keep: int) -> OsFile:
        if self.read_only:
            self.refusals += 1
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        disk = self

        class Limited(OsFile):
            def write(self, data: bytes) -> None:
                with disk._lock:
                    if disk.read_only:
                        disk.refusals += 1
                        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
                    if disk.free is not None and len(data) > disk.free:
                        room = disk.free
                        disk.free = 0
                        disk.refusals += 1
                        super().write(data[:room])  # a torn write, as a real disk does
                        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
                    if disk.free is not None:
                        disk.free -= len(data)
                super().write(data)

        return Limited(path, keep)

    def give(self, free: int | None) -> None:
        with self._lock:
            self.free = free


def can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount") is not None


@contextmanager
def small_tmpfs(where: Path, size: str = "2m") -> Iterator[Path]:
    """A real filesystem of `size` mounted at `where` (root only), unmounted after."""
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(directory: Path, leave: int) -> Path:
    """Fill the filesystem of `directory` until about `leave` bytes remain free."""
    filler = directory / "filler.bin"
    free = shutil.disk_usage(directory).free
    with filler.open("wb") as out:
        out.write(b"\0" * max(0, free - leave))
    return filler

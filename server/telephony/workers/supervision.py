"""A local media worker dies with the server that started it.

- Linux: the worker asks the kernel to send it SIGTERM when its parent dies
  (`prctl(PR_SET_PDEATHSIG)`), even by SIGKILL; SIGTERM makes it finish its recordings.
- Everywhere: a watchdog compares the parent pid every half second and stops the worker
  the same way when the parent is gone (reparented), in case the kernel's signal is not
  available or was armed too late.

The parent pid is given on the worker's command line by the server (`--parent-pid`)."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import logging
import os
import signal
import sys

logger = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
WATCH_PARENT_S = 0.5


class ParentGone(SystemExit):
    """The server that started this worker is gone before the worker could serve."""


def arm_parent_death_signal(sig: int = signal.SIGTERM) -> bool:
    """Linux: deliver `sig` to this process when its parent dies. False where unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(parent_pid: int) -> bool:
    """Call first thing in a worker started by a server. Raises `ParentGone` if the server
    died already (before the signal was armed); returns whether the kernel will signal."""
    armed = arm_parent_death_signal()
    if os.getppid() != parent_pid:
        raise ParentGone(f"media worker: its server (pid {parent_pid}) is gone")
    return armed


async def watch_parent(parent_pid: int, every_s: float = WATCH_PARENT_S) -> None:
    """The portable fallback: when the parent is gone, stop this worker as SIGTERM would
    (uvicorn's graceful shutdown: recordings finished, registration removed)."""
    while os.getppid() == parent_pid:  # noqa: ASYNC110 - nothing to wait on but the pid
        await asyncio.sleep(every_s)
    logger.error("the server (pid %d) that started this media worker is gone", parent_pid)
    os.kill(os.getpid(), signal.SIGTERM)


def start_parent_watch(parent_pid: int | None) -> asyncio.Task[None] | None:
    if not parent_pid:
        return None
    return asyncio.create_task(watch_parent(parent_pid), name="media-parent-watch")


async def stop_task(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task

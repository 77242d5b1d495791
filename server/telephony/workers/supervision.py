"""A local media worker dies with the server that started it.

- Linux: the worker asks the kernel to send it SIGTERM when its parent dies
  (`prctl(PR_SET_PDEATHSIG)`), even by SIGKILL; SIGTERM makes it finish its recordings.
- Everywhere: a watchdog thread compares the parent pid every half second and stops the
  worker the same way when the parent is gone (reparented), in case the kernel's signal is
  not available or was armed too late; a shutdown that has not ended a minute later (a
  stuck event loop, a request that never ends) is ended by it, the threads' stacks logged.

The parent pid is given on the worker's command line by the server (`--parent-pid`)."""

from __future__ import annotations

import ctypes
import ctypes.util
import faulthandler
import logging
import os
import signal
import sys
import threading
import time

logger = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
WATCH_PARENT_S = 0.5
GRACE_S = 60.0  # for a shutdown once the server is gone: recordings finished, then the end


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


class ParentWatch:
    """The portable fallback, and the bound on a shutdown: a thread (it acts even when the
    event loop is stuck) that compares the parent pid every `every_s`. When the parent is
    gone it stops the worker as SIGTERM would (uvicorn's graceful shutdown: recordings
    finished, registration removed); if the process still runs `grace_s` later, it writes
    the stacks of its threads to stderr and ends it: no worker outlives its server."""

    def __init__(
        self, parent_pid: int, every_s: float = WATCH_PARENT_S, grace_s: float = GRACE_S
    ) -> None:
        self.parent_pid, self.every_s, self.grace_s = parent_pid, every_s, grace_s
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="media-parent-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop watching while the parent lives (a shutdown the server asked for). Once the
        parent is gone, the grace runs to its end whatever happens."""
        if os.getppid() == self.parent_pid:
            self._stopped.set()

    def _run(self) -> None:
        while os.getppid() == self.parent_pid:
            if self._stopped.wait(self.every_s):
                return
        logger.error("the server (pid %d) that started this media worker is gone", self.parent_pid)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(self.grace_s)  # the process normally ends during this sleep
        logger.error(
            "media worker still running %.0f s after its server (pid %d) died: its threads' "
            "stacks follow, then it is ended",
            self.grace_s,
            self.parent_pid,
        )
        faulthandler.dump_traceback(all_threads=True)
        sys.stderr.flush()
        os._exit(1)


def start_parent_watch(parent_pid: int | None) -> ParentWatch | None:
    if not parent_pid:
        return None
    watch = ParentWatch(parent_pid)
    watch.start()
    return watch

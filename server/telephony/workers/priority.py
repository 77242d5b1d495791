"""A media worker's CPU priority. Its rooms' audio is due every 20 ms and its event loop has
60-100 ms of slack; a process of the same priority waking on its core can take the core for
longer than that (the benchmark caught another service's VM start-up holding it 43 ms, and
the mix skipped ticks). A worker raises its priority once at start (`nice`, as Asterisk's
`-p` and FreeSWITCH's `-rp` raise theirs), so that such a process waits for it instead.

On Linux the nice value is per thread: raise it before any thread starts, and the threads the
process starts afterwards (recorders, aiortc's, uvicorn's) inherit it. Raising needs
CAP_SYS_NICE (root, or a container started with `--cap-add SYS_NICE`); without it the
worker says so and runs at its usual priority."""

from __future__ import annotations

import logging
import os

logger = logging.getLogger(__name__)


def raise_priority(nice: int) -> int | None:
    """Run this thread (and the threads it starts from now on) at `nice` (-20..19; 0 leaves
    the priority as it is). The nice value it then has, or None if the system refused."""
    if nice == 0:
        return os.getpriority(os.PRIO_PROCESS, 0)
    try:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    except PermissionError:
        logger.warning(
            "media worker: priority nice %d refused (CAP_SYS_NICE missing); it runs at its "
            "usual priority, and another process on its core can stall its rooms",
            nice,
        )
        return None
    return os.getpriority(os.PRIO_PROCESS, 0)

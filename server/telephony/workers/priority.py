"""A media worker's CPU priority. Its rooms' audio is due every 20 ms and its event loop has
60-100 ms of slack; a process waking on its core at the usual priority can hold the core for
longer than that (the benchmark traced another service's Erlang VM, starting, holding it for
43 ms, and the mix skipped ticks). So a worker asks once, at start, for **real-time
scheduling** (`SCHED_RR`, as Asterisk's `-p` and FreeSWITCH's `-rp` do): a process of the
usual class then waits for it, whatever its session. A raised nice alone does not do that —
the kernel weighs nice only against the processes of the same session's autogroup (the trace
still had the VM holding the core 28 ms at nice -10) — so it is only the fallback where
real-time is refused. The kernel keeps 5 % of each second for the other processes whatever
a real-time process does (`sched_rt_runtime_us`).

Both are per thread on Linux: ask before any thread starts, and the threads the process
starts afterwards (recorders, aiortc's, uvicorn's) inherit them — all of them, so that a
thread holding the GIL is never preempted by an ordinary process while the loop waits for it.
Asking needs CAP_SYS_NICE (root, or a container started with `--cap-add SYS_NICE`); refused
both, the worker says so and runs at its usual priority."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Priority:
    """What the process runs at: its SCHED_RR priority (0: not real-time) and its nice."""

    realtime: int
    nice: int


def current_priority() -> Priority:
    """What this thread runs at (real-time 0 where the system has no such scheduling)."""
    realtime = 0
    if hasattr(os, "sched_getscheduler") and os.sched_getscheduler(0) == os.SCHED_RR:
        realtime = os.sched_getparam(0).sched_priority
    return Priority(realtime=realtime, nice=os.getpriority(os.PRIO_PROCESS, 0))


def raise_priority(realtime: int, nice: int) -> Priority:
    """Run this thread, and those it starts from now on, at SCHED_RR priority `realtime`
    (1-99; 0: do not ask), else at `nice` (-20..19; 0: leave it). What it then runs at."""
    if realtime:
        try:
            os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(realtime))
            return current_priority()
        except (AttributeError, OSError) as exc:  # not Linux; CAP_SYS_NICE missing
            logger.warning(
                "media worker: real-time scheduling (SCHED_RR %d) refused (%s; CAP_SYS_NICE "
                "missing?); trying nice %d",
                realtime,
                exc,
                nice,
            )
    if nice:
        try:
            os.setpriority(os.PRIO_PROCESS, 0, nice)
        except OSError as exc:
            logger.warning(
                "media worker: priority nice %d refused too (%s); it runs at its usual "
                "priority, and another process on its core can stall its rooms",
                nice,
                exc,
            )
    return Priority(realtime=0, nice=os.getpriority(os.PRIO_PROCESS, 0))

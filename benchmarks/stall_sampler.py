"""What the media server was doing while its event loop stalled.

`LoopLag` (bench_rpc.py) says *when* the loop woke late; this says *why*. A thread watches a
heartbeat the loop beats every `BEAT_S`; while the heartbeat is older than `stall_s`, it
samples every thread's Python stack, and at the stall's end it reads each thread's
`/proc/self/task/<tid>/schedstat` (nanoseconds on a CPU, nanoseconds runnable but waiting for
one) against the last reading taken while the loop was well:

- the loop's thread **on the CPU** for the stall: it was busy, its stack says with what;
- **runnable**: something else had the core (another thread of the process, or a process);
- **neither**: asleep in the kernel (a blocking call — its stack says which — or the GIL
  held by another thread: the threads on the CPU then are named).

With each stall, each CPU's time in it by kind from /proc/stat (user, system, softirq,
steal…, 10 ms grain): a starved loop whose core went to `steal` lost it to the hypervisor,
to `user`/`system` to another process or a kernel thread.

Linux only (schedstat); elsewhere the CPU figures are 0. A diagnostic for the benchmark, not
part of the server.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

BEAT_S = 0.005
CHECK_S = 0.01
FRAMES_KEPT = 8
KEPT = 50


def _schedstat(tid: int) -> tuple[int, int]:
    """(ns on a CPU, ns runnable and waiting) of thread `tid` of this process."""
    try:
        on_cpu, waiting, _ = Path(f"/proc/self/task/{tid}/schedstat").read_text().split()
    except (OSError, ValueError):
        return 0, 0
    return int(on_cpu), int(waiting)


def _all_schedstats() -> dict[int, tuple[int, int]]:
    try:
        tids = [int(p.name) for p in Path("/proc/self/task").iterdir()]
    except OSError:
        return {}
    return {tid: _schedstat(tid) for tid in tids}


def verdict(ms: float, on_cpu_ms: float, runnable_ms: float) -> str:
    """What the loop's thread mostly did in a stall of `ms`: "busy" (on a CPU), "starved"
    (runnable, no CPU free) or "asleep" (in the kernel: a blocking call, or the GIL). The
    sampler itself takes the GIL a moment every `CHECK_S` of a stall: a busy loop's figure
    is a little low, counted as asleep."""
    asleep = max(0.0, ms - on_cpu_ms - runnable_ms)
    if asleep >= max(on_cpu_ms, runnable_ms):
        return "asleep"
    return "busy" if on_cpu_ms >= runnable_ms else "starved"


CPU_FIELDS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")


def _cpu_times() -> dict[str, list[int]]:
    """/proc/stat's per-CPU times (clock ticks, 10 ms) by CPU name."""
    out: dict[str, list[int]] = {}
    try:
        lines = Path("/proc/stat").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        if line.startswith("cpu") and line[3:4].isdigit():
            name, *values = line.split()
            out[name] = [int(v) for v in values[: len(CPU_FIELDS)]]
    return out


def _cpu_deltas(before: dict[str, list[int]], after: dict[str, list[int]]) -> dict[str, Any]:
    """Each CPU's time in the stall by kind, in ms (10 ms grain), kinds that moved only."""
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    out: dict[str, Any] = {}
    for cpu, values in after.items():
        old = before.get(cpu, [0] * len(values))
        moved = {
            field: round((new - was) * tick_ms)
            for field, new, was in zip(CPU_FIELDS, values, old, strict=False)
            if new != was
        }
        out[cpu] = moved
    return out


def _stack(frame: Any) -> str:
    frames = traceback.extract_stack(frame)[-FRAMES_KEPT:]
    return " < ".join(f"{f.name} ({Path(f.filename).name}:{f.lineno})" for f in reversed(frames))


class StallSampler:
    """Start it on the running loop (`start`), read `stats()` at the end."""

    def __init__(self, stall_s: float = 0.05) -> None:
        self.stall_s = stall_s
        self._beat = time.monotonic()
        self._stalls: list[dict[str, Any]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._thread: threading.Thread | None = None
        self._running = False
        self._loop_tid = 0
        self._loop_ident = 0

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop_tid = threading.get_native_id()
        self._loop_ident = threading.get_ident()
        self._running = True
        self._beat_now()
        self._thread = threading.Thread(target=self._watch, name="stall-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._running = False
        if self._handle is not None:
            self._handle.cancel()
        if self._thread is not None:
            self._thread.join()

    def stats(self) -> list[dict[str, Any]]:
        return self._stalls

    def _beat_now(self) -> None:
        self._beat = time.monotonic()
        if self._running and self._loop is not None:
            self._handle = self._loop.call_later(BEAT_S, self._beat_now)

    def _watch(self) -> None:
        own = threading.get_ident()
        well = _all_schedstats()
        cpus_well = _cpu_times()
        stall: dict[str, Any] | None = None
        stacks: Counter[tuple[str, str]] = Counter()
        while self._running:
            time.sleep(CHECK_S)
            beat = self._beat
            stale = time.monotonic() - beat
            if stale > self.stall_s:
                if stall is None:
                    stall = {"at": round(beat, 3)}
                    stacks = Counter()
                names = {t.ident: t.name for t in threading.enumerate()}
                for ident, frame in sys._current_frames().items():
                    if ident != own:
                        who = "loop" if ident == self._loop_ident else names.get(ident, "?")
                        stacks[(who, _stack(frame))] += 1
                continue
            now = _all_schedstats()
            cpus_now = _cpu_times()
            if stall is not None:
                if len(self._stalls) < KEPT:
                    closed = self._close(stall, beat, stacks, well, now)
                    closed["cpus_ms"] = _cpu_deltas(cpus_well, cpus_now)
                    self._stalls.append(closed)
                stall = None
            well, cpus_well = now, cpus_now

    def _close(
        self,
        stall: dict[str, Any],
        beat: float,
        stacks: Counter[tuple[str, str]],
        before: dict[int, tuple[int, int]],
        after: dict[int, tuple[int, int]],
    ) -> dict[str, Any]:
        """The stall that ended at the heartbeat `beat`: how long, each thread's CPU in it."""
        names = {t.native_id: t.name for t in threading.enumerate()}
        names[self._loop_tid] = "loop"
        on_cpu: dict[str, float] = {}
        runnable: dict[str, float] = {}
        for tid, (cpu1, wait1) in after.items():
            cpu0, wait0 = before.get(tid, (0, 0))
            name = f"{names.get(tid, 'thread')}#{tid}"
            if cpu1 - cpu0 >= 1_000_000:
                on_cpu[name] = round((cpu1 - cpu0) / 1e6, 1)
            if wait1 - wait0 >= 1_000_000:
                runnable[name] = round((wait1 - wait0) / 1e6, 1)
        loop_name = f"loop#{self._loop_tid}"
        ms = round((beat - stall["at"]) * 1000, 1)
        loop_on_cpu = on_cpu.get(loop_name, 0.0)
        loop_runnable = runnable.get(loop_name, 0.0)
        return {
            **stall,
            "ms": ms,
            "verdict": verdict(ms, loop_on_cpu, loop_runnable),
            "loop_on_cpu_ms": loop_on_cpu,
            "loop_runnable_ms": loop_runnable,
            "threads_on_cpu_ms": on_cpu,
            "threads_runnable_ms": runnable,
            "loop_thread": [
                {"stack": stack, "samples": n}
                for (who, stack), n in stacks.most_common()
                if who == "loop"
            ],
            "other_threads": [
                {"thread": who, "stack": stack, "samples": n}
                for (who, stack), n in stacks.most_common(10)
                if who != "loop"
            ],
        }

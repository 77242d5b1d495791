"""The media server side of the benchmark and how the other processes reach it.

`serve` runs the media layer (`AiortcMedia` as a media worker runs it, or stock aiortc's way)
behind a tiny JSON-lines RPC on loopback (attach, start_call, end_call, stats, shutdown);
`Rpc` is its client (the benchmark and each bot process hold one). Also: CPU/memory of a
process from /proc, pinning to cores, the machine's load average, and the server's counters
read defensively (whatever their names are, they are flattened and reported).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

SERVER_CORE = 0


def run_loop(main: Coroutine[Any, Any, Any], loop: str) -> Any:
    if loop == "uvloop":
        import uvloop

        return uvloop.run(main)
    return asyncio.run(main)


def pin(server: bool) -> None:
    """The server on core 0, the bots on every other core (no-op on a single core). The cores
    are the machine's, not this process's: a server started by a process already pinned to
    the bots' cores must still move to core 0 (it stayed with the bots before)."""
    cores = set(range(os.cpu_count() or 1))
    if len(cores) > 1:
        os.sched_setaffinity(0, {SERVER_CORE} if server else cores - {SERVER_CORE})


def load_average() -> list[float]:
    """The machine's 1, 5 and 15-minute load averages."""
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


class ProcStat:
    """CPU time and memory of a process, from /proc (no psutil needed)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._tick = os.sysconf("SC_CLK_TCK")

    def cpu_seconds(self) -> float:
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / self._tick

    def waited_seconds(self) -> float:
        """Time the process's main thread (its event loop) spent runnable but waiting for a
        CPU: what other work on the same core took from it (/proc/<pid>/schedstat)."""
        try:
            return int(Path(f"/proc/{self.pid}/schedstat").read_text().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            return 0.0

    def rss_mb(self) -> float:
        try:
            lines = Path(f"/proc/{self.pid}/status").read_text().splitlines()
        except OSError:
            return 0.0
        for line in lines:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


ROLES = frozenset({"candidate", "client", "observer"})


def flatten_counters(stats: Any) -> dict[str, float]:
    """The server's `stats()` as {dotted name: number}: per-room figures summed over rooms,
    and over the parties where a figure is given per party (`{candidate: 2, client: 1}`);
    everything else by its path. Names the benchmark does not know are kept, so a renamed or
    new counter is still printed."""
    out: dict[str, float] = {}

    def add(name: str, value: Any, in_room: bool) -> None:
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, int | float):
            out[name] = out.get(name, 0) + value
        elif isinstance(value, list) and all(isinstance(v, int | float) for v in value):
            for index, sub in enumerate(value):  # e.g. the GC's per generation
                add(f"{name}.{index}", sub, in_room)
        elif isinstance(value, dict):
            if in_room and value and set(value) <= ROLES:
                for sub in value.values():
                    add(name, sub, in_room)
                return
            for key, sub in value.items():
                add(f"{name}.{key}" if name else str(key), sub, in_room)

    if not isinstance(stats, dict):
        return out
    for key, value in stats.items():
        if key == "rooms" and isinstance(value, dict):
            for room in value.values():
                if isinstance(room, dict):
                    for name, figure in room.items():
                        add(str(name), figure, True)
        else:
            add(str(key), value, False)
    return {k: round(v, 3) for k, v in sorted(out.items())}


def suspicious_counters(counters: dict[str, float]) -> dict[str, float]:
    """Non-zero counters whose name says something was lost, dropped, late or skipped."""
    words = (
        "drop",
        "lost",
        "loss",
        "late",
        "overflow",
        "underrun",
        "resync",
        "conceal",
        "refused",
        "skip",
        "error",
        "discard",
    )
    return {
        name: value
        for name, value in counters.items()
        if value and any(word in name.lower() for word in words)
    }


class Rpc:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer
        self._ids = itertools.count()
        self._waiting: dict[int, asyncio.Future[Any]] = {}
        self._task = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, port: int) -> Rpc:
        return cls(*await asyncio.open_connection("127.0.0.1", port, limit=1 << 22))

    async def _read(self) -> None:
        while line := await self._reader.readline():
            resp = json.loads(line)
            future = self._waiting.pop(resp["id"])
            if resp["ok"]:
                future.set_result(resp["result"])
            else:
                future.set_exception(RuntimeError(resp["error"]))

    async def call(self, op: str, **kw: Any) -> Any:
        req_id = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._waiting[req_id] = future
        self._writer.write(json.dumps({"id": req_id, "op": op, **kw}).encode() + b"\n")
        return await future

    async def close(self) -> None:
        self._writer.close()
        await self._writer.wait_closed()
        await self._task


def make_media(impl: str) -> Any:
    if impl == "stock":
        from server.telephony.stock_media import StockAiortcMedia

        return StockAiortcMedia()
    from server.telephony.aiortc_media import AiortcMedia
    from server.telephony.workers.hooks import prepare_runtime

    prepare_runtime()
    return AiortcMedia()


class LoopLag:
    """The server's event loop, watched from inside: a 10 ms sleep that wakes late by more
    than `STALL_S` is a stall, kept with when it happened (seconds since the watch began), so
    that a run's skipped ticks can be put next to what the process was doing then (`at`:
    the loop's clock, `time.monotonic`, the same in every process of the machine)."""

    PERIOD_S = 0.01
    STALL_S = 0.05
    KEPT = 200

    def __init__(self) -> None:
        self.count = 0
        self.max_ms = 0.0
        self.stalls: list[list[float]] = []  # [at (monotonic s), late_ms], the first KEPT

    async def watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + self.PERIOD_S
            await asyncio.sleep(self.PERIOD_S)
            late = loop.time() - due
            if late > self.STALL_S:
                self.count += 1
                self.max_ms = max(self.max_ms, late * 1000)
                if len(self.stalls) < self.KEPT:
                    self.stalls.append([round(due, 3), round(late * 1000, 1)])

    def stats(self) -> dict[str, Any]:
        return {"stalls": self.count, "max_ms": round(self.max_ms, 1), "at": self.stalls}


async def serve(impl: str = "plateau", gc_mode: str = "auto", sample_stalls: bool = False) -> None:
    """The media server process: prints `PORT <n>`, then answers until `shutdown`. With
    `sample_stalls`, a `StallSampler` says what the process did in each loop stall (its
    thread costs a little CPU: a diagnostic, off in the measured campaigns)."""
    from benchmarks.stall_sampler import StallSampler
    from server.telephony.workers.gc_tuning import GcPauses, tune_gc
    from server.telephony.workers.priority import current_priority, raise_priority
    from server.telephony.workers.settings import MediaSettings

    # as a media worker starts: its priority raised before any thread exists (`priority.py`)
    settings = MediaSettings()
    if impl == "plateau":
        raise_priority(settings.realtime_priority, settings.nice)
    media = make_media(impl)
    pauses = GcPauses().install()
    lag = LoopLag()
    sampler = StallSampler() if sample_stalls else None
    if sampler is not None:
        sampler.start()
    if gc_mode == "tuned" or (gc_mode == "auto" and impl == "plateau"):
        tune_gc()  # as a media worker does once started
    done = asyncio.Event()
    write_lock = asyncio.Lock()
    tasks: set[asyncio.Task[None]] = set()

    async def dispatch(req: dict[str, Any]) -> Any:
        op = req["op"]
        if op == "attach":
            return await media.attach_peer(req["room"], req["role"], req["sdp"])
        if op == "start_call":
            await media.start_call(req["room"], req["call"], Path(req["path"]))
            return None
        if op == "end_call":
            info = await media.end_call(req["room"])
            return info.to_json() if info else None
        if op == "stats":
            stalls = sampler.stats() if sampler is not None else None
            return {
                **media.stats(),
                "gc": pauses.stats(),
                "loop_lag": lag.stats(),
                "stall_samples": stalls,
                "priority": vars(current_priority()),
            }
        if op == "shutdown":
            await media.close()
            done.set()
            return None
        raise ValueError(f"unknown op {op}")

    async def answer(req: dict[str, Any], writer: asyncio.StreamWriter) -> None:
        try:
            resp = {"id": req["id"], "ok": True, "result": await dispatch(req)}
        except Exception as exc:
            resp = {"id": req["id"], "ok": False, "error": repr(exc)}
        async with write_lock:
            writer.write(json.dumps(resp, default=str).encode() + b"\n")
            await writer.drain()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():
            task = asyncio.create_task(answer(json.loads(line), writer))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        writer.close()

    watch = asyncio.create_task(lag.watch())
    server = await asyncio.start_server(handle, "127.0.0.1", 0, limit=1 << 22)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    await done.wait()
    watch.cancel()
    if sampler is not None:
        sampler.stop()
    await asyncio.sleep(0.05)  # let the shutdown answer go out
    server.close()

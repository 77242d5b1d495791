"""The bot processes of one benchmark run, seen from `media_bench.py`: started on the bots'
core (they inherit its affinity), spoken to over stdin/stdout (`media_bots.py` says how), and
their generator figures merged."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import sys
from pathlib import Path
from typing import IO, Any

from benchmarks.bench_rpc import ProcStat

ROOT = Path(__file__).resolve().parent.parent
BOTS = Path(__file__).resolve().parent / "media_bots.py"


class BotProcess:
    def __init__(
        self, rooms: list[int], args: argparse.Namespace, port: int, frames: int, log: IO[bytes]
    ) -> None:
        self.rooms = rooms
        self.args = args
        self.cmd = [
            sys.executable,
            str(BOTS),
            "--port",
            str(port),
            "--rooms",
            ",".join(map(str, rooms)),
            "--profile",
            args.profile,
            "--seed",
            str(args.seed),
            "--frames",
            str(frames),
            "--loop",
            args.loop,
        ]
        self.log = log
        self.proc: asyncio.subprocess.Process | None = None
        self.stat: ProcStat | None = None

    async def start(self) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            *self.cmd,
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self.log,
            limit=1 << 26,
        )
        self.stat = ProcStat(self.proc.pid)

    async def expect(self, tag: str) -> dict[str, Any]:
        """The next line tagged `tag` (the caller bounds the wait)."""
        assert self.proc is not None and self.proc.stdout is not None
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"bot process {self.rooms} exited before {tag}")
            text = line.decode().strip()
            if text.startswith(tag + " "):
                return dict(json.loads(text.split(" ", 1)[1]))

    def send(self, line: str) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")

    async def stop(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            self.send("CLOSE")
        try:
            await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


def groups(rooms: int, per_process: int) -> list[list[int]]:
    """Rooms spread over ceil(rooms / per_process) processes, as evenly as possible."""
    count = max(1, math.ceil(rooms / max(1, per_process)))
    return [list(range(i, rooms, count)) for i in range(count) if i < rooms]


def merge_generator(results: list[dict[str, Any]], cpu_pct: list[float]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "processes": len(results),
        "cpu_pct": round(sum(cpu_pct), 1),
        "cpu_pct_per_process": cpu_pct,
    }
    for key in ("send_late", "link_late", "loop_lag"):
        merged: dict[str, Any] = {}
        for r in results:
            for k, v in (r.get(key) or {}).items():
                merged[k] = max(merged.get(k, 0), v) if k == "max_ms" else merged.get(k, 0) + v
        out[key] = merged
    return out

"""Where a machine's CPU goes while a command runs, by kind of process: samples /proc every
second, adds up each process's CPU (user+system, children excluded) by a label drawn from its
command line.

    python benchmarks/cpu_by_process.py --out result.json -- pytest -q tests/e2e

Labels: chromium-renderer, chromium-gpu, chromium-utility, chromium-browser, playwright-driver,
postgres, redis, pytest-worker, python (other Python processes: servers and media workers the
tests start), node (ESLint, tsc), other. A process that lives less than a second between two
samples is missed, and one that ends loses what it used since the last sample: the whole machine's
figure from /proc/stat is printed beside them (the difference is that), with the load averages at
start and end."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def label(cmdline: str, comm: str) -> str:
    if "chromium" in cmdline:
        for kind in ("renderer", "gpu-process", "utility"):
            if f"--type={kind}" in cmdline:
                return "chromium-" + kind.replace("-process", "")
        return "chromium-browser"
    if "playwright" in cmdline and "run-driver" in cmdline:
        return "playwright-driver"
    if comm.startswith("postgres") or "postgres:" in cmdline:
        return "postgres"
    if comm.startswith("redis"):
        return "redis"
    if "python" in comm or "python" in cmdline.split(" ", 1)[0]:
        if "exec(eval(sys.stdin.readline()))" in cmdline or "pytest" in cmdline:
            return "pytest-worker"
        return "python"
    if comm == "node" or cmdline.startswith("node"):
        return "node"
    return "other"


def sample() -> dict[int, tuple[str, float]]:
    out: dict[int, tuple[str, float]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            cmdline = (
                Path(entry.path, "cmdline")
                .read_bytes()
                .replace(b"\0", b" ")
                .decode(errors="replace")
            )
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / TICK
        out[int(entry.name)] = (label(cmdline, comm), cpu)
    return out


def machine_cpu() -> float:
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    return sum(int(x) for x in fields[:3]) / TICK


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    first = sample()
    totals: dict[str, float] = defaultdict(float)
    load_start, machine_start, wall_start = os.getloadavg(), machine_cpu(), time.monotonic()
    child = subprocess.Popen(command)
    last = first  # each live process's latest reading; one started during the run counts from 0
    while child.poll() is None:
        time.sleep(1.0)
        now = sample()
        for pid, (kind, cpu) in now.items():
            before = last.get(pid)
            totals[kind] += max(0.0, cpu - (before[1] if before is not None else 0.0))
        last = now
    result = {
        "command": command,
        "returncode": child.returncode,
        "wall_s": round(time.monotonic() - wall_start, 1),
        "machine_cpu_s": round(machine_cpu() - machine_start, 1),
        "by_process_s": {k: round(v, 1) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])},
        "load_start": load_start,
        "load_end": os.getloadavg(),
    }
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return child.returncode


if __name__ == "__main__":
    sys.exit(main())

"""Who had the media server's core while its event loop was off it: read from a kernel trace
of the core's context switches (`perf record -e sched:sched_switch -C 0`, then `perf script`),
the loop thread's longest times off the CPU, how it left the CPU (`S` asleep: it waited for
something; `R` preempted: something else was given the core) and who ran meanwhile.

    perf record -k CLOCK_MONOTONIC -e sched:sched_switch -C 0 -o core0.data -- sleep 45 &
    python benchmarks/media_bench.py --pin --rooms 20 …
    perf script -i core0.data | python -m benchmarks.core_trace

The loop thread is the `python` task that ran longest on the core (the server is pinned there
with `--pin`; the bots are not). `perf` needs `kernel.perf_event_paranoid` ≤ 1 or root.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

SWITCH = re.compile(
    r"\[(\d+)\]\s+([\d.]+): sched:sched_switch: prev_comm=(.*?) prev_pid=(\d+) "
    r"prev_prio=\d+ prev_state=(\S+) ==> next_comm=(.*?) next_pid=(\d+)"
)


@dataclass(frozen=True)
class Switch:
    at: float
    prev_pid: int
    prev_state: str
    next_comm: str
    next_pid: int


@dataclass
class OffCpu:
    """One stretch of the loop thread off its core."""

    at: float
    ms: float
    left: str  # "S…": asleep (it waited), "R…": preempted
    others_ms: Counter[str] = field(default_factory=Counter)  # "comm/pid" -> ms on the core

    def describe(self) -> str:
        who = ", ".join(f"{k} {v:.1f}" for k, v in self.others_ms.most_common(5))
        return f"off {self.ms:6.1f} ms at {self.at:.3f} left {self.left}: {who}"


def switches(lines: Iterable[str], cpu: int = 0) -> list[Switch]:
    out = []
    for line in lines:
        m = SWITCH.search(line)
        if m and int(m.group(1)) == cpu:
            out.append(
                Switch(float(m.group(2)), int(m.group(4)), m.group(5), m.group(6), int(m.group(7)))
            )
    return out


def loop_thread(events: list[Switch], comm: str = "python") -> int:
    """The `comm` task that ran longest on the core."""
    ran: Counter[int] = Counter()
    for now, after in zip(events, events[1:], strict=False):
        if now.next_comm == comm:
            ran[now.next_pid] += after.at - now.at
    if not ran:
        raise ValueError(f"no {comm} task ran on this core")
    return ran.most_common(1)[0][0]


def off_cpu(events: list[Switch], pid: int) -> list[OffCpu]:
    """Every stretch of `pid` off the core, longest first, with who had the core meanwhile."""
    stretches: list[OffCpu] = []
    current: OffCpu | None = None
    for now, after in zip(events, [*events[1:], None], strict=False):
        if now.prev_pid == pid:
            current = OffCpu(at=now.at, ms=0.0, left=now.prev_state)
        if current is not None and now.next_pid == pid:
            current.ms = (now.at - current.at) * 1000
            stretches.append(current)
            current = None
        if current is not None and after is not None:
            current.others_ms[f"{now.next_comm}/{now.next_pid}"] += (after.at - now.at) * 1000
    return sorted(stretches, key=lambda s: s.ms, reverse=True)


def main(argv: list[str] | None = None) -> int:
    top = int((argv or sys.argv[1:] or ["8"])[0])
    events = switches(sys.stdin)
    pid = loop_thread(events)
    print(f"loop thread {pid}")
    for stretch in off_cpu(events, pid)[:top]:
        print(stretch.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())

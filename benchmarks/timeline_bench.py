"""How fast the pure timeline replays a whole title session (4 h of exam on a fake clock):
start, a warning, a pause, an extension, the resume, every deadline, a restart from the
persisted facts in the middle, both interviews. The scheduler and every page call
`Timeline.state()` on these facts, so this is the cost of "what phase, until when?".

    python benchmarks/timeline_bench.py [--runs 2000]   → benchmarks/results/timeline.md
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from datetime import timedelta
from pathlib import Path

from server.core.clock import FakeClock
from server.core.referential import load_title
from server.exams.timeline import Timeline
from server.exams.timeline_facts import TimelineFact, dump_fact, parse_fact

ROOT = Path(__file__).resolve().parents[1]
TITRE = load_title(ROOT / "scenarios" / "titles" / "crcd.yaml").format("titre")


def one_session() -> int:
    """Runs one title session; returns how many facts it persisted."""
    clock = FakeClock()
    t0 = clock.now()
    rows: list[str] = []

    def keep(facts: list[TimelineFact]) -> None:
        rows.extend(json.dumps(dump_fact(f)) for f in facts)

    def go(minutes: float) -> None:
        clock.set(t0 + timedelta(minutes=minutes))

    tl = Timeline(TITRE, clock)
    keep(tl.start(by="organiser"))
    go(50)
    keep(tl.advance())
    go(52)
    keep(tl.pause("Coupure réseau", by="organiser"))
    go(59)
    keep(tl.extend(5, "Incident technique", by="organiser"))
    keep(tl.resume(by="organiser"))
    for m in (62, 67, 71, 72, 80):
        go(m)
        keep(tl.advance())
    tl = Timeline(TITRE, clock, [parse_fact(json.loads(r)) for r in rows])  # a restart
    for m in (199, 201, 202):
        go(m)
        keep(tl.advance())
    for opened, closed in ((210, 245), (250, 268)):
        go(opened)
        keep(tl.open_interview(by="jury"))
        go(closed)
        keep(tl.close_interview(by="jury"))
    tl.state()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "timeline.md")
    args = parser.parse_args()
    facts = one_session()
    for _ in range(50):  # warm-up
        one_session()
    samples = []
    for _ in range(args.runs):
        began = time.perf_counter()
        one_session()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    p95 = samples[int(0.95 * len(samples)) - 1]
    text = (
        "# Timeline replay — `benchmarks/timeline_bench.py`\n\n"
        f"One whole title session (4 h on a fake clock, {facts} persisted facts, a restart in "
        f"the middle), {args.runs} runs on {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}:\n\n"
        "| median | p95 | max |\n|---|---|---|\n"
        f"| {statistics.median(samples):.2f} ms | {p95:.2f} ms | {samples[-1]:.2f} ms |\n"
    )
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

"""Rooms per core under four network profiles, every run kept and shown.

    python benchmarks/scale_sweep.py                      # the campaign (see benchmarks/README)
    python benchmarks/scale_sweep.py --rooms 1 2 --profiles none wifi --runs 1 --seconds 3 \\
        --label "SMOKE on a shared machine: not a result"

For each room count, each profile and each implementation, `--runs` consecutive runs of
`media_bench.py --pin` (server on core 0, bots on the other core). Every run is kept: its JSON
under `--out/scale/<campaign>/`, a row in `<campaign>/scale.md`, with the machine's load
average before and after it (`--out/scale.md`, the history of every campaign, is kept by hand:
a sweep never overwrites it). Nothing is discarded
or re-run: a run the load generator may have disturbed says so in its row (its own stall
counters), and counts like any other.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import bench_report  # noqa: E402
from benchmarks.bench_rpc import load_average  # noqa: E402
from benchmarks.jitter import PROFILES  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
BENCH = Path(__file__).resolve().parent / "media_bench.py"
IMPLS = ("stock", "plateau")
ROOMS = [1, 4, 8, 12, 16, 20, 24]
STOCK_ROOMS = [1, 4, 8, 12]
RUNS = 3


def run_name(impl: str, rooms: int, profile: str, run: int) -> str:
    return f"{impl}_{rooms:02d}rooms_{profile}_run{run}.json"


def run_one(
    impl: str, rooms: int, profile: str, run: int, args: argparse.Namespace, out: Path
) -> dict[str, Any]:
    """One run, whatever happens to it: its result, or a row saying why it has none."""
    name = run_name(impl, rooms, profile, run)
    cmd = [
        sys.executable,
        str(BENCH),
        "--impl",
        impl,
        "--rooms",
        str(rooms),
        "--profile",
        profile,
        "--seconds",
        str(args.seconds),
        "--seed",
        str(args.seed),
        "--pin",
        "--rooms-per-process",
        str(args.per_process),
        "--out",
        str(out),
        "--name",
        name,
    ]
    load_start = load_average()
    started = time.monotonic()
    try:
        done = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=args.seconds + 300, check=False
        )
        ok, tail = done.returncode == 0, (done.stderr or done.stdout).strip()
    except subprocess.TimeoutExpired:
        ok, tail = False, "timed out"
    if ok:
        result = json.loads((out / name).read_text())
    else:
        last = tail.splitlines()[-1] if tail else "?"
        result = {
            "impl": impl,
            "rooms": rooms,
            "profile": {"name": profile},
            "error": last,
            "load_avg": {"start": load_start, "end": load_average()},
        }
    result["run"] = run
    result["wall_s"] = round(time.monotonic() - started, 1)
    (out / name).write_text(json.dumps(result, indent=2) + "\n")
    return result


def plan(args: argparse.Namespace) -> list[tuple[int, str, str, int]]:
    """(rooms, profile, impl, run) in the order they run: consecutive runs of one setting."""
    out = []
    for rooms in args.rooms:
        for profile in args.profiles:
            for impl in args.impl:
                if impl == "stock" and (
                    rooms not in args.stock_rooms or profile not in args.stock_profiles
                ):
                    continue
                out += [(rooms, profile, impl, run) for run in range(1, args.runs + 1)]
    return out


def _marks(results: list[dict[str, Any]], impl: str, profile: str, rooms: int) -> str:
    runs = [
        r
        for r in results
        if r.get("impl") == impl
        and r["rooms"] == rooms
        and (r.get("profile") or {}).get("name") == profile
    ]
    return " ".join("✓" if bench_report.verdict(r)[0] else "✗" for r in runs) or "·"


def markdown(results: list[dict[str, Any]], label: str = "") -> str:
    rows = [bench_report.row(r) for r in results]
    impls = [i for i in IMPLS if any(r.get("impl") == i for r in results)]
    profiles = list(dict.fromkeys(str((r.get("profile") or {}).get("name")) for r in results))
    room_counts = sorted({r["rooms"] for r in results})
    matrix = [
        "| rooms | impl | " + " | ".join(profiles) + " |",
        "|---|---|" + "---|" * len(profiles),
    ]
    for n in room_counts:
        for impl in impls:
            cells = [_marks(results, impl, p, n) for p in profiles]
            if any(c != "·" for c in cells):
                matrix.append(f"| {n} | {impl} | " + " | ".join(cells) + " |")
    most = [
        f"{impl} under {p}: **{bench_report.most_rooms(results, impl, p)}**"
        for impl in impls
        for p in profiles
        if any(_marks(results, impl, p, n) != "·" for n in room_counts)
    ]
    return "\n".join(
        [
            "# Rooms per core under network jitter: every run",
            "",
            *([f"**{label}**", ""] if label else []),
            "Written by `benchmarks/scale_sweep.py` (method: `benchmarks/README.md`). Each row is",
            "one `media_bench.py --pin` run: media server pinned to core 0, the bots (several",
            "processes) on the other core, the profile's jitter/bursts/loss injected by the bots.",
            "Nothing is discarded or re-run. Loss is what was lost beyond what the network",
            "injected; latency is server-added (the injected delay subtracted). Targets per run:",
            "0 % loss beyond injected on the relay legs, the mix and the recording; server-added",
            f"candidate→client p95 ≤ {bench_report.RELAY_P95_MS:g} ms + the profile's jitter;",
            f"mix→observer p95 ≤ {bench_report.MIX_P95_MS:g} ms. The generator column shows the",
            "bots' CPU and their own stalls (late sends, event-loop lag, late link releases over",
            "60 ms); the server CPU column also shows how long the server's event loop waited for",
            "its core (other work on it).",
            "",
            "## Every run, one mark each (✓ targets met, ✗ not)",
            "",
            *matrix,
            "",
            "Most rooms with every run at that count and below meeting the targets: "
            + "; ".join(most)
            + ".",
            "",
            "## The runs",
            "",
            *bench_report.HEADER,
            *rows,
            "",
        ]
    )


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rooms", type=int, nargs="+", default=ROOMS)
    parser.add_argument("--profiles", nargs="+", choices=list(PROFILES), default=list(PROFILES))
    parser.add_argument("--impl", choices=IMPLS, nargs="+", default=list(IMPLS))
    parser.add_argument("--stock-rooms", type=int, nargs="+", default=STOCK_ROOMS)
    parser.add_argument("--stock-profiles", nargs="+", choices=list(PROFILES), default=["none"])
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--rooms-per-process", dest="per_process", type=int, default=4)
    parser.add_argument("--label", default="", help="printed at the top of the tables")
    parser.add_argument("--campaign", help="folder name (default: the start time, UTC)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    campaign = args.campaign or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = args.out / "scale" / campaign
    folder.mkdir(parents=True, exist_ok=True)
    todo = plan(args)
    print(f"{len(todo)} runs of {args.seconds:g} s into {folder}", flush=True)
    results = []
    for rooms, profile, impl, run in todo:
        result = run_one(impl, rooms, profile, run, args, folder)
        results.append(result)
        ok, why = bench_report.verdict(result)
        suspect = bench_report.generator_suspicion(result)
        print(
            f"{impl:8} {rooms:3} rooms {profile:6} run {run}: "
            f"{'targets met' if ok else why}" + (f" [generator: {suspect}]" if suspect else ""),
            flush=True,
        )
        (folder / "scale.json").write_text(json.dumps(results, indent=2) + "\n")
        (folder / "scale.md").write_text(markdown(results, args.label))
    print(f"the campaign's table: {folder / 'scale.md'} (add it to {args.out / 'scale.md'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Rooms per core, stock aiortc vs Plateau, side by side in one sweep.

    python benchmarks/scale_sweep.py            # 1, 4, 8, 12, 16 rooms; 3 runs at 12 and 16

For each room count, runs `media_bench.py --pin` (server on core 0, bots on core 1) with
`--impl stock` then `--impl plateau`, and writes every run's JSON under `--out/scale/` and the
table `--out/scale.md`. A run whose bots cannot even connect (the stock server overloaded) is
kept as a failed row. Targets (issue "Media plane at scale"): 0 % frame loss and no click lost,
candidate→client p95 ≤ 40 ms, mix→observer p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
BENCH = Path(__file__).resolve().parent / "media_bench.py"
CAND_P95_MS = 40.0
MIX_P95_MS = 100.0
IMPLS = ("stock", "plateau")
BOTS_STALL_MS = 60.0  # a bot handed its sender nothing for this long: the load generator
# itself stalled (this machine is shared), and the burst it then sent measures the bots
RETRIES = 2


def runs_for(rooms: int, repeat_from: int) -> int:
    return 3 if rooms >= repeat_from else 1


def verdict(d: dict[str, Any]) -> tuple[bool, str]:
    """(meets the targets, why not)."""
    if "error" in d:
        return False, "failed: " + d["error"][:60]
    lat = d["latency_ms"]
    losses = [v for v in d["frame_loss_pct"].values()]
    if any(v is None for v in losses):
        return False, "a stream received nothing"
    why = []
    if max(losses) > 0:
        why.append(f"loss {max(losses)} %")
    lost = sum(v["clicks_lost"] for v in lat.values())
    if lost:
        why.append(f"{lost} clicks lost")
    cand = max(lat["candidate_to_client"]["p95"] or 1e9, lat["client_to_candidate"]["p95"] or 1e9)
    if cand > CAND_P95_MS:
        why.append(f"relay p95 {cand} ms")
    if (lat["mix_to_observer"]["p95"] or 1e9) > MIX_P95_MS:
        why.append(f"mix p95 {lat['mix_to_observer']['p95']} ms")
    return not why, ", ".join(why)


def disturbed(d: dict[str, Any]) -> bool:
    gaps = d.get("bots_send_gap_ms")
    return gaps is not None and gaps["max"] > BOTS_STALL_MS


def run_kept(impl: str, rooms: int, seconds: float, out: Path, run: int) -> dict[str, Any]:
    """One run; re-run (at most RETRIES times) while the bots were disturbed. The discarded
    runs stay on disk (`…_discarded<k>.json`) and are counted in the table."""
    discarded: list[dict[str, Any]] = []
    while True:
        result = run_one(impl, rooms, seconds, out, run)
        if not disturbed(result) or len(discarded) == RETRIES:
            result["discarded"] = [
                {"bots_send_gap_ms": d["bots_send_gap_ms"], "verdict": verdict(d)[1]}
                for d in discarded
            ]
            return result
        name = out / f"{impl}_{rooms:02d}rooms_run{run}.json"
        name.rename(name.with_name(f"{name.stem}_discarded{len(discarded) + 1}.json"))
        discarded.append(result)


def run_one(impl: str, rooms: int, seconds: float, out: Path, run: int) -> dict[str, Any]:
    name = f"{impl}_{rooms:02d}rooms_run{run}.json"
    cmd = [sys.executable, str(BENCH), "--impl", impl, "--rooms", str(rooms)]
    cmd += ["--seconds", str(seconds), "--pin", "--out", str(out), "--name", name]
    started = time.monotonic()
    try:
        done = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 150, check=False
        )
        ok, tail = done.returncode == 0, (done.stderr or done.stdout).strip()[-300:]
    except subprocess.TimeoutExpired:
        ok, tail = False, "timed out"
    if ok:
        result = json.loads((out / name).read_text())
    else:
        result = {"impl": impl, "rooms": rooms, "error": tail.splitlines()[-1] if tail else "?"}
        (out / name).write_text(json.dumps(result, indent=2) + "\n")
    result["run"] = run
    result["wall_s"] = round(time.monotonic() - started, 1)
    return result


def _cell(d: dict[str, Any], key: str) -> str:
    v = d["latency_ms"][key]
    return f"{v['p50']} / {v['p95']}"


def markdown(results: list[dict[str, Any]]) -> str:
    rows = []
    for d in sorted(results, key=lambda d: (d["rooms"], IMPLS.index(d["impl"]), d["run"])):
        ok, why = verdict(d)
        redo = len(d.get("discarded", []))
        if "error" in d:
            rows.append(
                f"| {d['rooms']} | {d['impl']} | {d['run']} | – | – | – | – | – | – | ✗ {why} |"
            )
            continue
        gap = d.get("bots_send_gap_ms", {}).get("max", "–")
        gap_cell = f"{gap}" + (f" ({redo} re-run)" if redo else "")
        loss = max(d["frame_loss_pct"].values())
        lost = sum(v["clicks_lost"] for v in d["latency_ms"].values())
        rows.append(
            f"| {d['rooms']} | {d['impl']} | {d['run']} | {d['server_cpu_pct']} | {loss} | "
            f"{lost} | {_cell(d, 'candidate_to_client')} | {_cell(d, 'mix_to_observer')} | "
            f"{gap_cell} | {'✓' if ok else '✗ ' + why} |"
        )

    def most(impl: str, ok: Any) -> int:
        """The largest room count N such that every run at N and below passes `ok`."""
        best = 0
        for n in sorted({d["rooms"] for d in results if d["impl"] == impl}):
            if not all(ok(d) for d in results if d["impl"] == impl and d["rooms"] == n):
                break
            best = n
        return best

    def lossless(d: dict[str, Any]) -> bool:
        return "error" not in d and max(d["frame_loss_pct"].values()) == 0

    targets = {impl: most(impl, lambda d: verdict(d)[0]) for impl in IMPLS}
    zero_loss = {impl: most(impl, lossless) for impl in IMPLS}
    return "\n".join(
        [
            "# Rooms per core: stock aiortc vs Plateau (same sweep, same machine)",
            "",
            "Written by `benchmarks/scale_sweep.py`. Each row: one `media_bench.py --pin` run:",
            "the media server process pinned to ONE core (core 0), the bots (3 aiortc peers per",
            "room: candidate and client sending marked audio, a listening observer) pinned to the",
            "other core; every room carries a recorded call. CPU = % of the server's one core.",
            "Loss = worst received stream (RTP timestamp span vs packets received). Latency =",
            "click handed to the sending bot's RTP sender → click onset found in a packet on",
            "arrival at the receiving bot (so it includes both bots' aiortc send/receive path,",
            "loopback, the server, and the Opus codec delay of ~6.5 ms per encode+decode).",
            f"✓ = 0 % loss, no click lost, candidate→client p95 ≤ {CAND_P95_MS:g} ms and",
            f"mix→observer p95 ≤ {MIX_P95_MS:g} ms.",
            "",
            "The machine is shared (2 cores, other work running): a run during which a bot",
            f"handed its sender nothing for more than {BOTS_STALL_MS:g} ms measures the load",
            f"generator, not the server; it is re-run (at most {RETRIES} times; the discarded",
            "JSON stay beside the kept ones) and the column says so.",
            "",
            "| rooms | impl | run | server CPU % | loss % | clicks lost "
            "| cand→client ms p50 / p95 | mix→observer ms p50 / p95 | bots' longest send gap ms "
            "| targets |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            "Most rooms on one core with every run (at that count and below) at 0 % loss: "
            + ", ".join(f"{impl} **{n}**" for impl, n in zero_loss.items())
            + "; meeting every target: "
            + ", ".join(f"{impl} **{n}**" for impl, n in targets.items())
            + ".",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rooms", type=int, nargs="+", default=[1, 4, 8, 12, 16])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--repeat-from", type=int, default=12, help="3 runs from this count")
    parser.add_argument("--impl", choices=IMPLS, nargs="+", default=list(IMPLS))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    scale_dir = args.out / "scale"
    scale_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for rooms in args.rooms:
        for run in range(1, runs_for(rooms, args.repeat_from) + 1):
            for impl in args.impl:
                result = run_kept(impl, rooms, args.seconds, scale_dir, run)
                results.append(result)
                print(f"{impl:8} {rooms:3} rooms run {run}: {verdict(result)}", flush=True)
    (args.out / "scale.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "scale.md").write_text(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Media benchmark: the media server in one process (pinned to core 0 with `--pin`), the bots
in several processes (on the other core), a network profile injected by the bots.

    python benchmarks/media_bench.py --rooms 4 --seconds 30 --profile wifi [--impl stock] --pin

Each room: a candidate bot and a client bot sending marked audio (a hum with a click every
500 ms, 1.2 kHz for the candidate, 2.4 kHz for the client; pre-encoded Opus, sent on a fixed
20 ms schedule through the emulated network of `--profile`), an observer bot listening to the
mix, a recorded call. One bot process per `--rooms-per-process` rooms (`media_bots.py`).

Measured over `--seconds` after a warm-up (see `bench_analysis.py` for the definitions):
latency and its server-added part on each path; loss beyond what the network injected (relay
legs by frame, the mix and the recording by click); the server's CPU (% of one core), RSS and
every counter its `stats()` reports; the bots' CPU and their own stalls (late sends, event
loop lag, late link releases); the machine's load average before and after.

Writes `--name` (default `media_<N>rooms_<profile>_<impl>.json`) in `--out`, and, without
`--name`, regenerates `media_bench.md` there (one row per `media_*.json`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import bench_report, recording_check  # noqa: E402
from benchmarks.bench_analysis import (  # noqa: E402
    counter_delta,
    merge_paths,
    recording_summary,
    summarise_path,
)
from benchmarks.bench_fleet import BotProcess, groups, merge_generator  # noqa: E402
from benchmarks.bench_rpc import (  # noqa: E402
    ProcStat,
    Rpc,
    flatten_counters,
    load_average,
    pin,
    run_loop,
    serve,
    suspicious_counters,
)
from benchmarks.jitter import FRAME_S, PROFILES  # noqa: E402
from benchmarks.media_signals import percentiles  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
START_DELAY_S = 0.5  # GO → the first packet
READY_TIMEOUT_S = 180.0  # the bots encode their signals and connect their peers
RESULT_TIMEOUT_S = 120.0  # after the drain: the bots compute their figures


async def orchestrate(
    args: argparse.Namespace, port: int, server_pid: int, rec_dir: Path, log: IO[bytes]
) -> dict[str, Any]:
    rpc = await Rpc.connect(port)
    server = ProcStat(server_pid)
    rss_idle = server.rss_mb()
    total_s = START_DELAY_S + args.warm_up + args.seconds + args.drain + 5
    frames = math.ceil(total_s / FRAME_S)
    bots = [BotProcess(g, args, port, frames, log) for g in groups(args.rooms, args.per_process)]
    try:
        await asyncio.gather(*(b.start() for b in bots))
        async with asyncio.timeout(READY_TIMEOUT_S):
            ready = await asyncio.gather(*(b.expect("READY") for b in bots))
        started: dict[int, float] = {}
        for r in range(args.rooms):
            await rpc.call(
                "start_call",
                room=f"room-{r}",
                call=f"call-{r}",
                path=str(rec_dir / f"room-{r}.ogg"),
            )
            started[r] = time.monotonic()
        t0 = time.monotonic() + START_DELAY_S
        since = t0 + args.warm_up
        until = since + args.seconds
        go = {"t0": t0, "since": since, "until": until, "drain": args.drain}
        for b in bots:
            b.send("GO " + json.dumps(go))
        await asyncio.sleep(max(0.0, since - time.monotonic()))
        stats_since = await stats_of(rpc)
        cpu0, waited0 = server.cpu_seconds(), server.waited_seconds()
        bots_waited0 = [b.stat.waited_seconds() if b.stat else 0.0 for b in bots]
        bots_cpu0 = [b.stat.cpu_seconds() if b.stat else 0.0 for b in bots]
        rss_peak, samples = 0.0, []
        next_sample, last_cpu, last_at = since, cpu0, since
        while (left := until - time.monotonic()) > 0:
            await asyncio.sleep(min(1.0, left))
            rss_peak = max(rss_peak, server.rss_mb())
            now = time.monotonic()
            if args.sample_every and now >= next_sample:
                cpu = server.cpu_seconds()
                samples.append(
                    {
                        "t_s": round(now - since, 1),
                        "rss_mb": round(server.rss_mb(), 2),
                        "cpu_pct": round((cpu - last_cpu) / max(now - last_at, 1e-3) * 100, 1),
                    }
                )
                next_sample, last_cpu, last_at = next_sample + args.sample_every, cpu, now
        elapsed = time.monotonic() - since
        stats_until = await stats_of(rpc)
        server_cpu = (server.cpu_seconds() - cpu0) / elapsed * 100
        server_waited = (server.waited_seconds() - waited0) / elapsed * 100
        bots_waited = [
            round(((b.stat.waited_seconds() if b.stat else 0.0) - w0) / elapsed * 100, 1)
            for b, w0 in zip(bots, bots_waited0, strict=True)
        ]
        bots_cpu = [
            round(((b.stat.cpu_seconds() if b.stat else 0.0) - c0) / elapsed * 100, 1)
            for b, c0 in zip(bots, bots_cpu0, strict=True)
        ]
        async with asyncio.timeout(args.drain + RESULT_TIMEOUT_S):
            measured = await asyncio.gather(*(b.expect("RESULT") for b in bots))
        stats = await stats_of(rpc)
        infos, ended = [], {}
        for r in range(args.rooms):
            infos.append(await rpc.call("end_call", room=f"room-{r}"))
            ended[r] = time.monotonic()
    finally:
        await asyncio.gather(*(b.stop() for b in bots))
    await rpc.call("shutdown")
    await rpc.close()

    clicks_sent = {k: v for m in measured for k, v in m["clicks_sent"].items()}
    recordings = []
    for r, info in enumerate(infos):
        path = rec_dir / f"room-{r}.ogg"
        entry: dict[str, Any] = {"room": f"room-{r}"}
        if isinstance(info, dict):
            entry.update(
                {
                    k: info.get(k)
                    for k in ("duration_s", "size_bytes", "frames_dropped", "gaps", "timeline")
                    if k in info
                }
            )
        entry["clicks"] = await asyncio.to_thread(
            recording_check.check,
            path,
            clicks_sent.get(f"room-{r}", {}),
            started[r],
            ended[r],
            (since, until),
        )
        recordings.append(entry)
    counters = flatten_counters(stats)
    window = counter_delta(flatten_counters(stats_since), flatten_counters(stats_until))
    return {
        "rooms": args.rooms,
        "seconds": round(elapsed, 1),
        "warm_up_s": args.warm_up,
        # its CPU priority: {realtime: SCHED_RR priority or 0, nice} (`priority.py`)
        "server_priority": stats.get("priority"),
        "server_cpu_pct": round(server_cpu, 1),
        "server_cpu_wait_pct": round(server_waited, 1),  # runnable, no CPU: a busy core
        "server_rss_mb_idle": round(rss_idle, 1),
        "server_rss_mb_peak": round(rss_peak, 1),
        "server_counters": counters,  # from the server's start to the end of the run
        "server_counters_in_window": window,  # their change over the measured window
        "server_suspicious_counters": suspicious_counters(window),
        "generator": {
            **merge_generator(measured, bots_cpu),
            "cpu_wait_pct_per_process": bots_waited,
        },
        "links_hooked": all(m.get("links_hooked") for m in measured),
        "connect_ms": percentiles([x / 1000 for r in ready for x in r["connect_ms"]]),
        "paths": {
            key: summarise_path(merge_paths([m["paths"][key] for m in measured]))
            for key in bench_report.PATHS
        },
        "worst_room_loss_beyond_injected_pct": {
            key: round(100 * max(m["worst_room"][key] for m in measured), 2)
            for key in bench_report.RELAY_PATHS
        },
        "recordings": recordings,
        "recording_summary": recording_summary(recordings),
        # the server loop's stalls over 50 ms: seconds after the first call started, ms late
        "server_loop_stalls": [
            [round(at - min(started.values()), 2), late]
            for at, late in (stats.get("loop_lag") or {}).get("at", [])
        ],
        # with --sample-stalls: what the server did in each (`stall_sampler.py`), same clock
        "server_stall_samples": [
            {**stall, "at": round(stall["at"] - min(started.values()), 2)}
            for stall in stats.get("stall_samples") or []
        ],
        "samples": samples,
    }


def result_name(args: argparse.Namespace) -> str:
    return str(args.name or f"media_{args.rooms}rooms_{args.profile}_{args.impl}.json")


def keep_incomplete_recordings(result: dict[str, Any], rec_dir: Path, target: Path) -> None:
    """A recording missing clicks is kept whatever `--keep-recordings` says (its Ogg and its
    sidecar, next to the run's JSON): what went wrong must be readable afterwards."""
    for rec in result["recordings"]:
        clicks = rec.get("clicks") or {}
        if "error" in clicks or any(
            (clicks.get(side) or {}).get("missing") for side in ("candidate", "client")
        ):
            target.mkdir(parents=True, exist_ok=True)
            for path in rec_dir.glob(f"{rec['room']}.*"):
                shutil.copy2(path, target / path.name)
            rec["kept_in"] = str(target)


async def stats_of(rpc: Rpc) -> Any:
    """The server's `stats()`, whatever it returns; a failure is reported, not fatal."""
    try:
        return await rpc.call("stats")
    except RuntimeError as exc:
        return {"stats_error": 1, "error": str(exc)}


def markdown(results_dir: Path) -> str:
    rows = []
    for path in sorted(results_dir.glob("media_*.json")):
        result = json.loads(path.read_text())
        if "paths" in result or "error" in result:  # runs of the earlier method are left out
            rows.append(bench_report.row(result))
    return "\n".join(
        [
            "# Media benchmark runs (`benchmarks/media_bench.py`)",
            "",
            "One row per run kept in this folder; see `benchmarks/README.md` for the method.",
            "",
            *bench_report.HEADER,
            *rows,
            "",
        ]
    )


def summary_line(result: dict[str, Any]) -> str:
    ok, why = bench_report.verdict(result)
    loss = bench_report.loss_beyond_injected(result)
    suspect = bench_report.generator_suspicion(result)
    return (
        f"{result['impl']} {result['rooms']} rooms, profile {result['profile']['name']}: "
        f"server CPU {result['server_cpu_pct']} % ({result['server_priority']}), "
        f"loss beyond injected {loss}, "
        f"server-added c→k {bench_report._ms(result, 'candidate_to_client')} ms, "
        f"mix {bench_report._ms(result, 'mix_to_observer')} ms; generator CPU "
        f"{result['generator']['cpu_pct']} %, {suspect or 'no stall over 60 ms'}; "
        f"server counters {result['server_suspicious_counters'] or 'nothing dropped'}; "
        + ("targets met" if ok else "targets NOT met: " + why)
    )


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rooms", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--profile", choices=list(PROFILES), default="none")
    parser.add_argument("--seed", type=int, default=20, help="the profile's random draws")
    parser.add_argument("--impl", choices=["plateau", "stock"], default="plateau")
    parser.add_argument("--pin", action="store_true", help="server on core 0, bots elsewhere")
    parser.add_argument("--rooms-per-process", dest="per_process", type=int, default=4)
    parser.add_argument("--warm-up", type=float, default=2.0)
    parser.add_argument("--drain", type=float, default=1.5, help="listen this long after")
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="uvloop")
    parser.add_argument("--sample-every", type=float, default=0.0)
    parser.add_argument(
        "--gc",
        choices=["auto", "default", "tuned"],
        default="auto",
        dest="gc_mode",
        help="server GC: auto = tuned for plateau",
    )
    parser.add_argument(
        "--sample-stalls",
        action="store_true",
        help="say what the server did in each loop stall (a diagnostic: costs the server CPU)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--name", help="result file name")
    parser.add_argument(
        "--keep-recordings", type=Path, help="copy the calls' recordings (Ogg + sidecar) here"
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.serve:
        if args.pin:
            pin(server=True)
        run_loop(serve(args.impl, args.gc_mode, args.sample_stalls), args.loop)
        return 0
    load_start = load_average()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    if args.pin:
        pin(server=False)  # this process and the bot processes it starts
    server = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            "--loop",
            args.loop,
            "--impl",
            args.impl,
            "--gc",
            args.gc_mode,
        ]
        + (["--pin"] if args.pin else [])
        + (["--sample-stalls"] if args.sample_stalls else []),
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"the server did not start: {line!r}")
        with (
            tempfile.TemporaryDirectory(prefix="media-bench-") as tmp,
            open(Path(tmp) / "bots.log", "w+b") as log,
        ):
            rec_dir = Path(tmp)
            try:
                result = run_loop(
                    orchestrate(args, int(line.split()[1]), server.pid, rec_dir, log), args.loop
                )
            except Exception:
                log.seek(0)
                sys.stderr.write(log.read().decode(errors="replace")[-4000:])
                raise
            finally:
                if args.keep_recordings:
                    shutil.copytree(rec_dir, args.keep_recordings, dirs_exist_ok=True)
            keep_incomplete_recordings(result, rec_dir, args.out / f"{result_name(args)}-missing")
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    profile = PROFILES[args.profile]
    result.update(
        impl=args.impl,
        profile={**vars(profile), "describe": profile.describe()},
        seed=args.seed,
        loop=args.loop,
        pinned=args.pin,
        gc=args.gc_mode,
        stalls_sampled=args.sample_stalls,
        rooms_per_process=args.per_process,
        started_at=started_at,
        load_avg={"start": load_start, "end": load_average()},
    )
    if not result["links_hooked"]:
        raise RuntimeError("the emulated network saw no packet: aiortc's sender changed?")
    args.out.mkdir(parents=True, exist_ok=True)
    name = result_name(args)
    (args.out / name).write_text(json.dumps(result, indent=2) + "\n")
    if not args.name:
        (args.out / "media_bench.md").write_text(markdown(args.out))
    print(summary_line(result))
    print("server counters over the window:", json.dumps(result["server_counters_in_window"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

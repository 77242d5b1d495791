"""Media benchmark: the aiortc media server in one process, bot peers in another.

    python benchmarks/media_bench.py --rooms 4 --seconds 20 [--impl stock] [--pin]

The server process runs `AiortcMedia` behind a tiny JSON-lines RPC on loopback (attach,
start_call, end_call, stats, shutdown). This process runs, per room, three probe peers
(candidate and client sending marked audio — a hum with a click every 500 ms, 1.2 kHz for the
candidate, 2.4 kHz for the client — and a listening observer), starts a recorded call in
every room, and measures for `--seconds`:

- server CPU % (of one core) and RSS, from /proc;
- latency candidate→client, client→candidate and mix→observer: click emitted (its packet
  handed to the sender) → click onset found in a packet on arrival (+ its offset in it);
  includes Opus codec delay (one encode+decode on relay legs, two on the mix);
- frame loss per received stream (RTP timestamp span vs packets received), clicks lost;
- connect time (offer created → connection state "connected").

`--impl plateau` (default) serves `AiortcMedia` (after the aiortc hook self-test, as a media
worker does); `--impl stock` serves `StockAiortcMedia`, the stock aiortc way. `--pin` pins the
server process to core 0 and the bots to the other cores (the per-core figures of
`benchmarks/scale_sweep.py`). `--sample-every S` records the server's RSS and CPU every S
seconds (the soak, `benchmarks/media_soak.py`).

Writes `media_<N>rooms_<loop>.json` (or `--name`) and regenerates `media_bench.md` (one row per
`media_*rooms_*.json`) in --out.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.media_signals import (  # noqa: E402
    CANDIDATE,
    CLIENT,
    ClickDetector,
    Emissions,
    Side,
    click_signal,
    is_click_frame,
    match_latencies,
    percentiles,
)
from server.telephony.probe import ProbePeer, Received  # noqa: E402

WARM_UP_SECONDS = 1.0
RESULTS = Path(__file__).resolve().parent / "results"


def run_loop(main: Coroutine[Any, Any, Any], loop: str) -> Any:
    if loop == "uvloop":
        import uvloop

        return uvloop.run(main)
    return asyncio.run(main)


# --- server process ----------------------------------------------------------------------


SERVER_CORE = 0


def pin(server: bool) -> None:
    """The server on core 0, the bots on every other core (no-op on a single core)."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) > 1:
        os.sched_setaffinity(0, {SERVER_CORE} if server else set(cores) - {SERVER_CORE})


def make_media(impl: str) -> Any:
    if impl == "stock":
        from server.telephony.stock_media import StockAiortcMedia

        return StockAiortcMedia()
    from server.telephony.aiortc_media import AiortcMedia
    from server.telephony.workers.hooks import prepare_runtime

    prepare_runtime()
    return AiortcMedia()


async def serve(impl: str = "plateau", gc_mode: str = "auto") -> None:
    from server.telephony.workers.gc_tuning import GcPauses, tune_gc

    media = make_media(impl)
    pauses = GcPauses().install()
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
            return {**media.stats(), "gc": pauses.stats()}
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
            writer.write(json.dumps(resp).encode() + b"\n")
            await writer.drain()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():
            task = asyncio.create_task(answer(json.loads(line), writer))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, limit=1 << 20)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    await done.wait()
    await asyncio.sleep(0.05)  # let the shutdown answer go out
    server.close()


# --- bots process ------------------------------------------------------------------------


class Rpc:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer
        self._ids = itertools.count()
        self._waiting: dict[int, asyncio.Future[Any]] = {}
        self._task = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, port: int) -> Rpc:
        return cls(*await asyncio.open_connection("127.0.0.1", port, limit=1 << 20))

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


class ProcStat:
    """CPU time and memory of a process, from /proc (no psutil needed)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._tick = os.sysconf("SC_CLK_TCK")

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self._tick

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


class Stream:
    """What one bot receives: packets and clicks."""

    def __init__(self, sides: tuple[Side, ...]) -> None:
        self.detector = ClickDetector(sides)
        self.first_ts: int | None = None
        self.last_ts = 0
        self.packets = 0
        self.measuring = False

    def on_received(self, got: Received) -> None:
        self.detector.feed(got.arrival, got.pcm)
        if not self.measuring:
            return
        if self.first_ts is None:
            self.first_ts = got.timestamp
        self.last_ts = got.timestamp
        self.packets += 1

    def loss(self) -> float | None:
        if self.first_ts is None:
            return None
        expected = ((self.last_ts - self.first_ts) & 0xFFFFFFFF) // 960 + 1
        return max(0.0, 1 - self.packets / expected)


class SendGaps:
    """The bots' own stalls: the longest gap between two packets one bot handed its sender
    (20 ms when the bots keep up). A long one sends a burst the server must absorb."""

    def __init__(self) -> None:
        self.measuring = False
        self.max_gap = 0.0
        self.over_60ms = 0

    def note(self, gap: float) -> None:
        if self.measuring:
            self.max_gap = max(self.max_gap, gap)
            self.over_60ms += gap > 0.06


def _sender(side: Side, emissions: Emissions, gaps: SendGaps) -> Callable[[int, float], None]:
    last = [0.0]

    def on_sent(index: int, at: float) -> None:
        if is_click_frame(side, index):
            emissions.add(side, at)
        if last[0]:
            gaps.note(at - last[0])
        last[0] = at

    return on_sent


async def bots(
    rooms: int,
    seconds: float,
    port: int,
    server_pid: int,
    rec_dir: Path,
    sample_every: float = 0.0,
) -> dict:
    from server.telephony.workers.gc_tuning import tune_gc

    tune_gc()  # the load generator's own collections must not stall its senders
    rpc = await Rpc.connect(port)
    server = ProcStat(server_pid)
    me = ProcStat(os.getpid())
    rss_idle = server.rss_mb()
    send_gaps = SendGaps()
    probes: list[ProbePeer] = []
    connect_times: list[float] = []
    streams: dict[str, list[Stream]] = {"to_client": [], "to_candidate": [], "to_observer": []}
    emissions_by_room: list[Emissions] = []

    async def join(room: str, role: str, probe: ProbePeer) -> None:
        started = time.monotonic()
        answer = await rpc.call("attach", room=room, role=role, sdp=await probe.offer())
        await probe.accept(answer)
        await asyncio.wait_for(probe.connected.wait(), timeout=20)
        connect_times.append(time.monotonic() - started)

    for r in range(rooms):
        room = f"room-{r}"
        emissions = Emissions()
        emissions_by_room.append(emissions)
        to_client, to_candidate = Stream((CANDIDATE, CLIENT)), Stream((CANDIDATE, CLIENT))
        to_observer = Stream((CANDIDATE, CLIENT))
        peers = {
            "candidate": ProbePeer(
                click_signal(CANDIDATE),
                to_candidate.on_received,
                _sender(CANDIDATE, emissions, send_gaps),
                keep=False,
            ),
            "client": ProbePeer(
                click_signal(CLIENT),
                to_client.on_received,
                _sender(CLIENT, emissions, send_gaps),
                keep=False,
            ),
            "observer": ProbePeer(None, to_observer.on_received, keep=False),
        }
        probes.extend(peers.values())
        streams["to_client"].append(to_client)
        streams["to_candidate"].append(to_candidate)
        streams["to_observer"].append(to_observer)
        for role, probe in peers.items():
            await join(room, role, probe)

    for r in range(rooms):
        await rpc.call(
            "start_call", room=f"room-{r}", call=f"call-{r}", path=str(rec_dir / f"room-{r}.ogg")
        )
    await asyncio.sleep(WARM_UP_SECONDS)
    since = time.monotonic()
    for stream in itertools.chain(*streams.values()):
        stream.measuring = True
    send_gaps.measuring = True
    cpu0, my_cpu0 = server.cpu_seconds(), me.cpu_seconds()
    rss_peak = 0.0
    samples: list[dict[str, float]] = []
    next_sample, last_cpu, last_at = since, cpu0, since
    end = since + seconds
    while (left := end - time.monotonic()) > 0:
        await asyncio.sleep(min(1.0, left))
        rss_peak = max(rss_peak, server.rss_mb())
        now = time.monotonic()
        if sample_every and now >= next_sample:
            cpu = server.cpu_seconds()
            samples.append(
                {
                    "t_s": round(now - since, 1),
                    "rss_mb": round(server.rss_mb(), 2),
                    "cpu_pct": round((cpu - last_cpu) / max(now - last_at, 1e-3) * 100, 1),
                }
            )
            next_sample, last_cpu, last_at = next_sample + sample_every, cpu, now
    elapsed = time.monotonic() - since
    server_cpu = (server.cpu_seconds() - cpu0) / elapsed * 100
    bots_cpu = (me.cpu_seconds() - my_cpu0) / elapsed * 100
    for stream in itertools.chain(*streams.values()):
        stream.measuring = False
    send_gaps.measuring = False
    stats = await rpc.call("stats")
    recordings = [await rpc.call("end_call", room=f"room-{r}") for r in range(rooms)]
    for probe in probes:
        await probe.close()
    await rpc.call("shutdown")
    await rpc.close()

    def latencies(key: str, side: Side | None) -> dict[str, Any]:
        values: list[float] = []
        emitted = detected = 0
        for stream, emissions in zip(streams[key], emissions_by_room, strict=True):
            found = match_latencies(stream.detector.onsets, emissions, since)
            for name, lat in found.items():
                if side is None or name == side.name:
                    values += lat
            for name, times in emissions.times.items():
                if side is None or name == side.name:
                    emitted += sum(1 for t in times if since <= t <= since + seconds - 0.5)
        detected = len(values)
        return {**percentiles(values), "clicks_lost": max(0, emitted - detected)}

    losses = {
        key: [x for s in group if (x := s.loss()) is not None] for key, group in streams.items()
    }
    rooms_stats = stats["rooms"].values()
    return {
        "rooms": rooms,
        "seconds": round(elapsed, 1),
        "server_cpu_pct": round(server_cpu, 1),
        "server_rss_mb_idle": round(rss_idle, 1),
        "server_rss_mb_peak": round(rss_peak, 1),
        "bots_cpu_pct": round(bots_cpu, 1),
        "bots_send_gap_ms": {
            "max": round(send_gaps.max_gap * 1000, 1),
            "over_60ms": send_gaps.over_60ms,
        },
        "connect_ms": percentiles(connect_times),
        "latency_ms": {
            "candidate_to_client": latencies("to_client", CANDIDATE),
            "client_to_candidate": latencies("to_candidate", CLIENT),
            "mix_to_observer": latencies("to_observer", None),
        },
        "frame_loss_pct": {
            key: round(max(vals) * 100, 2) if vals else None for key, vals in losses.items()
        },
        "server_counters": {
            "tick": stats["tick"],
            "underruns": sum(sum(r["underruns"].values()) for r in rooms_stats),
            "upstream_dropped_samples": sum(
                sum(r["upstream_dropped_samples"].values()) for r in rooms_stats
            ),
            "outbound_dropped": sum(sum(r["outbound_dropped"].values()) for r in rooms_stats),
            "concealed": sum(sum(r.get("concealed", {}).values()) for r in rooms_stats),
            "refused_packets": sum(
                sum(r.get("refused_packets", {}).values()) for r in rooms_stats
            ),
            "gc": stats.get("gc"),
        },
        "samples": samples,
        "recordings": [
            {k: rec[k] for k in ("duration_s", "size_bytes", "frames_dropped", "gaps")}
            for rec in recordings
        ],
    }


# --- orchestration -----------------------------------------------------------------------


def _sort_key(result: dict[str, Any]) -> tuple[bool, int]:
    return (result.get("loop") != "uvloop", result["rooms"])


def markdown(results_dir: Path) -> str:
    rows = []
    for path in sorted(
        results_dir.glob("media_*rooms_*.json"), key=lambda p: _sort_key(json.loads(p.read_text()))
    ):
        d = json.loads(path.read_text())
        lat = d["latency_ms"]

        def ms(key: str, d: dict = lat) -> str:
            return f"{d[key]['p50']} / {d[key]['p95']} / {d[key]['p99']}"

        loss = max((v for v in d["frame_loss_pct"].values() if v is not None), default=None)
        lost = sum(v["clicks_lost"] for v in lat.values())
        rows.append(
            f"| {d['rooms']} | {d['seconds']} | {d['server_cpu_pct']} | "
            f"{d['server_rss_mb_peak']} | {ms('candidate_to_client')} | "
            f"{ms('mix_to_observer')} | {loss} | {lost} | {d['connect_ms']['p50']} / "
            f"{d['connect_ms']['max']} | {d['bots_cpu_pct']} | {d.get('loop', '')} |"
        )
    return "\n".join(
        [
            "# Media benchmark (aiortc server, bots in another process, loopback)",
            "",
            "Each room: candidate, client and observer bots, a recorded call. Relay legs forward",
            "Opus packets untouched; the observer's mix is decoded, mixed on the 20 ms tick and",
            "re-encoded. Latency = click handed to the bot's sender → onset found in a packet on",
            "arrival at the receiving bot (Opus codec delay included: ~6.5 ms per encode+decode).",
            "CPU = % of one core (2-core machine, bots competing). Loss = worst received stream.",
            "Written by `benchmarks/media_bench.py`.",
            "",
            "| rooms | s | server CPU % | server RSS MB | cand→client ms p50/p95/p99 | "
            "mix→observer ms p50/p95/p99 | frame loss % | clicks lost | connect ms p50/max | "
            "bots CPU % | loop |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rooms", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="uvloop")
    parser.add_argument("--impl", choices=["plateau", "stock"], default="plateau")
    parser.add_argument("--pin", action="store_true", help="server on core 0, bots elsewhere")
    parser.add_argument("--sample-every", type=float, default=0.0)
    parser.add_argument(
        "--gc",
        choices=["auto", "default", "tuned"],
        default="auto",
        dest="gc_mode",
        help="server GC: auto = tuned for plateau (as its workers), default for stock",
    )
    parser.add_argument("--name", help="result file name (default media_<N>rooms_<loop>.json)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        if args.pin:
            pin(server=True)
        run_loop(serve(args.impl, args.gc_mode), args.loop)
        return 0
    if args.pin:
        pin(server=False)
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--loop", args.loop, "--impl", args.impl]
        + ["--gc", args.gc_mode]
        + (["--pin"] if args.pin else []),
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"the server did not start: {line!r}")
        with tempfile.TemporaryDirectory(prefix="media-bench-") as rec_dir:
            result = run_loop(
                bots(
                    args.rooms,
                    args.seconds,
                    int(line.split()[1]),
                    server.pid,
                    Path(rec_dir),
                    args.sample_every,
                ),
                args.loop,
            )
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    result.update(loop=args.loop, impl=args.impl, pinned=args.pin, gc=args.gc_mode)
    args.out.mkdir(parents=True, exist_ok=True)
    name = args.name or f"media_{args.rooms}rooms_{args.loop}.json"
    (args.out / name).write_text(json.dumps(result, indent=2) + "\n")
    if not args.name:
        (args.out / "media_bench.md").write_text(markdown(args.out))
    print(json.dumps({k: result[k] for k in ("rooms", "server_cpu_pct", "latency_ms")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

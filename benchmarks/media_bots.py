"""One bot process of the media benchmark: the candidate, client and observer bots of a few
rooms. Started by `media_bench.py` (several of them, on the bots' core); talks to it over
stdin/stdout, one JSON line per step:

    → READY {"connect_ms": [...]}           peers connected (their tracks wait for GO)
    ← GO {"t0": …, "since": …, "until": …, "drain": …}
    → RESULT {...}                           measured (until + drain), peers still up
    ← CLOSE                                  close the peers, exit

and to the media server's RPC (attach) directly. Times are `time.monotonic()`, one clock for
every process of the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_analysis import merge_paths, mix_path, relay_path  # noqa: E402
from benchmarks.bench_rpc import Rpc, run_loop  # noqa: E402
from benchmarks.bot_peers import (  # noqa: E402
    BenchPeer,
    LoopLag,
    MixReceiver,
    RelayReceiver,
    ScheduledTrack,
)
from benchmarks.jitter import PROFILES, Link, Plan  # noqa: E402
from benchmarks.media_signals import CANDIDATE, CLIENT, PreEncoded  # noqa: E402

CONNECT_TIMEOUT_S = 60.0


class Room:
    """One room's three bots, its two emulated links and its three receivers."""

    def __init__(self, index: int, signals: dict[str, PreEncoded], args: argparse.Namespace):
        self.index = index
        self.name = f"room-{index}"
        profile = PROFILES[args.profile]
        self.tracks = {s: ScheduledTrack(signals[s], args.frames) for s in ("candidate", "client")}
        self.plans = {
            s: Plan(profile, (args.seed, index, n), args.frames)
            for n, s in enumerate(("candidate", "client"))
        }
        self.links: dict[str, Link] = {}
        self.to_client = RelayReceiver(self.tracks["candidate"])
        self.to_candidate = RelayReceiver(self.tracks["client"])
        self.to_observer = MixReceiver()
        self.peers = {
            "candidate": BenchPeer(self.tracks["candidate"], self.to_candidate.on_packet),
            "client": BenchPeer(self.tracks["client"], self.to_client.on_packet),
            "observer": BenchPeer(None, self.to_observer.on_packet),
        }

    async def join(self, rpc: Rpc, connect_ms: list[float]) -> None:
        for role, peer in self.peers.items():
            started = time.monotonic()
            answer = await rpc.call("attach", room=self.name, role=role, sdp=await peer.offer())
            link = None
            if role in self.plans:  # a link whose t0 is set at GO
                link = self.links[role] = Link(self.plans[role], t0=0.0)
            await peer.accept(answer, link)
            await asyncio.wait_for(peer.connected.wait(), timeout=CONNECT_TIMEOUT_S)
            connect_ms.append((time.monotonic() - started) * 1000)

    def start(self, t0: float) -> None:
        for side, track in self.tracks.items():
            start = t0 + self.plans[side].send_phase
            self.links[side].t0 = start
            track.start(start)

    def set_windows(self, window: tuple[float, float]) -> None:
        for receiver in (self.to_client, self.to_candidate, self.to_observer):
            receiver.span.window = window

    def figures(self, window: tuple[float, float]) -> dict[str, Any]:
        t, links = self.tracks, self.links
        return {
            "candidate_to_client": relay_path(
                t["candidate"], links["candidate"], self.to_client, window
            ),
            "client_to_candidate": relay_path(
                t["client"], links["client"], self.to_candidate, window
            ),
            "mix_to_observer": mix_path(t, links, self.to_observer, window),
        }

    def clicks_sent(self) -> dict[str, list[float]]:
        """Emission times of every click the network delivered (for the recording check)."""
        out = {}
        for side, track in self.tracks.items():
            phase = track.signal.side.phase_frames
            ks = range(phase, track.frames, 25)
            out[side] = [
                float(track.emitted[k])
                for k in ks
                if track.emitted[k] == track.emitted[k] and not self.links[side].dropped[k]
            ]
        return out

    async def close(self) -> None:
        await asyncio.gather(*(peer.close() for peer in self.peers.values()))


def _stat(values: Any, over: tuple[float, ...]) -> dict[str, Any]:
    vals = [float(v) for v in values]
    out: dict[str, Any] = {"n": len(vals), "max_ms": round(max(vals, default=0.0) * 1000, 1)}
    for limit in over:
        out[f"over_{limit * 1000:g}ms"] = sum(v > limit for v in vals)
    return out


def _cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


async def _read_line(reader: asyncio.StreamReader) -> str:
    line = await reader.readline()
    if not line:
        raise SystemExit("the benchmark went away")
    return line.decode().strip()


def _say(tag: str, data: Any) -> None:
    sys.stdout.write(f"{tag} {json.dumps(data)}\n")
    sys.stdout.flush()


async def main_async(args: argparse.Namespace) -> None:
    try:
        from server.telephony.workers.gc_tuning import tune_gc
    except ImportError:  # the media workers' GC tuning moved: the bots run without it
        pass
    else:
        tune_gc()  # the generator's own collections must not stall its senders
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    signals = {"candidate": PreEncoded(CANDIDATE), "client": PreEncoded(CLIENT)}
    rpc = await Rpc.connect(args.port)
    rooms = [Room(i, signals, args) for i in args.room_indices]
    connect_ms: list[float] = []
    for room in rooms:
        await room.join(rpc, connect_ms)
    lag = LoopLag()
    lag.start()
    _say("READY", {"connect_ms": connect_ms, "pid": os.getpid()})

    go = json.loads((await _read_line(stdin)).split(" ", 1)[1])
    window = (go["since"], go["until"])
    lag.window = window
    for room in rooms:
        room.set_windows(window)
        room.start(go["t0"])
    await asyncio.sleep(max(0.0, go["since"] - time.monotonic()))
    cpu0, at0 = _cpu_seconds(), time.monotonic()
    await asyncio.sleep(max(0.0, go["until"] - time.monotonic()))
    cpu_pct = (_cpu_seconds() - cpu0) / max(time.monotonic() - at0, 1e-3) * 100
    await asyncio.sleep(max(0.0, go["until"] + go["drain"] - time.monotonic()))

    paths = [room.figures(window) for room in rooms]
    send_late = [x for r in rooms for t in r.tracks.values() for x in t.lateness(window)]
    link_late = [x for r in rooms for link in r.links.values() for x in link.lateness(window)]
    hooked = all(link.seen > 0 for r in rooms for link in r.links.values())
    _say(
        "RESULT",
        {
            "pid": os.getpid(),
            "rooms": [r.name for r in rooms],
            "cpu_pct": round(cpu_pct, 1),
            "paths": {
                key: merge_paths([p[key] for p in paths])
                for key in ("candidate_to_client", "client_to_candidate", "mix_to_observer")
            },
            "worst_room": {
                key: max(
                    (
                        (p[key]["frames"]["lost_beyond_injected"] or 0)
                        / max(p[key]["frames"]["delivered"], 1)
                        for p in paths
                    ),
                    default=0.0,
                )
                for key in ("candidate_to_client", "client_to_candidate")
            },
            "clicks_sent": {r.name: r.clicks_sent() for r in rooms},
            "send_late": _stat(send_late, (0.02, 0.06)),
            "link_late": _stat(link_late, (0.02, 0.06)),
            "loop_lag": _stat(lag.lags, (0.02, 0.06)),
            "links_hooked": hooked,
        },
    )
    lag.stop()
    await _read_line(stdin)  # CLOSE
    for room in rooms:
        await room.close()
    await rpc.close()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="one bot process of media_bench.py")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rooms", required=True, help="room indices, comma-separated")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="none")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--frames", type=int, required=True)
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="uvloop")
    args = parser.parse_args(argv)
    args.room_indices = [int(x) for x in args.rooms.split(",") if x]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    run_loop(main_async(args), args.loop)
    return 0


if __name__ == "__main__":
    sys.exit(main())

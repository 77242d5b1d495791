"""The observer's mix jitter buffer alone, under each network profile, in simulated time.

`benchmarks/media_bench.py` measures the whole media plane in real time, which needs a quiet
machine. This replays the same sender — the bots' marked audio (`media_signals`: a soft hum,
a click every 500 ms) — through the same network profile (`jitter.Plan`: the same seeds, the
same FIFO link) into `PlayoutBuffer`, ticked every 20 ms, with no sockets, codec or clock:
deterministic, seconds to run, and the same on a busy machine. It reports, for each click,
the time from its release by the network to the tick that plays it — the buffer's own share
of the mix's `server_added_ms` (the real benchmark adds the Opus encode/decode, the tick's
phase and both bots' paths, ~20 ms on this machine).

    .venv/bin/python -m benchmarks.playout_sim [--seeds 6] [--seconds 120] [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess

import numpy as np

from benchmarks.jitter import PROFILES, Plan
from benchmarks.media_signals import CANDIDATE, CLICK_EVERY_FRAMES, marked_pcm
from server.telephony.audio import FRAME_SAMPLES
from server.telephony.jitter_buffer import PlayoutBuffer

FRAME_S = 0.02
TICK_PHASE_S = 0.013  # the server's ticks are not aligned with the sender's frames
CLICK_LEVEL = 0.2 * 32767  # a click's peak in a played frame (the hum peaks at ~0.03)
WARM_UP_CLICKS = 10


def released(plan: Plan, frames: int) -> np.ndarray:
    """When the network releases each frame: `jitter.Link.send`'s rule (delay, burst hold,
    FIFO), without an event loop."""
    out = np.zeros(frames)
    last = float("-inf")
    for k in range(frames):
        release = plan.send_phase + k * FRAME_S + plan.extra_delay(k)
        if (held := plan.held_until(k)) is not None:
            release = max(release, held)
        last = out[k] = max(release, last)
    return out


def click_delays(profile: str, seed: int, seconds: float) -> tuple[np.ndarray, PlayoutBuffer]:
    """Milliseconds from each click's release to the tick playing it (after a warm-up)."""
    frames = round(seconds / FRAME_S)
    plan = Plan(PROFILES[profile], (seed, 1), frames)
    pcm = marked_pcm(CANDIDATE, frames)
    release = released(plan, frames)
    order = np.argsort(release, kind="stable")
    buffer, arrived, loud_ticks = PlayoutBuffer(), 0, []
    for tick in range(frames + 50):
        now = TICK_PHASE_S + tick * FRAME_S
        while arrived < frames and release[order[arrived]] <= now:
            k = int(order[arrived])
            chunk = pcm[k * FRAME_SAMPLES : (k + 1) * FRAME_SAMPLES]
            buffer.push(k * FRAME_SAMPLES, chunk, float(release[k]))
            arrived += 1
        if np.max(np.abs(buffer.take_frame())) > CLICK_LEVEL:
            loud_ticks.append(now)
    ticks = np.array(loud_ticks)
    delays = []
    for k in range(CANDIDATE.phase_frames, frames, CLICK_EVERY_FRAMES):
        after = ticks[ticks >= release[k] - 1e-9]
        delays.append((after[0] - release[k]) * 1000 if len(after) else np.nan)
    return np.array(delays[WARM_UP_CLICKS:]), buffer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", nargs="+", default=list(PROFILES))
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"\n## Run of {stamp} (commit {commit}; {args.seeds} seeds × {args.seconds:g} s)\n",
        "| profile | clicks | not heard | p50 ms | p95 ms | p99 ms | max ms | "
        "stalls | shed | squeezed |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for profile in args.profiles:
        runs = [click_delays(profile, seed, args.seconds) for seed in range(args.seeds)]
        delays = np.concatenate([d for d, _ in runs])
        heard = delays[~np.isnan(delays)]
        stats = [b.stats for _, b in runs]
        p50, p95, p99 = np.percentile(heard, [50, 95, 99])
        lines.append(
            f"| {profile} | {len(delays)} | {len(delays) - len(heard)} | {p50:.0f} | {p95:.0f} "
            f"| {p99:.0f} | {heard.max():.0f} | {sum(s.stalls for s in stats)} "
            f"| {sum(s.shed for s in stats)} | {sum(s.squeezed for s in stats)} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "a", encoding="utf-8") as handle:
            handle.write(text)


if __name__ == "__main__":
    main()

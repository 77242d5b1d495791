"""What the observer's live mix costs to encode, and what a cheaper libopus complexity loses.

The mix (both parties summed, mono, 32 kb/s) is encoded on the event loop every 20 ms while an
observer listens: after the recordings stopped being encoded again (the parties' packets are
written as they are), it is the largest codec cost left per room. This encodes the same
two-party French speech as `codec_cost.py` (espeak-ng), summed, with the server's own
`OpusEncoder` at each complexity, and reports the CPU time of the encoding per second of audio
(`time.thread_time`, the median of `--repeat`) and PESQ-WB of the decoded mix against the mix.

    .venv/bin/python -m benchmarks.mix_cost --out benchmarks/results/mix_cost.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from pathlib import Path

import numpy as np

from benchmarks.codec_cost import LEFT, RIGHT, pesq_wb, speech, to16k
from server.telephony.audio import FRAME_SAMPLES, SAMPLE_RATE, mix
from server.telephony.opus import OpusDecoder, OpusEncoder


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    left, right = speech(LEFT, "fr", 40), speech(RIGHT, "fr+f3", 60)
    n = max(len(left), len(right))
    n += -n % FRAME_SAMPLES
    a = np.zeros(n, np.int16)
    b = np.zeros(n, np.int16)
    a[: len(left)], b[: len(right)] = left, right
    frames = [
        mix(a[i : i + FRAME_SAMPLES], b[i : i + FRAME_SAMPLES]) for i in range(0, n, FRAME_SAMPLES)
    ]
    reference = np.concatenate(frames)
    seconds = n / SAMPLE_RATE
    rows = []
    for complexity in (10, 8, 5, 3, 0):
        costs = []
        for _ in range(args.repeat):
            encoder = OpusEncoder(complexity=complexity)
            start = time.thread_time()
            packets = [p for f in frames for p in encoder.encode(f)]
            costs.append((time.thread_time() - start) / seconds * 1000)
        decoder = OpusDecoder()
        decoded = np.concatenate([decoder.decode(p) for p in packets])[312:]
        score = pesq_wb(to16k(reference), to16k(decoded))
        rows.append((complexity, statistics.median(costs), score))
        print(complexity, round(statistics.median(costs), 2), round(score, 3), flush=True)
    load = os.getloadavg()
    lines = [
        f"\n## {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load average {load[0]:.2f} / "
        f"{load[1]:.2f} / {load[2]:.2f}, {seconds:.1f} s of mixed speech, "
        f"median of {args.repeat}\n",
        "| complexity | CPU ms per second of mix | PESQ-WB (mix decoded vs mix) |",
        "|---|---|---|",
    ]
    lines += [f"| {c} | {cpu:.2f} | {p:.3f} |" for c, cpu, p in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with args.out.open("a", encoding="utf-8") as handle:
            handle.write(text)


if __name__ == "__main__":
    main()

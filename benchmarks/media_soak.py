"""Memory soak: Plateau's media server (pinned to one core) carrying `--rooms` recorded calls
for `--minutes`, its RSS sampled every `--every` seconds.

    python benchmarks/media_soak.py --rooms 12 --minutes 30 [--profile wifi]

Runs `media_bench.py --pin` (same bots, same measurements) and writes, in --out:
`soak.json` (the whole benchmark result, samples included), `soak-memory.csv`
(t_s, rss_mb, cpu_pct) and `soak-memory.svg` (RSS over time, drawn by hand: no matplotlib).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import bench_report, media_bench  # noqa: E402

WIDTH, HEIGHT = 760, 380
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 50, 50


def _nice_step(span: float, target: int = 6) -> float:
    raw = span / target
    for base in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if base >= raw:
            return float(base)
    return raw


def growth(samples: list[dict[str, float]]) -> dict[str, float]:
    """RSS at the start and end (medians of the first and last fifth of the samples) and the
    slope between them, in MB per hour."""
    rss = [s["rss_mb"] for s in samples]
    k = max(1, len(rss) // 5)

    def median(xs: list[float]) -> float:
        ys = sorted(xs)
        return ys[len(ys) // 2]

    first, last = median(rss[:k]), median(rss[-k:])
    hours = max((samples[-1]["t_s"] - samples[0]["t_s"]) / 3600, 1e-9)
    return {
        "rss_start_mb": first,
        "rss_end_mb": last,
        "rss_min_mb": min(rss),
        "rss_max_mb": max(rss),
        "slope_mb_per_hour": round((last - first) / hours, 2),
    }


def svg(samples: list[dict[str, float]], title: str) -> str:
    """A line chart of RSS (MB) over time (minutes)."""
    xs = [s["t_s"] / 60 for s in samples]
    ys = [s["rss_mb"] for s in samples]
    x_max = max(xs[-1], 1e-6)
    y_lo = max(0.0, min(ys) - 20)
    y_hi = max(ys) + 20
    y_step = _nice_step(y_hi - y_lo)
    y_lo = y_step * int(y_lo // y_step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + x / x_max * plot_w

    def py(y: float) -> float:
        return TOP + (1 - (y - y_lo) / (y_hi - y_lo)) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{WIDTH / 2}" y="24" text-anchor="middle" font-size="15">{title}</text>',
    ]
    y = y_lo
    while y <= y_hi:
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{py(y):.1f}" y2="{py(y):.1f}" '
            f'stroke="#ddd"/><text x="{LEFT - 6}" y="{py(y) + 4:.1f}" text-anchor="end">'
            f"{y:g}</text>"
        )
        y += y_step
    x_step = _nice_step(x_max)
    x = 0.0
    while x <= x_max + 1e-9:
        out.append(
            f'<line x1="{px(x):.1f}" x2="{px(x):.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" '
            f'stroke="#eee"/><text x="{px(x):.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle">{x:g}</text>'
        )
        x += x_step
    points = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in zip(xs, ys, strict=True))
    out += [
        f'<polyline fill="none" stroke="#1f5fbf" stroke-width="2" points="{points}"/>',
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="black"/>',
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" '
        f'y2="{HEIGHT - BOTTOM}" stroke="black"/>',
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 12}" text-anchor="middle">minutes</text>',
        f'<text x="18" y="{TOP + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 18 {TOP + plot_h / 2})">server RSS (MB)</text>',
        "</svg>",
    ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rooms", type=int, default=12)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--every", type=float, default=10.0)
    parser.add_argument("--profile", default="none", help="network profile (media_bench.py)")
    parser.add_argument("--out", type=Path, default=media_bench.RESULTS)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    media_bench.main(
        [
            "--rooms",
            str(args.rooms),
            "--profile",
            args.profile,
            "--seconds",
            str(args.minutes * 60),
            "--pin",
            "--sample-every",
            str(args.every),
            "--out",
            str(args.out),
            "--name",
            "soak.json",
        ]
    )
    result = json.loads((args.out / "soak.json").read_text())
    samples = result["samples"]
    with (args.out / "soak-memory.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["t_s", "rss_mb", "cpu_pct"])
        writer.writeheader()
        writer.writerows(samples)
    summary = growth(samples)
    losses = bench_report.loss_beyond_injected(result).values()
    loss = max((v for v in losses if v is not None), default=None)
    title = (
        f"Plateau media server, {args.rooms} recorded calls on one core, "
        f"{args.minutes:g} min: RSS {summary['rss_start_mb']:.0f} → "
        f"{summary['rss_end_mb']:.0f} MB, loss beyond injected {loss} %"
    )
    (args.out / "soak-memory.svg").write_text(svg(samples, title))
    result["soak"] = summary
    (args.out / "soak.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())

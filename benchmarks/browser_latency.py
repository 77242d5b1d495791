"""Mouth-to-ear delay through the real app in real browsers, over a long call, a hold and the
calls after it.

    python benchmarks/browser_latency.py                 # 5-min call, hold, 2 more calls (~8 min)
    python benchmarks/browser_latency.py --call-seconds 20 --hold-at 8 --hold-seconds 4 \\
        --next-call-seconds 8 --label "SMOKE on a shared machine: not a result"

The app runs as the browser tests run it (`tests/e2e/conftest.py`: uvicorn on a loopback port,
a migrated SQLite database, the standard exam day moved to today), candidate A put in the
calls phase. Three Chromium processes (Debian's /usr/bin/chromium through Playwright, the
project's flags): the candidate and the client juror with fake microphones playing marked
signals (`--use-file-for-fake-audio-capture`: a hum and a click every 500 ms, three
frequencies per side in turn), and the observer juror listening. Each page signs in with its
code and opens the app's own WebSocket and call audio (`socket.js`, `call-audio.js`), and
listens to its microphone and to what it receives (`browser_page.js`).

Then: the client juror rings, the candidate answers; a call of `--call-seconds` with a hold
at `--hold-at` for `--hold-seconds` (the candidate holds and resumes); hang-up and
qualification; then `--next-calls` more calls of `--next-call-seconds`. Delays per 10-second
window and the comparisons (`browser_analysis.py`) go to `--out/<name>.json|.md`, with the
machine's load average at the start, the end and at each window.
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import browser_analysis  # noqa: E402
from benchmarks.bench_rpc import load_average  # noqa: E402
from benchmarks.media_signals import BROWSER_CLICK_HZ, browser_pcm, write_wav  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
PAGE_JS = Path(__file__).resolve().parent / "browser_page.js"
PACK = "plateforme-horizon"
WAV_SECONDS = 30.0
COLLECT_EVERY_S = 5.0
SETTLE_S = 3.0  # after the last call: the last clicks reach the ears


def chromium_version(executable: Path) -> str:
    try:
        done = subprocess.run(
            [str(executable), "--version"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return done.stdout.strip() or "?"


async def into_calls_phase(ctx: Any, candidate_id: str) -> None:
    """Candidate A's exam started 60 min 5 s ago: the calls phase began 5 s ago."""
    from server.exams import timeline_service

    start = ctx.clock.now() - timedelta(minutes=60, seconds=5)
    await timeline_service.run(
        ctx, candidate_id, lambda t: t.start_at(start, by="benchmark"), actor="benchmark"
    )


def start_server(data: Path) -> Any:
    from server.core.config import PROJECT_ROOT, Settings
    from server.core.migrations import upgrade
    from tests.e2e.conftest import LiveServer, seed_today

    url = f"sqlite+aiosqlite:///{data / 'plateau.db'}"
    upgrade(url)
    settings = Settings(
        database_url=url,
        secret_key=secrets.token_urlsafe(48),
        data_dir=data,
        recordings_dir=data / "recordings",
        scenarios_dir=PROJECT_ROOT / "scenarios",
    )
    server = LiveServer(settings)
    server.start()
    server.day = server.call(seed_today, server.ctx, pack_id=PACK)
    return server


def inbound_simulation(server: Any) -> str:
    from server.scenarios.pack.types import SimulationKind

    subset = server.ctx.packs[PACK].for_format(server.ctx.titles["CRCD"].format("titre"))
    return next(s.id for s in subset.simulations if s.kind is SimulationKind.INBOUND_CALL)


def open_page(browser: Any, server: Any, options: dict[str, Any]) -> Any:
    from tests.e2e.conftest import VIEWPORT

    # The server's Content-Security-Policy forbids the inline measuring script injected below.
    context = browser.new_context(
        base_url=server.url, viewport=VIEWPORT, locale="fr-FR", bypass_csp=True
    )
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto("/api/health")
    page.evaluate("() => { document.documentElement.innerHTML = '<head></head><body></body>'; }")
    page.add_script_tag(type="module", content=PAGE_JS.read_text())
    page.wait_for_selector("body[data-ready='true']", state="attached")
    state = page.evaluate("(o) => window.__bench.start(o)", options)
    if state != "connected":
        errors = page.evaluate("() => window.__bench.errors")
        raise RuntimeError(f"{options.get('role')}: audio {state} ({errors})")
    return page


class Run:
    """The pages, the events they collected, the call timeline (epoch ms)."""

    def __init__(self, pages: dict[str, Any]) -> None:
        self.pages = pages
        self.events: dict[str, list[dict[str, Any]]] = {name: [] for name in pages}
        self.loads: list[tuple[float, float]] = []
        self.jitter: list[dict[str, Any]] = []  # the observer's NetEq, sampled as events are
        self.calls: list[browser_analysis.Call] = []
        self._last_collect = 0.0

    def collect(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._last_collect < COLLECT_EVERY_S:
            return
        self._last_collect = time.monotonic()
        for name, page in self.pages.items():
            self.events[name] += page.evaluate("() => window.__bench.take()")
        if "observer" in self.pages:
            self.jitter += self.pages["observer"].evaluate("() => window.__bench.jitter()")
        self.loads.append((time.time() * 1000, load_average()[0]))

    def wait(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self.pages["candidate"].wait_for_timeout(min(1.0, left) * 1000)
            self.collect()

    def request(self, who: str, msg: dict[str, Any]) -> Any:
        return self.pages[who].evaluate("(m) => window.__bench.request(m)", msg)

    def call(
        self, name: str, seconds: float, cand: str, sim: str, hold: tuple[float, float] | None
    ) -> None:
        ringing = self.request(
            "client", {"type": "call.ring", "candidate_id": cand, "simulation_id": sim}
        )
        call_id = ringing["id"]
        self.request("candidate", {"type": "call.answer", "call_id": call_id})
        call = browser_analysis.Call(name, time.time() * 1000, 0.0)
        self.calls.append(call)
        if hold is not None:
            at, length = hold
            self.wait(at)
            self.request("candidate", {"type": "call.hold", "call_id": call_id})
            held_from = time.time() * 1000
            self.wait(length)
            self.request("candidate", {"type": "call.resume", "call_id": call_id})
            call.holds.append((held_from, time.time() * 1000))
            self.wait(seconds - at - length)
        else:
            self.wait(seconds)
        call.end_ms = time.time() * 1000
        self.request("client", {"type": "call.hangup", "call_id": call_id})
        self.request(
            "candidate",
            {"type": "call.wrap_up", "call_id": call_id, "disposition": "traitee", "note": ""},
        )


def run(args: argparse.Namespace, on_progress: Callable[[str], None] = print) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_FLAGS, FULL_CHROMIUM

    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    load_start = load_average()
    with tempfile.TemporaryDirectory(prefix="browser-latency-") as tmp:
        folder = Path(tmp)
        wavs = {
            side: write_wav(folder / f"{side}.wav", browser_pcm(side, WAV_SECONDS))
            for side in BROWSER_CLICK_HZ
        }
        server = start_server(folder / "server")
        try:
            day = server.day
            cand = day.ids["cand_a"]
            server.call(into_calls_phase, server.ctx, cand)
            sim = inbound_simulation(server)
            with sync_playwright() as pw:

                def launch(wav: Path | None) -> Any:
                    flags = list(CHROMIUM_FLAGS)
                    if wav is not None:
                        flags.append(f"--use-file-for-fake-audio-capture={wav}")
                    return pw.chromium.launch(
                        executable_path=str(FULL_CHROMIUM), headless=True, args=flags
                    )

                every_hz = [hz for codes in BROWSER_CLICK_HZ.values() for hz in codes]
                setups = {
                    "candidate": (wavs["candidate"], {"code": day.codes["cand_a"]}),
                    "client": (
                        wavs["client"],
                        {"code": day.codes["client_a"], "candidateId": cand},
                    ),
                    "observer": (
                        None,
                        {"code": day.codes["observer_a"], "candidateId": cand, "receiveOnly": True},
                    ),
                }
                browsers, pages = [], {}
                for role, (wav, options) in setups.items():
                    browsers.append(launch(wav))
                    mouth = list(BROWSER_CLICK_HZ.get(role, ()))
                    pages[role] = open_page(
                        browsers[-1],
                        server,
                        {
                            **options,
                            "role": role,
                            "mouthHz": mouth,
                            "earHz": every_hz,
                        },
                    )
                    on_progress(f"{role} page connected")
                bench = Run(pages)
                bench.call(
                    "call 1", args.call_seconds, cand, sim, (args.hold_at, args.hold_seconds)
                )
                on_progress("call 1 done")
                for n in range(args.next_calls):
                    bench.wait(args.gap_seconds)
                    bench.call(f"call {n + 2}", args.next_call_seconds, cand, sim, None)
                    on_progress(f"call {n + 2} done")
                bench.wait(SETTLE_S)
                bench.collect(force=True)
                errors = {r: p.evaluate("() => window.__bench.errors") for r, p in pages.items()}
                for b in browsers:
                    b.close()
        finally:
            server.stop()
    result = browser_analysis.analyse(bench.events, bench.calls, bench.loads)
    result["meta"] = {
        "started_at": started_at,
        "chromium": chromium_version(FULL_CHROMIUM),
        "load_avg": {"start": load_start, "end": load_average()},
        "label": args.label,
        "args": {k: v for k, v in vars(args).items() if k != "out"},
        "calls": [vars(c) for c in bench.calls],
        "page_errors": errors,
    }
    result["events"] = bench.events  # every onset each page found, to analyse again
    result["loads"] = bench.loads
    result["observer_jitter_buffer"] = bench.jitter
    return result


def reanalyse(path: Path) -> dict[str, Any]:
    """A result analysed again from the onsets it kept (e.g. after the analysis changed)."""
    kept = json.loads(path.read_text())
    calls = [browser_analysis.Call(**c) for c in kept["meta"]["calls"]]
    result = browser_analysis.analyse(kept["events"], calls, [tuple(x) for x in kept["loads"]])
    result.update(meta=kept["meta"], events=kept["events"], loads=kept["loads"])
    return result


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--call-seconds", type=float, default=300.0)
    parser.add_argument("--hold-at", type=float, default=150.0)
    parser.add_argument("--hold-seconds", type=float, default=20.0)
    parser.add_argument("--next-calls", type=int, default=2)
    parser.add_argument("--next-call-seconds", type=float, default=60.0)
    parser.add_argument("--gap-seconds", type=float, default=5.0)
    parser.add_argument("--label", default="")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--name", default="browser_latency")
    parser.add_argument("--reanalyse", type=Path, help="a result JSON: analyse its onsets again")
    args = parser.parse_args(argv)
    if args.hold_at + args.hold_seconds >= args.call_seconds:
        parser.error("the hold must end before the first call does")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    result = reanalyse(args.reanalyse) if args.reanalyse else run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(result, indent=2) + "\n")
    label = args.label or result["meta"].get("label", "")
    (args.out / f"{args.name}.md").write_text(browser_analysis.markdown(result, label))
    for path, c in result["comparisons"].items():
        print(
            f"{path}: first {c['compared_span_s']:g} s {c['first_minute']}, "
            f"last {c['compared_span_s']:g} s {c['last_minute']}, "
            f"change {c.get('creep_ms')} ms"
        )
    print("creep target met" if result["creep_target_met"] else "creep target NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())

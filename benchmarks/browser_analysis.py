"""Mouth-to-ear delay from what the browser pages heard (`browser_page.js` events).

- mouth: a click's onset in the sending page's own microphone stream (after the browser's
  capture processing), on the machine's wall clock;
- ear: the same click's onset in the receiving page's remote stream (after the network, the
  server, the browser's jitter buffer and decoder);
- delay = ear − mouth, the click matched by its frequency (three per side, in turn: a click
  is not mistaken for the one 500 ms before it while the delay stays under 1.5 s).

Per call, 10-second windows (by the click's mouth time) give the median, p95 and count of each
path's delays; a window overlapping a hold is marked (the parties hear the hold tone then).
Compared: the last minute of the first call with its first minute (target: within 20 ms), the
first 10 s after the resume with the minute before the hold, and each later call with the
first call's first minute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from benchmarks.media_signals import BROWSER_CLICK_HZ

WINDOW_S = 10.0
MINUTE_S = 60.0
MAX_DELAY_S = 1.4  # under one cycle of the click pattern (1.5 s)
CREEP_TARGET_MS = 20.0
SIDE_OF_HZ = {hz: side for side, codes in BROWSER_CLICK_HZ.items() for hz in codes}
PATHS = {  # path: (sending side, receiving page)
    "candidate_to_client": ("candidate", "client"),
    "client_to_candidate": ("client", "candidate"),
    "mix_to_observer": (None, "observer"),
}


@dataclass
class Call:
    name: str
    start_ms: float
    end_ms: float
    holds: list[tuple[float, float]] = field(default_factory=list)

    def held(self, start_ms: float, end_ms: float) -> bool:
        return any(a < end_ms and b > start_ms for a, b in self.holds)


def _near_hz(hz: float) -> float | None:
    return min(SIDE_OF_HZ, key=lambda h: abs(h - hz)) if SIDE_OF_HZ else None


def match(
    mouth: list[tuple[float, float]], ear: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """(hz, t ms) onsets of one side at the mouth and at an ear → [(mouth t, delay ms)]: each
    ear onset goes to the latest mouth onset of the same frequency before it (once each,
    within MAX_DELAY_S)."""
    by_hz: dict[float, np.ndarray] = {}
    for hz in {h for h, _ in mouth}:
        by_hz[hz] = np.array(sorted(t for h, t in mouth if h == hz))
    used: set[tuple[float, float]] = set()
    out = []
    for hz, t in sorted(ear, key=lambda e: e[1]):
        times = by_hz.get(hz)
        if times is None or not len(times):
            continue
        i = int(np.searchsorted(times, t, side="right")) - 1
        if i < 0 or t - times[i] > MAX_DELAY_S * 1000 or (hz, times[i]) in used:
            continue
        used.add((hz, float(times[i])))
        out.append((float(times[i]), t - float(times[i])))
    return out


def path_delays(events: dict[str, list[dict[str, Any]]]) -> dict[str, list[tuple[float, float]]]:
    """{page: [{kind, hz, t}]} → {path: [(mouth t ms, delay ms)]}."""

    def onsets(page: str, kind: str, side: str | None) -> list[tuple[float, float]]:
        out = []
        for e in events.get(page, []):
            hz = _near_hz(float(e["hz"]))
            if e["kind"] == kind and hz is not None and (side is None or SIDE_OF_HZ[hz] == side):
                out.append((hz, float(e["t"])))
        return out

    result: dict[str, list[tuple[float, float]]] = {}
    for path, (side, listener) in PATHS.items():
        sides = [side] if side else list(BROWSER_CLICK_HZ)
        found: list[tuple[float, float]] = []
        for s in sides:
            found += match(onsets(s, "mouth", s), onsets(listener, "ear", s))
        result[path] = sorted(found)
    return result


def _figures(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"median": None, "p95": None, "n": 0}
    arr = np.array(values)
    return {
        "median": round(float(np.median(arr)), 1),
        "p95": round(float(np.percentile(arr, 95)), 1),
        "n": int(arr.size),
    }


def _between(found: list[tuple[float, float]], start: float, end: float) -> list[float]:
    return [d for t, d in found if start <= t < end]


def _load_at(loads: list[tuple[float, float]], at_ms: float) -> float | None:
    """The machine's 1-minute load average sampled last before `at_ms`."""
    before = [value for t, value in loads if t <= at_ms]
    return before[-1] if before else None


def analyse(
    events: dict[str, list[dict[str, Any]]],
    calls: list[Call],
    loads: list[tuple[float, float]] | None = None,
) -> dict[str, Any]:
    found = path_delays(events)
    windows = []
    for call in calls:
        start = call.start_ms
        while start < call.end_ms - 1000:  # no window of less than a second
            end = min(start + WINDOW_S * 1000, call.end_ms)
            windows.append(
                {
                    "call": call.name,
                    "from_s": round((start - call.start_ms) / 1000, 1),
                    "held": call.held(start, end),
                    "load_1min": _load_at(loads or [], end),
                    **{p: _figures(_between(found[p], start, end)) for p in PATHS},
                }
            )
            start = end
    comparisons: dict[str, Any] = {}
    if calls:
        first = calls[0]
        for path in PATHS:
            # a call shorter than two minutes compares its first and last halves
            span = min(MINUTE_S * 1000, (first.end_ms - first.start_ms) / 2)
            base = _figures(_between(found[path], first.start_ms, first.start_ms + span))
            last = _figures(_between(found[path], first.end_ms - span, first.end_ms))
            entry: dict[str, Any] = {
                "compared_span_s": round(span / 1000, 1),
                "first_minute": base,
                "last_minute": last,
            }
            if base["median"] is not None and last["median"] is not None:
                entry["creep_ms"] = round(float(last["median"]) - float(base["median"]), 1)
                entry["within_target"] = abs(entry["creep_ms"]) <= CREEP_TARGET_MS
            for a, b in first.holds:
                since = max(a - MINUTE_S * 1000, first.start_ms)
                entry["before_hold"] = _figures(_between(found[path], since, a))
                entry["after_resume_10s"] = _figures(_between(found[path], b, b + WINDOW_S * 1000))
            entry["later_calls"] = {
                c.name: _figures(_between(found[path], c.start_ms, c.end_ms)) for c in calls[1:]
            }
            comparisons[path] = entry
    verdicts = [c.get("within_target") for c in comparisons.values()]
    return {
        "windows": windows,
        "comparisons": comparisons,
        "creep_target_met": bool(verdicts) and all(v is True for v in verdicts),
        "onsets": {page: len(ev) for page, ev in events.items()},
    }


def _cell(f: dict[str, Any]) -> str:
    if not f or f.get("median") is None:
        return "–"
    return f"{f['median']:g} / {f['p95']:g} ({f['n']})"


def markdown(result: dict[str, Any], label: str = "") -> str:
    meta = result.get("meta", {})
    lines = [
        "# Mouth-to-ear delay in real browsers (`benchmarks/browser_latency.py`)",
        "",
        *([f"**{label}**", ""] if label else []),
        f"{meta.get('chromium', 'Chromium ?')}, started {meta.get('started_at', '?')}; load "
        f"average (1, 5, 15 min) at the start {meta.get('load_avg', {}).get('start')}, at the "
        f"end {meta.get('load_avg', {}).get('end')}. Delay = a click's onset in the receiving "
        "page's remote stream − its onset in the sending page's microphone (ms; median / p95 "
        "(count) per 10 s window, by the click's mouth time).",
        "",
        "| call | from s | held | candidate→client | client→candidate | mix→observer "
        "| load (1 min) |",
        "|---|---|---|---|---|---|---|",
    ]
    for w in result.get("windows", []):
        lines.append(
            f"| {w['call']} | {w['from_s']:g} | {'hold' if w['held'] else ''} | "
            f"{_cell(w['candidate_to_client'])} | {_cell(w['client_to_candidate'])} | "
            f"{_cell(w['mix_to_observer'])} | {w.get('load_1min') or '–'} |"
        )
    lines += ["", "## First minute vs last minute of the first call, holds, later calls", ""]
    for path, c in result.get("comparisons", {}).items():
        creep = c.get("creep_ms")
        verdict = "–" if creep is None else ("✓" if c.get("within_target") else "✗")
        span = c.get("compared_span_s", MINUTE_S)
        lines.append(
            f"- **{path}**: first {span:g} s {_cell(c['first_minute'])}, last {span:g} s "
            f"{_cell(c['last_minute'])}, change {creep if creep is not None else '–'} ms "
            f"(target ±{CREEP_TARGET_MS:g} ms: {verdict}); minute before the hold "
            f"{_cell(c.get('before_hold', {}))}, 10 s after the resume "
            f"{_cell(c.get('after_resume_10s', {}))}; later calls: "
            + ", ".join(f"{k} {_cell(v)}" for k, v in c.get("later_calls", {}).items())
        )
    lines += [
        "",
        "Target (issue 20): the last minute within 20 ms of the first: "
        + ("**met**" if result.get("creep_target_met") else "**not met**")
        + ".",
        "",
    ]
    return "\n".join(lines)

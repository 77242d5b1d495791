"""Targets, verdicts and tables of the media benchmark. Every run is a row: nothing is
discarded, nothing re-run; when the load generator may have disturbed a run, the row says so
with its own counters (it is still counted).

Targets (issue 20), per run, on the profile's traffic:
- 0 % loss beyond what the network injected, on every path: each relay leg (frames), the
  observer's mix (clicks, and gaps in the mix stream's own RTP timestamps) and the recording
  (clicks, both channels);
- server-added candidate→client (and client→candidate) p95 ≤ 40 ms + the profile's jitter;
- server-added mix→observer p95 ≤ 100 ms.
"""

from __future__ import annotations

from typing import Any

RELAY_P95_MS = 40.0
MIX_P95_MS = 100.0
TARGET_PROFILES = ("none", "lan", "wifi")
GENERATOR_STALL_MS = 60.0
RELAY_PATHS = ("candidate_to_client", "client_to_candidate")
PATHS = (*RELAY_PATHS, "mix_to_observer")


def _get(d: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(d, dict):
            return None
        d = d.get(key)
    return d


def loss_beyond_injected(result: dict[str, Any]) -> dict[str, float | None]:
    """% lost beyond what was injected, per path and for the recording (None: not measured)."""
    out: dict[str, float | None] = {}
    for key in RELAY_PATHS:
        frames = _get(result, "paths", key, "frames") or {}
        lost, delivered = frames.get("lost_beyond_injected"), frames.get("delivered")
        out[key] = None if lost is None or not delivered else round(100 * lost / delivered, 2)
    clicks = _get(result, "paths", "mix_to_observer", "clicks") or {}
    delivered = (clicks.get("emitted") or 0) - (clicks.get("injected_dropped") or 0)
    lost = clicks.get("lost_beyond_injected")
    mix = None if lost is None or delivered <= 0 else round(100 * lost / delivered, 2)
    # the mix is the server's own stream: a gap in its RTP timestamps is lost on the way out
    stream = _get(result, "paths", "mix_to_observer", "stream_loss_pct_worst")
    out["mix_to_observer"] = mix if mix is None or stream is None else max(mix, stream)
    rec = result.get("recording_summary") or {}
    expected, missing = rec.get("expected"), rec.get("missing")
    out["recording"] = (
        None if not expected or missing is None else round(100 * missing / expected, 2)
    )
    return out


def relay_target_ms(result: dict[str, Any]) -> float:
    return RELAY_P95_MS + float(_get(result, "profile", "jitter_ms") or 0.0)


def verdict(result: dict[str, Any]) -> tuple[bool, str]:
    """(meets every target, why not)."""
    if "error" in result:
        return False, "failed: " + str(result["error"])[:80]
    why = []
    for path, value in loss_beyond_injected(result).items():
        if value is None:
            why.append(f"{path}: nothing measured")
        elif value > 0:
            why.append(f"{path} loss {value} %")
    relay_limit = relay_target_ms(result)
    for path in RELAY_PATHS:
        p95 = _get(result, "paths", path, "server_added_ms", "p95")
        if p95 is not None and p95 > relay_limit:
            why.append(f"{path} p95 {p95} ms > {relay_limit:g}")
    p95 = _get(result, "paths", "mix_to_observer", "server_added_ms", "p95")
    if p95 is not None and p95 > MIX_P95_MS:
        why.append(f"mix p95 {p95} ms > {MIX_P95_MS:g}")
    return not why, "; ".join(why)


def generator_suspicion(result: dict[str, Any]) -> str:
    """Why the load generator may have disturbed this run ("" if nothing says so)."""
    gen = result.get("generator") or {}
    why = []
    limit = f"over_{GENERATOR_STALL_MS:g}ms"
    for key, label in (
        ("send_late", "sends late"),
        ("loop_lag", "loop stalls"),
        ("link_late", "link releases late"),
    ):
        figures = gen.get(key) or {}
        if figures.get(limit):
            why.append(
                f"{figures[limit]} {label} > {GENERATOR_STALL_MS:g} ms "
                f"(max {figures.get('max_ms')} ms)"
            )
    return "; ".join(why)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _ms(result: dict[str, Any], path: str, what: str = "server_added_ms") -> str:
    figures = _get(result, "paths", path, what) or {}
    return f"{_pct(figures.get('p50'))} / {_pct(figures.get('p95'))}"


def _load(result: dict[str, Any]) -> str:
    start = _get(result, "load_avg", "start") or []
    end = _get(result, "load_avg", "end") or []
    if not start or not end:
        return "–"
    return f"{start[0]:.2f} → {end[0]:.2f}"


def injected_cell(result: dict[str, Any]) -> str:
    dropped = sum(
        (_get(result, "paths", p, "frames", "injected_dropped") or 0) for p in RELAY_PATHS
    )
    delay = (
        _get(result, "paths", "candidate_to_client", "packet_injected_ms")
        or _get(result, "paths", "candidate_to_client", "injected_ms")
        or {}
    )
    return (
        f"{dropped} dropped · delay p95 {_pct(delay.get('p95'))} / max {_pct(delay.get('max'))} ms"
    )


def _spacing(result: dict[str, Any]) -> str:
    """The recording's worst channel: how far its clicks are from the 500 ms grid (0 when audio
    is placed by its RTP timestamps, the network's jitter when placed by arrival)."""
    value = _get(result, "recording_summary", "spacing_error_ms_p95_worst")
    return "–" if value is None else f"{value:g}"


def row(result: dict[str, Any]) -> str:
    """One run as a Markdown table row (see `HEADER`)."""
    head = (
        f"| {result.get('rooms')} | {result.get('impl')} | {_get(result, 'profile', 'name')} | "
        f"{result.get('run', 1)} | {_load(result)} |"
    )
    if "error" in result:
        return head + " – | – | – | – | – | – | – | – | ✗ " + verdict(result)[1] + " |"
    loss = loss_beyond_injected(result)
    ok, why = verdict(result)
    suspect = generator_suspicion(result)
    gen = result.get("generator") or {}
    drops = result.get("server_suspicious_counters") or {}
    drop_cell = ", ".join(f"{k} {v:g}" for k, v in drops.items()) or "–"
    return (
        head
        + f" {result.get('server_cpu_pct')} · {result.get('server_cpu_wait_pct', '–')} | "
        + " / ".join(_pct(loss[k]) for k in (*RELAY_PATHS, "mix_to_observer", "recording"))
        + f" | {injected_cell(result)} | {_ms(result, 'candidate_to_client')} | "
        + f"{_ms(result, 'mix_to_observer')} | {_spacing(result)} | {drop_cell} | "
        + f"{gen.get('cpu_pct', '–')} % · {suspect or 'no stall > 60 ms'} | "
        + ("✓" if ok else "✗ " + why)
        + " |"
    )


HEADER = [
    "| rooms | impl | profile | run | load avg (1 min) start → end "
    "| server CPU % · waiting for its core % "
    "| loss beyond injected % c→k / k→c / mix / rec | injected "
    "| server-added c→k ms p50 / p95 | server-added mix ms p50 / p95 "
    "| recording: click spacing error p95 ms "
    "| server counters (drop/late/…) | generator CPU · stalls | targets |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
]


def most_rooms(results: list[dict[str, Any]], impl: str, profile: str) -> int:
    """The largest room count N such that every run at N and below meets every target."""
    best = 0
    runs = [r for r in results if r.get("impl") == impl and _get(r, "profile", "name") == profile]
    for n in sorted({r["rooms"] for r in runs}):
        if not all(verdict(r)[0] for r in runs if r["rooms"] == n):
            break
        best = n
    return best

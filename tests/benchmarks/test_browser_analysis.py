"""Mouth-to-ear delay from the pages' click onsets: clicks matched by frequency even past
500 ms of delay, 10-second windows, and the first and last minutes compared."""

from __future__ import annotations

from typing import Any

from benchmarks.browser_analysis import Call, analyse, markdown, match
from benchmarks.media_signals import BROWSER_CLICK_HZ

START = 1_800_000_000_000.0  # epoch ms


def clicks(side: str, seconds: float, delay_ms: Any, kind: str) -> list[dict[str, Any]]:
    """The side's clicks (every 500 ms, frequencies in turn), at the mouth or at an ear
    `delay_ms(t)` later."""
    phase = {"candidate": 0.0, "client": 250.0}[side]
    out = []
    for i in range(int(seconds * 2)):
        t = START + phase + 500.0 * i
        hz = BROWSER_CLICK_HZ[side][i % 3]
        out.append({"kind": kind, "hz": hz + 3.0, "t": t + (delay_ms(t) if kind == "ear" else 0)})
    return out


def pages(seconds: float, delay_ms: Any, lost: set[int] = frozenset()) -> dict[str, list]:
    cand_ear = clicks("client", seconds, delay_ms, "ear")
    client_ear = [e for i, e in enumerate(clicks("candidate", seconds, delay_ms, "ear"))
                  if i not in lost]  # fmt: skip
    return {
        "candidate": clicks("candidate", seconds, delay_ms, "mouth") + cand_ear,
        "client": clicks("client", seconds, delay_ms, "mouth") + client_ear,
        "observer": clicks("candidate", seconds, lambda t: delay_ms(t) + 40, "ear")
        + clicks("client", seconds, lambda t: delay_ms(t) + 40, "ear"),
    }


def test_a_click_is_matched_to_its_own_mouth_onset_beyond_500_ms() -> None:
    mouth = [(1000.0, 0.0), (1400.0, 500.0), (1800.0, 1000.0), (1000.0, 1500.0)]
    ear = [(1000.0, 700.0), (1400.0, 1200.0), (1800.0, 1700.0), (1000.0, 2200.0)]
    assert match(mouth, ear) == [(0.0, 700.0), (500.0, 700.0), (1000.0, 700.0), (1500.0, 700.0)]
    assert match(mouth, [(1000.0, 3000.0)]) == []  # nothing within 1.4 s before it


def test_a_flat_call_meets_the_target_and_a_creeping_one_does_not() -> None:
    call = Call("call 1", START, START + 300_000, holds=[(START + 120_000, START + 140_000)])
    flat = analyse(pages(300, lambda t: 80.0), [call], [(START + 5_000, 0.4)])
    assert flat["creep_target_met"]
    windows = flat["windows"]
    assert len(windows) == 30 and [w["held"] for w in windows].count(True) == 2
    assert windows[0]["candidate_to_client"] == {"median": 80.0, "p95": 80.0, "n": 20}
    assert windows[0]["mix_to_observer"]["median"] == 120.0 and windows[0]["load_1min"] == 0.4
    c = flat["comparisons"]["client_to_candidate"]
    assert c["creep_ms"] == 0.0 and c["after_resume_10s"]["median"] == 80.0

    creeping = analyse(pages(300, lambda t: 80.0 + (t - START) / 1000), [call])  # +1 ms/s
    assert not creeping["creep_target_met"]
    c = creeping["comparisons"]["candidate_to_client"]
    assert c["creep_ms"] > 200 and not c["within_target"]
    assert "**not met**" in markdown(creeping, "SMOKE")


def test_later_calls_and_lost_clicks_are_reported() -> None:
    calls = [
        Call("call 1", START, START + 120_000),
        Call("call 2", START + 130_000, START + 150_000),
    ]
    result = analyse(pages(150, lambda t: 60.0, lost={3, 4}), calls)
    first = result["comparisons"]["candidate_to_client"]
    assert first["first_minute"]["n"] == 118  # 120 clicks, 2 never heard
    assert first["last_minute"]["n"] == 120 and first["compared_span_s"] == 60
    assert first["later_calls"]["call 2"] == {"median": 60.0, "p95": 60.0, "n": 40}


def test_a_call_shorter_than_two_minutes_compares_its_halves() -> None:
    call = Call("call 1", START, START + 40_000)
    result = analyse(pages(40, lambda t: 70.0 + (t - START) / 1000), [call])  # +1 ms/s
    c = result["comparisons"]["client_to_candidate"]
    assert c["compared_span_s"] == 20 and c["first_minute"]["n"] == c["last_minute"]["n"] == 40
    assert c["creep_ms"] == 20.0

"""The sweep keeps every run: each planned run happens once, a run the load generator
disturbed is shown (with its stall counters) and counted, never discarded or re-run; the
verdicts judge loss beyond what was injected and server-added delay against the targets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import bench_report, scale_sweep


def result(
    rooms: int,
    profile: str = "none",
    impl: str = "plateau",
    *,
    lost: int = 0,
    injected: int = 0,
    relay_p95: float = 12.0,
    mix_p95: float = 60.0,
    stalls: int = 0,
    rec_missing: int = 0,
) -> dict[str, Any]:
    jitter = {"none": 0.0, "lan": 5.0, "wifi": 30.0, "lossy": 0.0}[profile]
    relay = {
        "server_added_ms": {"p50": relay_p95 / 2, "p95": relay_p95},
        "injected_ms": {"p95": 2 * jitter},
        "frames": {
            "delivered": 1000 - injected,
            "injected_dropped": injected,
            "lost_beyond_injected": lost,
        },
    }
    return {
        "rooms": rooms,
        "impl": impl,
        "profile": {"name": profile, "jitter_ms": jitter},
        "server_cpu_pct": 2.5 * rooms,
        "server_cpu_wait_pct": 0.4,
        "load_avg": {"start": [0.12, 0.3, 0.2], "end": [0.9, 0.4, 0.2]},
        "paths": {
            "candidate_to_client": relay,
            "client_to_candidate": relay,
            "mix_to_observer": {
                "server_added_ms": {"p50": mix_p95 / 2, "p95": mix_p95},
                "clicks": {"emitted": 100, "injected_dropped": 0, "lost_beyond_injected": 0},
            },
        },
        "recording_summary": {"expected": 200, "missing": rec_missing},
        "server_suspicious_counters": {"outbound_dropped": 3} if lost else {},
        "generator": {
            "cpu_pct": 30.0,
            "send_late": {"over_60ms": stalls, "max_ms": 130.0 if stalls else 4.0},
            "loop_lag": {"over_60ms": 0, "max_ms": 3.0},
            "link_late": {"over_60ms": 0, "max_ms": 1.0},
        },
    }


def test_verdicts_count_loss_beyond_what_was_injected() -> None:
    assert bench_report.verdict(result(20, "lossy", injected=10)) == (True, "")
    ok, why = bench_report.verdict(result(20, "lossy", injected=10, lost=1))
    assert not ok and "candidate_to_client loss 0.1 %" in why
    ok, why = bench_report.verdict(result(20, rec_missing=2))
    assert not ok and "recording loss 1.0 %" in why


def test_the_relay_target_allows_the_profiles_jitter_and_the_mix_target_does_not() -> None:
    assert bench_report.verdict(result(20, "wifi", relay_p95=65.0))[0]  # ≤ 40 + 30
    ok, why = bench_report.verdict(result(20, "none", relay_p95=45.0))
    assert not ok and "candidate_to_client p95 45.0 ms > 40" in why
    ok, why = bench_report.verdict(result(20, "wifi", mix_p95=120.0))
    assert not ok and "mix p95 120.0 ms > 100" in why
    ok, why = bench_report.verdict({"rooms": 4, "impl": "stock", "error": "timed out"})
    assert not ok and "failed" in why


def test_a_disturbed_run_is_shown_with_the_generators_counters_and_still_counts() -> None:
    disturbed = result(8, stalls=12, lost=5)
    row = bench_report.row(disturbed)
    assert "12 sends late > 60 ms (max 130.0 ms)" in row
    assert "outbound_dropped 3" in row and "0.12 → 0.90" in row
    assert row.rstrip(" |").endswith(
        "candidate_to_client loss 0.5 %; client_to_candidate loss 0.5 %"
    )
    assert bench_report.most_rooms([result(4), disturbed], "plateau", "none") == 4


def test_every_planned_run_happens_once_none_retried_and_all_are_in_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, int, str, int]] = []

    def fake_run_one(impl: str, rooms: int, profile: str, run: int, args: Any, out: Path) -> dict:
        calls.append((impl, rooms, profile, run))
        # the generator stalls in runs 1 and 3, and one run at 2 rooms under wifi fails
        r = result(rooms, profile, impl, stalls=12 * (run % 2), lost=int(rooms == 2 and run == 3))
        r["run"] = run
        (out / scale_sweep.run_name(impl, rooms, profile, run)).write_text(json.dumps(r))
        return r

    monkeypatch.setattr(scale_sweep, "run_one", fake_run_one)
    (tmp_path / "scale.md").write_text("# every campaign, by hand\n")
    scale_sweep.main(
        [
            "--rooms",
            "1",
            "2",
            "--profiles",
            "none",
            "wifi",
            "--runs",
            "3",
            "--stock-rooms",
            "1",
            "--out",
            str(tmp_path),
            "--campaign",
            "c1",
        ]
    )
    expected = [
        (i, n, p, r)
        for n in (1, 2)
        for p in ("none", "wifi")
        for i in ("stock", "plateau")
        for r in (1, 2, 3)
        if i == "plateau" or (n == 1 and p == "none")
    ]
    assert sorted(calls) == sorted(expected) and len(calls) == len(set(calls)) == 15
    table = (tmp_path / "scale" / "c1" / "scale.md").read_text()
    # the campaigns' history beside it is kept by hand: a sweep never overwrites it
    assert (tmp_path / "scale.md").read_text() == "# every campaign, by hand\n"
    assert table.count("| plateau | ") == 12 + 2  # a row per run, a matrix line per count
    assert "| 2 | plateau | ✓ ✓ ✗ | ✓ ✓ ✗ |" in table  # the worst run is shown
    assert "plateau under none: **1**" in table and "stock under none: **1**" in table
    kept = json.loads((tmp_path / "scale" / "c1" / "scale.json").read_text())
    assert (
        len(kept) == 15 and sum(1 for r in kept if r["generator"]["send_late"]["over_60ms"]) == 10
    )
    assert "discard" not in table.lower().replace("nothing is discarded", "")


def test_the_run_order_keeps_the_runs_of_one_setting_consecutive() -> None:
    args = scale_sweep.parse(["--rooms", "4", "--profiles", "lan", "--impl", "plateau"])
    assert scale_sweep.plan(args) == [
        (4, "lan", "plateau", 1),
        (4, "lan", "plateau", 2),
        (4, "lan", "plateau", 3),
    ]


def test_a_gap_in_the_mix_stream_is_a_loss_even_when_every_click_was_heard() -> None:
    gappy = result(12)
    gappy["paths"]["mix_to_observer"]["stream_loss_pct_worst"] = 0.4
    ok, why = bench_report.verdict(gappy)
    assert not ok and why == "mix_to_observer loss 0.4 %"

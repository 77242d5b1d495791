"""The media benchmark runs end to end (1 room, a few seconds): the bots' processes, the
emulated network, every path measured, the recording checked, the server's counters and the
generator's own stalls reported; the stock-aiortc side of the comparison and the soak too.
They assert that the figures came out, not how good they are (the machine may be busy)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import bench_report
from server.core.config import PROJECT_ROOT

pytestmark = pytest.mark.slow


def run(script: str, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "benchmarks" / script), *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_run_measures_every_path_beyond_the_injected_network(tmp_path: Path) -> None:
    run(
        "media_bench.py",
        "--rooms",
        "2",
        "--rooms-per-process",
        "1",
        "--seconds",
        "3",
        "--profile",
        "wifi",
        "--out",
        str(tmp_path),
    )
    result = json.loads((tmp_path / "media_2rooms_wifi_plateau.json").read_text())
    assert result["rooms"] == 2 and result["generator"]["processes"] == 2
    assert result["profile"]["name"] == "wifi" and result["links_hooked"]
    for path in bench_report.PATHS:
        figures = result["paths"][path]
        assert figures["latency_ms"]["n"] > 0 and figures["server_added_ms"]["n"] > 0
        assert figures["injected_ms"]["p95"] > 0  # the link delayed the packets
        assert figures["latency_ms"]["p50"] > figures["server_added_ms"]["p50"]
    for path in bench_report.RELAY_PATHS:
        frames = result["paths"][path]["frames"]
        assert frames["method"] == "payload" and frames["sent"] >= 2 * 140
        assert frames["received"] + frames["lost_beyond_injected"] == frames["delivered"]
    assert all(v is not None for v in bench_report.loss_beyond_injected(result).values())
    for key in ("send_late", "loop_lag", "link_late"):
        assert result["generator"][key]["n"] > 0 and "over_60ms" in result["generator"][key]
    assert len(result["load_avg"]["start"]) == 3 and len(result["load_avg"]["end"]) == 3
    assert result["server_counters"] and "server_counters_in_window" in result
    assert result["recording_summary"]["expected"] > 0
    assert all(rec["clicks"]["candidate"]["expected"] > 0 for rec in result["recordings"])
    table = (tmp_path / "media_bench.md").read_text()
    assert "| 2 | plateau | wifi | 1 |" in table


def test_the_stock_aiortc_server_is_measured_the_same_way(tmp_path: Path) -> None:
    run(
        "media_bench.py",
        "--impl",
        "stock",
        "--rooms",
        "1",
        "--seconds",
        "8",  # stock re-encodes: on a loaded core 3 s gave no click through (n = 0) once
        "--pin",
        "--out",
        str(tmp_path),
        "--name",
        "stock.json",
    )
    result = json.loads((tmp_path / "stock.json").read_text())
    assert result["impl"] == "stock" and result["pinned"]
    for path in bench_report.PATHS:
        assert result["paths"][path]["latency_ms"]["n"] > 0
    # stock re-encodes the relay legs: measured by their decoded clicks and RTP timestamps
    assert result["paths"]["candidate_to_client"]["frames"]["method"] == "rtp_span"
    # aiortc's 80 ms receive buffer sits in every stock relay leg
    assert result["paths"]["candidate_to_client"]["latency_ms"]["p50"] > 60
    assert result["recordings"][0]["size_bytes"] > 0


def test_the_soak_samples_memory_and_draws_it(tmp_path: Path) -> None:
    run(
        "media_soak.py", "--rooms", "1", "--minutes", "0.08", "--every", "1", "--out", str(tmp_path)
    )
    with (tmp_path / "soak-memory.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 3 and all(float(r["rss_mb"]) > 10 for r in rows)
    drawing = (tmp_path / "soak-memory.svg").read_text()
    assert drawing.startswith("<svg") and "<polyline" in drawing and "RSS" in drawing
    result = json.loads((tmp_path / "soak.json").read_text())
    assert result["pinned"] and result["soak"]["rss_max_mb"] >= result["soak"]["rss_min_mb"]


def test_a_recording_missing_clicks_is_kept_next_to_the_result(tmp_path: Path) -> None:
    from benchmarks.media_bench import keep_incomplete_recordings

    rec_dir = tmp_path / "recordings"
    rec_dir.mkdir()
    for room in ("room-1", "room-10"):
        (rec_dir / f"{room}.ogg").write_bytes(b"OggS")
        (rec_dir / f"{room}.json").write_text("{}")
    complete = {"expected": 60, "found": 60, "missing": 0}
    result = {
        "recordings": [
            {"room": "room-1", "clicks": {"candidate": complete, "client": {"missing": 60}}},
            {"room": "room-10", "clicks": {"candidate": complete, "client": complete}},
        ]
    }
    target = tmp_path / "run1.json-missing"
    keep_incomplete_recordings(result, rec_dir, target)
    assert sorted(p.name for p in target.iterdir()) == ["room-1.json", "room-1.ogg"]
    assert result["recordings"][0]["kept_in"] == str(target)
    assert "kept_in" not in result["recordings"][1]

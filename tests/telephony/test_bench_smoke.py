"""The media benchmark still runs end to end (1 room, a few seconds) and reports numbers.
It asserts that numbers came out, not how fast they are."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from server.core.config import PROJECT_ROOT


def test_media_bench_runs_and_reports(tmp_path: Path) -> None:
    script = PROJECT_ROOT / "benchmarks" / "media_bench.py"
    done = subprocess.run(
        [sys.executable, str(script), "--rooms", "1", "--seconds", "3", "--out", str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads((tmp_path / "media_1rooms_uvloop.json").read_text())
    assert result["rooms"] == 1
    assert result["server_cpu_pct"] > 0 and result["server_rss_mb_peak"] > 0
    assert result["connect_ms"]["n"] == 3 and result["connect_ms"]["p50"] > 0
    for path in ("candidate_to_client", "client_to_candidate", "mix_to_observer"):
        latency = result["latency_ms"][path]
        assert latency["n"] > 0 and latency["p50"] > 0 and latency["p99"] >= latency["p50"]
    assert all(v is not None for v in result["frame_loss_pct"].values())
    (recording,) = result["recordings"]
    assert recording["duration_s"] > 3 and recording["size_bytes"] > 0
    table = (tmp_path / "media_bench.md").read_text()
    assert "| 1 |" in table

"""The real-browser latency benchmark runs end to end, shortened (a call with a hold, one
more call): every path's delays come out per window, with the machine's load. It asserts that
figures came out, not how good they are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.core.config import PROJECT_ROOT
from tests.e2e.conftest import FULL_CHROMIUM

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_the_browser_benchmark_measures_mouth_to_ear_on_every_path(tmp_path: Path) -> None:
    if not FULL_CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{FULL_CHROMIUM} absent")
        pytest.skip(f"{FULL_CHROMIUM} absent (apt-get install chromium)")
    done = subprocess.run(
        [
            sys.executable,
            str(PROJECT_ROOT / "benchmarks" / "browser_latency.py"),
            "--call-seconds",
            "8",
            "--hold-at",
            "3",
            "--hold-seconds",
            "2",
            "--next-calls",
            "1",
            "--next-call-seconds",
            "4",
            "--gap-seconds",
            "1",
            "--out",
            str(tmp_path),
            "--name",
            "smoke",
            "--label",
            "test",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads((tmp_path / "smoke.json").read_text())
    assert [c["name"] for c in result["meta"]["calls"]] == ["call 1", "call 2"]
    assert len(result["meta"]["calls"][0]["holds"]) == 1
    assert len(result["meta"]["load_avg"]["start"]) == 3
    for path, comparison in result["comparisons"].items():
        assert comparison["first_minute"]["n"] > 0, path
        assert comparison["later_calls"]["call 2"]["n"] > 0, path
    assert any(w["held"] for w in result["windows"])
    assert "| call 2 | 0 |" in (tmp_path / "smoke.md").read_text()

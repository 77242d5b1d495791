"""The CPU-by-process sampler (benchmarks/cpu_by_process.py) labels the processes the suite
runs and counts a busy child's CPU under its label."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks import cpu_by_process
from server.core.config import PROJECT_ROOT


def test_the_labels_of_the_suites_processes() -> None:
    chromium = "/usr/lib/chromium/chromium --type=renderer --lang=fr"
    assert cpu_by_process.label(chromium, "chromium") == "chromium-renderer"
    assert cpu_by_process.label("/usr/lib/chromium/chromium --headless", "chromium") == (
        "chromium-browser"
    )
    worker = "/x/.venv/bin/python -u -c import sys;exec(eval(sys.stdin.readline()))"
    assert cpu_by_process.label(worker, "python") == "pytest-worker"
    assert cpu_by_process.label("/x/python -m server.cli_media --port 1", "python") == "python"
    assert cpu_by_process.label("postgres: 15/main: postgres db", "postgres") == "postgres"


def test_a_busy_child_is_counted(tmp_path: Path) -> None:
    out = tmp_path / "cpu.json"
    busy = "import time\nend = time.process_time() + 3.0\nwhile time.process_time() < end: pass"
    subprocess.run(
        [
            sys.executable,
            str(PROJECT_ROOT / "benchmarks" / "cpu_by_process.py"),
            "--out",
            str(out),
            "--",
            sys.executable,
            "-c",
            busy,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    result = json.loads(out.read_text())
    assert result["returncode"] == 0
    assert result["by_process_s"]["python"] >= 1.0  # 3 s of CPU; at most the last second is lost
    assert result["machine_cpu_s"] >= result["by_process_s"]["python"] - 0.1

"""A media worker runs at a raised CPU priority (nice), as Asterisk (`-p`) and FreeSWITCH
(`-rp`) do: its audio is due every 20 ms, and another process waking on its core (the
benchmark caught one taking it for 43 ms) must wait for it rather than stall the rooms."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from server.telephony.workers import priority, worker
from server.telephony.workers.priority import raise_priority
from server.telephony.workers.settings import MediaSettings

ROOT = Path(__file__).resolve().parents[3]


def _may_raise_priority() -> bool:
    probe = "import os; os.setpriority(os.PRIO_PROCESS, 0, -1)"
    return subprocess.run([sys.executable, "-c", probe], check=False).returncode == 0


def test_the_process_and_the_threads_it_starts_then_run_at_the_raised_priority() -> None:
    if not _may_raise_priority():
        pytest.skip("this machine refuses a raised priority (no CAP_SYS_NICE)")
    script = (
        "import os, threading\n"
        "from server.telephony.workers.priority import raise_priority\n"
        "print(raise_priority(-3))\n"
        "seen = []\n"
        "t = threading.Thread(target=lambda: seen.append(os.getpriority(os.PRIO_PROCESS, 0)))\n"
        "t.start(); t.join()\n"
        "print(os.getpriority(os.PRIO_PROCESS, 0), seen[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["-3", "-3", "-3"]


def test_a_refused_priority_is_said_and_the_worker_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(*_: Any) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(priority.os, "setpriority", refuse)
    with caplog.at_level(logging.WARNING):
        assert raise_priority(-10) is None
    assert "CAP_SYS_NICE" in caplog.text


def test_nice_zero_leaves_the_priority_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(priority.os, "setpriority", lambda *a: calls.append(a))
    assert raise_priority(0) == os.getpriority(os.PRIO_PROCESS, 0)
    assert calls == []


def test_the_setting_defaults_to_a_raised_priority_and_refuses_nonsense() -> None:
    assert MediaSettings().nice < 0
    assert MediaSettings(nice=0).nice == 0
    with pytest.raises(ValueError):
        MediaSettings(nice=-21)
    with pytest.raises(ValueError):
        MediaSettings(nice=20)


def test_serving_a_worker_raises_its_priority_before_anything_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order: list[str] = []
    monkeypatch.setattr(worker, "raise_priority", lambda nice: order.append(f"nice {nice}"))
    monkeypatch.setattr(worker, "tune_gc", lambda: order.append("gc"))

    class Server:
        def __init__(self, config: Any) -> None:
            pass

        def run(self) -> None:
            order.append("serve")

    import uvicorn

    monkeypatch.setattr(uvicorn, "Server", Server)

    class Worker:
        class gc_pauses:  # noqa: N801
            @staticmethod
            def install() -> None:
                pass

        @staticmethod
        def app() -> None:
            return None

    worker.serve_worker(Worker(), "127.0.0.1", 0, nice=-7)  # type: ignore[arg-type]
    assert order == ["nice -7", "gc", "serve"]


def test_a_started_worker_reports_the_priority_it_runs_at(spawn_worker: Any) -> None:
    import httpx

    from server.telephony.workers.protocol import TOKEN_HEADER

    from .conftest import TOKEN

    started = spawn_worker("w-nice")
    health = httpx.get(f"{started.url}/health", headers={TOKEN_HEADER: TOKEN}).json()
    expected = MediaSettings().nice if _may_raise_priority() else os.getpriority(os.PRIO_PROCESS, 0)
    assert health["nice"] == expected
    assert os.getpriority(os.PRIO_PROCESS, started.process.pid) == expected

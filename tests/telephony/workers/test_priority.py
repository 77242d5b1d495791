"""A media worker runs at real-time CPU priority (SCHED_RR), as Asterisk (`-p`) and
FreeSWITCH (`-rp`) do: its audio is due every 20 ms, and another process waking on its core
(the benchmark caught one taking it for 43 ms, and still 28 ms at nice -10: the kernel weighs
nice only within a session's autogroup) must wait for it rather than stall the rooms. Refused,
it falls back to a raised nice; refused again, it says so and goes on."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from server.telephony.workers import priority, worker
from server.telephony.workers.priority import Priority, raise_priority
from server.telephony.workers.settings import MediaSettings

ROOT = Path(__file__).resolve().parents[3]


def _may(probe: str) -> bool:
    command = [sys.executable, "-c", f"import os; {probe}"]
    return subprocess.run(command, check=False, capture_output=True).returncode == 0


def _may_run_realtime() -> bool:
    return _may("os.sched_setscheduler(0, os.SCHED_RR, os.sched_param(1))")


def _may_raise_nice() -> bool:
    return _may("os.setpriority(os.PRIO_PROCESS, 0, -1)")


def _in_a_process(call: str) -> list[str]:
    """`call` (of `raise_priority`) in a fresh process, then what it and a thread it starts
    afterwards run at: the returned `Priority`, then (policy, rt priority, nice) twice."""
    script = (
        "import os, threading\n"
        "from server.telephony.workers.priority import raise_priority\n"
        f"print(repr({call}))\n"
        "def now():\n"
        "    return (os.sched_getscheduler(0), os.sched_getparam(0).sched_priority,\n"
        "            os.getpriority(os.PRIO_PROCESS, 0))\n"
        "seen = []\n"
        "t = threading.Thread(target=lambda: seen.append(now()))\n"
        "t.start(); t.join()\n"
        "print(now()); print(seen[0])\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()


def test_the_process_and_the_threads_it_starts_then_run_in_real_time() -> None:
    if not _may_run_realtime():
        pytest.skip("this machine refuses real-time scheduling (no CAP_SYS_NICE)")
    got, main, thread = _in_a_process("raise_priority(realtime=7, nice=-3)")
    assert got == repr(Priority(realtime=7, nice=0))
    assert main == thread == repr((os.SCHED_RR, 7, 0))


def test_without_real_time_the_nice_is_raised() -> None:
    if not _may_raise_nice():
        pytest.skip("this machine refuses a raised priority (no CAP_SYS_NICE)")
    got, main, thread = _in_a_process("raise_priority(realtime=0, nice=-3)")
    assert got == repr(Priority(realtime=0, nice=-3))
    assert main == thread == repr((os.SCHED_OTHER, 0, -3))


def _refuse(*_: Any) -> None:
    raise PermissionError(1, "Operation not permitted")


def test_real_time_refused_falls_back_to_nice(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(priority.os, "sched_setscheduler", _refuse)
    niced: list[int] = []
    monkeypatch.setattr(priority.os, "setpriority", lambda _w, _p, nice: niced.append(nice))
    monkeypatch.setattr(priority.os, "getpriority", lambda *_: niced[-1])
    with caplog.at_level(logging.WARNING):
        assert raise_priority(realtime=10, nice=-10) == Priority(realtime=0, nice=-10)
    assert niced == [-10]
    assert "SCHED_RR" in caplog.text and "CAP_SYS_NICE" in caplog.text


def test_both_refused_is_said_and_the_worker_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(priority.os, "sched_setscheduler", _refuse)
    monkeypatch.setattr(priority.os, "setpriority", _refuse)
    with caplog.at_level(logging.WARNING):
        got = raise_priority(realtime=10, nice=-10)
    assert got == Priority(realtime=0, nice=os.getpriority(os.PRIO_PROCESS, 0))
    assert "usual priority" in caplog.text


def test_a_system_without_real_time_or_nice_calls_is_a_refusal(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Not Linux (no `sched_setscheduler`), or a sandbox answering EINVAL: refused, goes on."""
    monkeypatch.delattr(priority.os, "sched_setscheduler")

    def invalid(*_: Any) -> None:
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(priority.os, "setpriority", invalid)
    with caplog.at_level(logging.WARNING):
        got = raise_priority(realtime=10, nice=-10)
    assert got.realtime == 0
    assert "refused" in caplog.text


def test_zero_and_zero_leave_the_priority_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(priority.os, "sched_setscheduler", _refuse)
    monkeypatch.setattr(priority.os, "setpriority", _refuse)
    expected = Priority(realtime=0, nice=os.getpriority(os.PRIO_PROCESS, 0))
    assert raise_priority(realtime=0, nice=0) == expected


def test_the_settings_default_to_real_time_and_refuse_nonsense() -> None:
    assert MediaSettings().realtime_priority > 0
    assert MediaSettings().nice < 0
    assert MediaSettings(nice=0, realtime_priority=0).nice == 0
    wrong: list[dict[str, int]] = [
        {"nice": -21},
        {"nice": 20},
        {"realtime_priority": -1},
        {"realtime_priority": 100},
    ]
    for values in wrong:
        with pytest.raises(ValueError):
            MediaSettings(**values)  # type: ignore[arg-type]


def test_serving_a_worker_raises_its_priority_before_anything_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    order: list[str] = []

    def raised(realtime: int, nice: int) -> None:
        order.append(f"rt {realtime} nice {nice}")

    monkeypatch.setattr(worker, "raise_priority", raised)
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

    worker.serve_worker(Worker(), "127.0.0.1", 0, realtime=5, nice=-7)  # type: ignore[arg-type]
    assert order == ["rt 5 nice -7", "gc", "serve"]


def test_a_started_worker_reports_the_priority_it_runs_at(spawn_worker: Any) -> None:
    import httpx

    from server.telephony.workers.protocol import TOKEN_HEADER

    from .conftest import TOKEN

    started = spawn_worker("w-priority")
    health = httpx.get(f"{started.url}/health", headers={TOKEN_HEADER: TOKEN}).json()
    pid = started.process.pid
    if _may_run_realtime():
        assert health["realtime"] == MediaSettings().realtime_priority
        assert os.sched_getscheduler(pid) == os.SCHED_RR
        assert os.sched_getparam(pid).sched_priority == MediaSettings().realtime_priority
    else:
        assert health["realtime"] == 0
    assert health["nice"] == os.getpriority(os.PRIO_PROCESS, pid)

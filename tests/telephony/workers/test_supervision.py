"""Media workers live and die with the `plateau serve` that started them: the real server in
production mode (SQLite, a Redis namespace of the test's own, two local workers) is stopped
with SIGTERM, SIGINT or killed with SIGKILL, and no worker process is left (checked by PID);
the next server on the same ports starts its own workers, never the old ones. One chain of four
servers (each start costs ~4 s of CPU: a server and two workers importing aiortc)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from server.core.migrations import upgrade
from tests.http_waits import wait_answering
from tests.ports import free_base_port, free_port

from .conftest import process_alive, start_time, wait_until

PLATEAU = Path(sys.executable).with_name("plateau")
READY_TIMEOUT_S = 120.0  # two workers import aiortc and self-test on a shared, busy machine

pytestmark = pytest.mark.slow


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    log: Path
    workers: dict[str, dict]  # worker id -> its registration

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def registered(redis_url: str, namespace: str) -> dict[str, dict]:
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{namespace}:worker:*"))
        values = client.mget(keys) if keys else []
        return {json.loads(v)["worker_id"]: json.loads(v) for v in values if v is not None}
    finally:
        client.close()


@contextmanager
def plateau_serve(
    tmp_path: Path, redis_url: str, namespace: str, base_port: int, name: str
) -> Iterator[Served]:
    """`plateau serve` with two local workers; yields once it answers HTTPS and both workers
    are registered. Killed at the end if the test did not stop it."""
    data = tmp_path / "data"
    url = f"sqlite+aiosqlite:///{data / 'plateau.db'}"
    upgrade(url)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLATEAU_")}
    env |= {
        "PYTHONUNBUFFERED": "1",
        "PLATEAU_DATA_DIR": str(data),
        "PLATEAU_DATABASE_URL": url,
        "PLATEAU_SECRET_KEY": _secret(data),
        "PLATEAU_MEDIA_REDIS_URL": redis_url,
        "PLATEAU_MEDIA_NAMESPACE": namespace,
        "PLATEAU_MEDIA_WORKERS": "2",
        "PLATEAU_MEDIA_WORKER_BASE_PORT": str(base_port),
    }
    log = tmp_path / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(PLATEAU), "serve", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    served = Served(process, log, {})

    def alive() -> None:
        assert process.poll() is None, served.output()

    def both_workers() -> bool:
        alive()
        served.workers = {
            wid: info
            for wid, info in registered(redis_url, namespace).items()
            if info["pid"] in children(process.pid)
        }
        return len(served.workers) == 2

    try:
        wait_answering(
            f"https://127.0.0.1:{port}/api/health",
            ready=lambda response: True,  # any answer: it serves HTTPS
            alive=alive,
            what=served.output,
            timeout_s=READY_TIMEOUT_S,
            verify=False,
        )
        wait_until(both_workers, "plateau serve's 2 workers registered", READY_TIMEOUT_S)
        yield served
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=60)


def _secret(data: Path) -> str:
    """The data directory's secret (made once: both servers of a test share it)."""
    path = data / "secret"
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text()


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            continue
    return found


def test_no_worker_outlives_the_server_whatever_stops_it(
    redis_url: str, namespace: str, tmp_path: Path
) -> None:
    """One server after the other on the same ports, stopped by SIGTERM, SIGINT, then killed
    by SIGKILL (in that order: the killed one's workers leave their registrations behind):
    each one's workers exit with it, and each next server runs workers of its own."""
    base = free_base_port(2)
    every_pid: dict[int, str] = {}
    try:
        for turn, how in enumerate([signal.SIGTERM, signal.SIGINT, signal.SIGKILL, None]):
            with plateau_serve(tmp_path, redis_url, namespace, base, f"server-{turn}") as served:
                pids = {info["pid"]: start_time(info["pid"]) for info in served.workers.values()}
                assert len(pids) == 2 and not set(pids) & set(every_pid)
                assert "2 worker(s) média locaux" in served.output()
                every_pid |= pids
                served.process.send_signal(how or signal.SIGTERM)
                served.process.wait(timeout=60)
                if how is None:
                    assert served.process.returncode == -signal.SIGTERM  # ends as SIGTERM asked
                    break
                try:
                    wait_until(
                        lambda p=pids: not any(process_alive(*worker) for worker in p.items()),
                        f"the workers {sorted(pids)} of the server stopped by {how.name} to exit",
                    )
                except AssertionError as exc:  # what they said (their stacks, past their grace)
                    raise AssertionError(f"{exc}\n{served.output()[-6000:]}") from None
                if how is not signal.SIGKILL:  # stopped cleanly: deregistered
                    assert registered(redis_url, namespace) == {}
    finally:  # a failed run leaves no worker behind for the next tests
        for pid, started in every_pid.items():
            if process_alive(pid, started):
                os.kill(pid, signal.SIGKILL)

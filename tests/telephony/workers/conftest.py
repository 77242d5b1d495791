"""Media workers for the tests: real worker processes on loopback (`python -m
server.cli_media`), a Redis namespace of their own, a shared recordings directory."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from server.core.config import PROJECT_ROOT
from server.telephony.workers.protocol import TOKEN_HEADER
from server.telephony.workers.registry import Registry
from tests.http_waits import wait_answering
from tests.ports import free_port

REDIS_URL = os.environ.get("PLATEAU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TOKEN = "test-media-token-" + "x" * 16
# Start-up waits in these tests: generous, for a loaded machine (issue 15) — a worker imports
# aiortc and PyAV before it answers. What they wait for is named where they wait.
START_WAIT_S = 240.0
TTL_S = 1.5
HEARTBEAT_S = 0.3


def _redis_up() -> bool:
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def redis_url() -> str:
    if not _redis_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture
def namespace() -> Iterator[str]:
    ns = f"plateau-test:{uuid.uuid4().hex[:10]}"
    yield ns
    client = redis.Redis.from_url(REDIS_URL)
    try:
        for key in client.scan_iter(match=f"{ns}:*"):
            client.delete(key)
    finally:
        client.close()


@pytest.fixture
async def registry(redis_url: str, namespace: str) -> AsyncIterator[Registry]:
    reg = Registry.from_url(redis_url, namespace, ttl_s=TTL_S)
    yield reg
    await reg.close()


def process_alive(pid: int, started: str | None = None) -> bool:
    """True while `pid` runs (a zombie waiting to be reaped counts as gone). With `started`
    (see `start_time`), a recycled pid is not mistaken for the process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):
        return False
    return started is None or fields[19] == started


def start_time(pid: int) -> str:
    """The process's start time (jiffies since boot), to tell it from a later one."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]


def wait_until(check: Callable[[], object], what: str, timeout: float = START_WAIT_S) -> None:
    """Poll `check` until it is true; `what` says what was awaited if it never came."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout:.0f} s for: {what}")
        time.sleep(0.05)


@dataclass
class WorkerProcess:
    worker_id: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)


SpawnWorker = Callable[..., WorkerProcess]


@pytest.fixture
def spawn_worker(redis_url: str, namespace: str, tmp_path: Path) -> Iterator[SpawnWorker]:
    """`spawn_worker(worker_id, capacity=4)`: a worker process, registered and answering.
    `redis_url`: another Redis than the shared one; `log`: a file for its stderr."""
    spawned: list[WorkerProcess] = []
    base_env = {
        **os.environ,
        "PLATEAU_MEDIA_TOKEN": TOKEN,
        "PLATEAU_MEDIA_NAMESPACE": namespace,
        "PLATEAU_MEDIA_TTL_S": str(TTL_S),
        "PLATEAU_MEDIA_HEARTBEAT_S": str(HEARTBEAT_S),
        "PLATEAU_DATA_DIR": str(tmp_path / "data"),
    }

    def spawn(
        worker_id: str, capacity: int = 4, redis: str | None = None, log: Path | None = None
    ) -> WorkerProcess:
        port = free_port()
        cmd = [sys.executable, "-m", "server.cli_media", "--port", str(port)]
        cmd += ["--capacity", str(capacity), "--worker-id", worker_id]
        cmd += ["--recordings-dir", str(tmp_path / "recordings")]
        env = {**base_env, "PLATEAU_MEDIA_REDIS_URL": redis or redis_url}
        with contextlib.ExitStack() as files:
            stderr = files.enter_context(log.open("wb")) if log is not None else None
            process = subprocess.Popen(cmd, env=env, cwd=PROJECT_ROOT, stderr=stderr)
        worker = WorkerProcess(worker_id, port, process)
        spawned.append(worker)

        def alive() -> None:
            assert worker.process.poll() is None, "the media worker exited"

        wait_answering(  # it imports aiortc and tests itself: long on a busy machine
            f"{worker.url}/health",
            ready=lambda response: response.is_success,
            alive=alive,
            what=lambda: "the media worker's health route",
            timeout_s=START_WAIT_S,
            headers={TOKEN_HEADER: TOKEN},
        )
        return worker

    yield spawn
    for worker in spawned:
        if worker.process.poll() is None:
            worker.process.send_signal(signal.SIGTERM)
            try:
                worker.process.wait(10)
            except subprocess.TimeoutExpired:
                worker.kill()


@dataclass
class PrivateRedis:
    """A Redis server of the test's own (never the machine's shared one), to stop and start."""

    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        cmd = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        cmd += ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        wait_until(self._answers, f"the private redis-server on port {self.port} to answer", 30)

    def _answers(self) -> bool:
        assert self.process is not None and self.process.poll() is None, "redis-server exited"
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(free_port())
    server.start()
    yield server
    server.kill()

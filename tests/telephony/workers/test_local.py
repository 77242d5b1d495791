"""`plateau serve` in workers mode starts local workers (one per core by default) and stops
them; the factory hands the app the port its settings choose."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.telephony.workers.admission import AdmittingMedia
from server.telephony.workers.factory import build_media_port
from server.telephony.workers.local import LocalWorkers
from server.telephony.workers.registry import Registry, WorkerInfo
from server.telephony.workers.remote import RemoteMediaPort
from server.telephony.workers.settings import MediaSettings
from tests.http_waits import clients_made
from tests.ports import free_base_port, free_port

from .conftest import START_WAIT_S, TOKEN, SpawnWorker, process_alive


async def test_local_workers_register_and_stop(redis_url: str, namespace: str, tmp_path: Path):
    media = MediaSettings(
        redis_url=redis_url, namespace=namespace, worker_base_port=free_base_port(1), workers=1
    )
    assert media.local_worker_count() == 1
    assert MediaSettings().local_worker_count() >= 1
    workers = LocalWorkers(media, "t" * 32, tmp_path / "recordings", capacity=3)
    workers.start()
    registry = Registry.from_url(redis_url, namespace)
    try:
        workers.wait_registered(timeout=START_WAIT_S)
        (info,) = (await registry.live()).values()
        assert info.capacity == 3 and info.url.endswith(str(workers.ports()[0]))
    finally:
        workers.stop()
        await registry.close()
    assert workers.processes == []


async def test_the_factory_follows_the_mode(redis_url: str, namespace: str, tmp_path: Path):
    settings = Settings(data_dir=tmp_path, secret_key="k" * 40)
    clock = FakeClock()
    inprocess = await build_media_port(settings, clock, media=MediaSettings(rooms_per_worker=5))
    assert isinstance(inprocess, AdmittingMedia) and inprocess.admission.capacity == 5
    await inprocess.close()
    media = MediaSettings(mode="workers", redis_url=redis_url, namespace=namespace)
    supervisor = LocalWorkers(media, "t" * 32, tmp_path / "recordings", count=1)  # not started
    reported: list[object] = []
    remote = await build_media_port(
        settings, clock, media=media, on_failover=reported.append, supervisor=supervisor
    )
    assert isinstance(remote, RemoteMediaPort)
    assert remote.on_failover == reported.append and remote.view.owner == supervisor.owner
    assert supervisor._listeners == [remote.worker_exited]  # its workers' exits are evidence
    await remote.close()
    assert media.api_token("k" * 40) == media.api_token("k" * 40) != media.api_token("j" * 40)


async def test_serve_wraps_local_workers_only_in_workers_mode(
    redis_url: str, namespace: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.cli_media import local_media_workers

    settings = Settings(data_dir=tmp_path, secret_key="k" * 40)
    with local_media_workers(settings) as supervisor:
        assert supervisor is None  # in-process mode: nothing to start
    monkeypatch.setenv("PLATEAU_MEDIA_MODE", "workers")
    monkeypatch.setenv("PLATEAU_MEDIA_REDIS_URL", redis_url)
    monkeypatch.setenv("PLATEAU_MEDIA_NAMESPACE", namespace)
    monkeypatch.setenv("PLATEAU_MEDIA_WORKER_BASE_PORT", str(free_base_port(1)))
    registry = Registry.from_url(redis_url, namespace)
    try:
        with local_media_workers(settings, count=1) as supervisor:
            assert supervisor is not None and supervisor.count == 1
            (info,) = (await registry.live()).values()
            assert info.owner == supervisor.owner  # the server's own worker
        assert await registry.live() == {}  # stopped and deregistered
    finally:
        await registry.close()


def test_serve_runs_the_media_in_workers_by_default_and_the_demo_in_process() -> None:
    assert Settings().default_media_mode == "inprocess"  # the demo, the tests
    assert MediaSettings().chosen_mode("workers") == "workers"  # what `plateau serve` passes
    assert MediaSettings().chosen_mode("inprocess") == "inprocess"
    assert MediaSettings(mode="inprocess").chosen_mode("workers") == "inprocess"
    assert MediaSettings(mode="workers").chosen_mode("inprocess") == "workers"


def test_workers_mode_without_redis_says_what_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.cli_media import MediaUnavailable, local_media_workers

    monkeypatch.delenv("PLATEAU_MEDIA_MODE", raising=False)
    monkeypatch.setenv("PLATEAU_MEDIA_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    settings = Settings(default_media_mode="workers", data_dir=tmp_path, secret_key="k" * 40)
    refused = pytest.raises(
        MediaUnavailable, match="Redis injoignable.*PLATEAU_MEDIA_MODE=inprocess"
    )
    with refused, local_media_workers(settings, count=1):
        pytest.fail("no worker may start without Redis")


def test_a_port_held_by_another_worker_is_not_taken_for_ours(
    spawn_worker: SpawnWorker, redis_url: str, namespace: str, tmp_path: Path
) -> None:
    """A worker left over on the port answers the health route with the right token: it is
    still not this server's worker (another pid, no owner), and the start says so."""
    stale = spawn_worker("stale")
    media = MediaSettings(
        redis_url=redis_url, namespace=namespace, worker_base_port=stale.port - 1, workers=1
    )
    workers = LocalWorkers(media, TOKEN, tmp_path / "recordings", capacity=1)
    workers.start()
    with pytest.raises(RuntimeError, match="port déjà occupé"):
        workers.wait_registered(timeout=START_WAIT_S)
    assert workers.processes == []
    assert stale.process.poll() is None  # not ours: left alone


async def test_a_dead_local_worker_is_reported_and_started_again(
    redis_url: str, namespace: str, tmp_path: Path
) -> None:
    media = MediaSettings(
        redis_url=redis_url,
        namespace=namespace,
        worker_base_port=free_base_port(1),
        workers=1,
        heartbeat_s=0.3,
    )
    workers = LocalWorkers(media, TOKEN, tmp_path / "recordings", capacity=2)
    exits: list[tuple[str, int]] = []
    workers.add_exit_listener(lambda worker_id, pid: exits.append((worker_id, pid)))
    registry = Registry.from_url(redis_url, namespace)
    try:
        workers.start()
        await asyncio.to_thread(workers.wait_registered)
        (before,) = (await registry.live()).values()
        (slot,) = workers.slots
        assert before.pid == slot.process.pid and before.owner == workers.owner  # type: ignore[union-attr]
        os.kill(before.pid, signal.SIGKILL)

        async def restarted() -> WorkerInfo:
            while True:
                info = (await registry.live()).get(slot.worker_id)
                if info is not None and info.instance != before.instance:
                    return info
                await asyncio.sleep(0.05)

        async with asyncio.timeout(60):  # a new process imports aiortc and self-tests
            after = await restarted()
        assert exits == [(slot.worker_id, before.pid)]
        assert after.pid != before.pid and after.owner == workers.owner
        assert slot.restarts == 1 and process_alive(after.pid)
    finally:
        workers.stop()
        await registry.close()
    assert workers.processes == [] and not process_alive(after.pid)


def test_the_start_polls_every_worker_through_one_http_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Waiting for the workers asks their health route every 0.1 s: through one client, not
    one per request (`httpx.get` builds a client and its TLS context each time, ~27 ms of CPU
    on this machine: a quarter of a core taken from the workers it waits for)."""
    import subprocess
    import sys

    made = clients_made(monkeypatch)
    media = MediaSettings(worker_base_port=free_base_port(1), workers=1)
    workers = LocalWorkers(media, TOKEN, tmp_path / "recordings", capacity=1)
    # a process that never answers on the slot's port: the wait polls until its deadline
    silent = workers.slots[0].process = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"]
    )
    with pytest.raises(RuntimeError, match="n'a pas démarré"):
        workers.wait_registered(timeout=1.0)
    assert silent.wait(30) is not None  # stopped with the failed start
    assert len(made) == 1

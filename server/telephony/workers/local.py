"""`plateau serve` in workers mode: the local media workers (one per core by default), as
child processes the server supervises.

- Each is started with the server's pid (it dies with the server, even killed by SIGKILL:
  see `supervision.py`) and the server's instance id, `owner`, which it puts in its
  registration: the server's `RemoteMediaPort` uses its own workers (and independent ones),
  never those of another server, such as survivors of a previous run.
- Ready means: its health route answers *with this process's pid and this owner* (not some
  other process that holds the port).
- A worker that exits while the server runs is reported at once to the exit listeners (the
  port moves its calls) and started again on the same port, with a growing pause if it keeps
  dying young.
- Workers run in their own session: a Ctrl-C in the terminal reaches the server, which stops
  them after the web process (recordings finished), not all at once."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from server.telephony.workers.settings import MediaSettings

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger(__name__)
START_TIMEOUT_S = 60.0
RESTART_PAUSE_S = 0.5  # first pause before starting a dead worker again
MAX_RESTART_PAUSE_S = 30.0
YOUNG_DEATH_S = 10.0  # a worker that dies younger than this doubles the next pause

ExitListener = Callable[[str, int], None]  # (worker id, pid), called from a monitor thread


@dataclass
class Slot:
    """One local worker's place: its port and id stay, its process changes on restart."""

    worker_id: str
    port: int
    core: int
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restarts: int = 0
    pause_s: float = RESTART_PAUSE_S
    thread: threading.Thread | None = field(default=None, repr=False)


class LocalWorkers:
    def __init__(
        self,
        media: MediaSettings,
        token: str,
        recordings_dir: Path,
        count: int | None = None,
        capacity: int | None = None,
        owner: str | None = None,
    ) -> None:
        self.media = media
        self.count = count or media.local_worker_count()
        self.owner = owner or uuid.uuid4().hex  # this server's instance
        self._token = token
        self._recordings = recordings_dir
        self._capacity = capacity or media.rooms_per_worker
        cores = sorted(os.sched_getaffinity(0))
        self.slots = [
            Slot(f"local-{port}-{self.owner[:8]}", port, cores[i % len(cores)])
            for i, port in enumerate(self.ports())
        ]
        self._listeners: list[ExitListener] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    @property
    def processes(self) -> list[subprocess.Popen[bytes]]:
        return [s.process for s in self.slots if s.process is not None]

    def ports(self) -> list[int]:
        return [self.media.worker_base_port + 1 + i for i in range(self.count)]

    def add_exit_listener(self, listener: ExitListener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove_exit_listener(self, listener: ExitListener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    # --- starting --------------------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        return {
            **os.environ,
            "PLATEAU_MEDIA_TOKEN": self._token,
            "PLATEAU_MEDIA_REDIS_URL": self.media.redis_url,
            "PLATEAU_MEDIA_NAMESPACE": self.media.namespace,
            "PLATEAU_MEDIA_TTL_S": str(self.media.ttl_s),
            "PLATEAU_MEDIA_HEARTBEAT_S": str(self.media.heartbeat_s),
        }

    def _spawn(self, slot: Slot) -> None:
        """Start the slot's process. A restart runs in the slot's monitor thread, which lives
        as long as the process (Linux ties the parent-death signal to the creating thread)."""
        cmd = [sys.executable, "-m", "server.cli_media", "--host", self.media.worker_host]
        cmd += ["--port", str(slot.port), "--capacity", str(self._capacity)]
        cmd += ["--worker-id", slot.worker_id, "--recordings-dir", str(self._recordings)]
        cmd += ["--parent-pid", str(os.getpid()), "--owner", self.owner]
        process = subprocess.Popen(cmd, env=self._env(), start_new_session=True)
        with contextlib.suppress(OSError):  # it died already: its monitor sees it
            os.sched_setaffinity(process.pid, {slot.core})  # one core each
        slot.process, slot.started_at = process, time.monotonic()

    def start(self) -> None:
        for slot in self.slots:
            self._spawn(slot)
        for slot in self.slots:
            name = f"media-supervisor-{slot.port}"
            slot.thread = threading.Thread(
                target=self._monitor, args=(slot,), name=name, daemon=True
            )
            slot.thread.start()

    def _monitor(self, slot: Slot) -> None:
        while not self._stopping.is_set():
            process = slot.process
            assert process is not None
            code = process.wait()
            if self._stopping.is_set():
                return
            lived = time.monotonic() - slot.started_at
            logger.error(
                "media worker %s (pid %d) exited with status %s after %.1f s: restarting it",
                slot.worker_id,
                process.pid,
                code,
                lived,
            )
            with self._lock:
                listeners = list(self._listeners)
            for listener in listeners:
                try:
                    listener(slot.worker_id, process.pid)
                except Exception:
                    logger.exception("media worker exit listener failed")
            young = lived < YOUNG_DEATH_S
            pause = slot.pause_s if young else 0.0  # a worker that lived long: at once
            slot.pause_s = min(slot.pause_s * 2, MAX_RESTART_PAUSE_S) if young else RESTART_PAUSE_S
            if self._stopping.wait(pause):
                return
            with self._lock:  # never start one after `stop()` began
                if self._stopping.is_set():
                    return
                slot.restarts += 1
                self._spawn(slot)

    def wait_registered(self, timeout: float = START_TIMEOUT_S) -> None:
        """Block until every worker answers its health route as this process with this
        owner (or raise): a port held by another process is not one of ours. One HTTP client
        asks them all: `httpx.get` would build a client and its TLS context at every poll
        (~27 ms of CPU, a quarter of a core taken from the workers starting meanwhile)."""
        import httpx

        from server.telephony.workers.protocol import TOKEN_HEADER

        deadline = time.monotonic() + timeout
        with httpx.Client(headers={TOKEN_HEADER: self._token}, timeout=2.0) as client:
            for slot in self.slots:
                url = f"http://{self.media.worker_host}:{slot.port}/health"
                while not self._answers(client, url, slot):
                    process = slot.process
                    exited = process is None or process.poll() is not None or slot.restarts > 0
                    if time.monotonic() > deadline or exited:
                        self.stop()
                        raise RuntimeError(
                            f"le worker média du port {slot.port} n'a pas démarré (port déjà "
                            "occupé par un autre processus ?)"
                        )
                    time.sleep(0.1)

    def _answers(self, client: httpx.Client, url: str, slot: Slot) -> bool:
        import httpx

        try:
            response = client.get(url)
        except httpx.HTTPError:
            return False
        if response.status_code != 200:
            return False
        health = response.json()
        process = slot.process
        return (
            process is not None
            and health.get("pid") == process.pid
            and health.get("owner") == self.owner
        )

    # --- stopping --------------------------------------------------------------------------

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM every worker (they finish their recordings and deregister), then SIGKILL
        the ones still there after `timeout`."""
        with self._lock:
            self._stopping.set()
        for slot in self.slots:
            if slot.process is not None and slot.process.poll() is None:
                slot.process.send_signal(signal.SIGTERM)
        for slot in self.slots:
            if slot.process is None:
                continue
            try:
                slot.process.wait(timeout)
            except subprocess.TimeoutExpired:
                slot.process.kill()
                slot.process.wait()
        for slot in self.slots:
            if slot.thread is not None and slot.thread is not threading.current_thread():
                slot.thread.join(timeout)
            slot.process = slot.thread = None

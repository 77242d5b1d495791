"""`plateau serve` in workers mode: start the local media workers (one per core by default)
as child processes, wait until they are registered, stop them with the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from server.telephony.workers.settings import MediaSettings

START_TIMEOUT_S = 20.0


class LocalWorkers:
    def __init__(
        self,
        media: MediaSettings,
        token: str,
        recordings_dir: Path,
        count: int | None = None,
        capacity: int | None = None,
    ) -> None:
        self.media = media
        self.count = count or media.local_worker_count()
        self._token = token
        self._recordings = recordings_dir
        self._capacity = capacity or media.rooms_per_worker
        self.processes: list[subprocess.Popen[bytes]] = []

    def ports(self) -> list[int]:
        return [self.media.worker_base_port + 1 + i for i in range(self.count)]

    def start(self) -> None:
        env = {
            **os.environ,
            "PLATEAU_MEDIA_TOKEN": self._token,
            "PLATEAU_MEDIA_REDIS_URL": self.media.redis_url,
            "PLATEAU_MEDIA_NAMESPACE": self.media.namespace,
            "PLATEAU_MEDIA_TTL_S": str(self.media.ttl_s),
            "PLATEAU_MEDIA_HEARTBEAT_S": str(self.media.heartbeat_s),
        }
        cores = sorted(os.sched_getaffinity(0))
        for i, port in enumerate(self.ports()):
            cmd = [sys.executable, "-m", "server.cli_media", "--host", self.media.worker_host]
            cmd += ["--port", str(port), "--capacity", str(self._capacity)]
            cmd += ["--worker-id", f"local-{port}", "--recordings-dir", str(self._recordings)]
            process = subprocess.Popen(cmd, env=env)
            os.sched_setaffinity(process.pid, {cores[i % len(cores)]})  # one core each
            self.processes.append(process)

    def wait_registered(self, timeout: float = START_TIMEOUT_S) -> None:
        """Block until every worker answers its health route (or raise)."""
        import httpx

        from server.telephony.workers.protocol import TOKEN_HEADER

        deadline = time.monotonic() + timeout
        for port in self.ports():
            url = f"http://{self.media.worker_host}:{port}/health"
            while True:
                try:
                    if httpx.get(url, headers={TOKEN_HEADER: self._token}).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                    self.stop()
                    raise RuntimeError(f"media worker on port {port} did not start")
                time.sleep(0.1)

    def stop(self, timeout: float = 10.0) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()

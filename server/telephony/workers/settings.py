"""Media-plane settings (`PLATEAU_MEDIA_*`), validated once at start-up."""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MediaMode = Literal["inprocess", "workers"]
DEFAULT_ROOMS_PER_WORKER = 20  # measured: benchmarks/results/scale.md (one core per worker,
# in real time: 20 rooms take 58-73 % of the core and met every target in 9 of 9 runs, 24 rooms
# in 9 of 9 too; the relay and the recordings lost nothing in any run)


class MediaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLATEAU_MEDIA_", env_file=None, extra="ignore")

    mode: MediaMode | None = None  # None: the app's `default_media_mode`
    rooms_per_worker: int = DEFAULT_ROOMS_PER_WORKER  # rooms with an active call
    # the workers' CPU priority (`priority.py`): real-time SCHED_RR at this priority (1-99;
    # 0: not asked), else (refused, or 0) this nice (-20..19; 0: as started)
    realtime_priority: int = Field(default=10, ge=0, le=99)
    nice: int = Field(default=-10, ge=-20, le=19)
    workers: int = 0  # local workers `plateau serve` spawns in workers mode; 0: one per core
    worker_host: str = "127.0.0.1"
    worker_base_port: int = 8700
    redis_url: str = "redis://127.0.0.1:6379/0"
    namespace: str = "plateau:media"
    token: str = ""  # worker API secret; empty: derived from PLATEAU_SECRET_KEY
    heartbeat_s: float = 1.0
    ttl_s: float = 3.0  # a registration not renewed this long lapses: the worker is then asked
    watch_s: float = 0.5  # how often the web process reads the registry
    probe_s: float = 0.25  # how often it asks the workers carrying rooms whether they live
    dead_after_s: float = 5.0  # a worker whose health check fails this long is dead
    resubscribe_s: float = 0.5  # the web process subscribes again this often while Redis is away

    def chosen_mode(self, default: MediaMode) -> MediaMode:
        """`PLATEAU_MEDIA_MODE` when set, else the app's `default_media_mode` (`plateau serve`
        runs the media in worker processes, the demo and the tests in the web process)."""
        return self.mode if self.mode is not None else default

    def local_worker_count(self) -> int:
        return self.workers or len(os.sched_getaffinity(0))

    def api_token(self, secret_key: str) -> str:
        """The shared secret between the web process and its workers."""
        if self.token:
            return self.token
        if not secret_key:
            raise ValueError("PLATEAU_MEDIA_TOKEN or PLATEAU_SECRET_KEY is needed for workers")
        return hmac.new(secret_key.encode(), b"plateau-media-worker", hashlib.sha256).hexdigest()

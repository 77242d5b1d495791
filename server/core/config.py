"""Settings, validated once at start-up (pydantic-settings, PLATEAU_ prefix)."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from server.core.addresses import Network, parse_networks

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIN_SECRET_LENGTH = 32
WEAK_SECRETS = {"changeme", "secret", "password", "plateau", "demo"}


class ConfigError(ValueError):
    """A setting that makes the server unsafe or unable to start."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLATEAU_", env_file=None, extra="ignore")

    # What differs between `plateau serve`, the demo and the tests is said by explicit settings
    # like these, which the composition (the CLI, the tests' fixtures) passes: no code asks
    # which mode it runs in.
    # The timers that run by themselves: the exam clock's scheduler and heartbeat, the ring
    # time-outs, the revocation watch, the replicas' ring sweep. The tests turn them off and
    # drive a fake clock (`advance_all`, `expire_ringing`, `check_revocations`, …) instead.
    background_tasks: bool = True
    # With PostgreSQL, replicas elect the clock's leader by an advisory lock; off, this process
    # always leads (the tests' in-process apps, which share one database).
    leader_election: bool = True
    # Where the media plane runs unless PLATEAU_MEDIA_MODE says: in local worker processes, one
    # per core (`plateau serve` passes "workers"), or in the web process (the demo, the tests).
    default_media_mode: Literal["inprocess", "workers"] = "inprocess"
    # Real-time intervals (seconds) of the loops that retry or beat: transport, not exam time
    # (a deadline, a ring time-out, the exam clock sleep on the injected clock: `Clock.sleep`).
    heartbeat_s: float = Field(default=1.0, gt=0, lt=5)  # the beat measuring an outage (< its 5 s)
    revocation_watch_s: float = Field(default=1.0, gt=0)  # a revoked session's sockets close
    db_retry_s: float = Field(default=1.0, gt=0)  # a call command the database refused
    redis_retry_s: float = Field(default=0.2, gt=0)  # the shared bus reconnects to Redis
    presence_heartbeat_s: float = Field(default=1.0, gt=0, lt=5)  # a replica lives (5 s TTL)
    leader_retry_s: float = Field(default=1.0, gt=0)  # a follower tries to take the clock's lead
    ws_heartbeat_s: float = Field(default=10.0, gt=0)  # an idle page's socket hears the server
    # Exam time a call rings before it is missed (the contact centre's no-answer time-out):
    # long enough to pick up, short enough not to hold the line.
    ring_timeout_s: float = Field(default=45.0, ge=5, le=600)
    data_dir: Path = Field(default_factory=lambda: Path.cwd() / "plateau-data")
    database_url: str = ""
    # The database pool (ignored by SQLite's single writer as far as writes go): connections
    # kept open, extra ones opened under load, and how long a request waits for one before it
    # fails. Each request holds one connection at a time, for one short transaction.
    db_pool_size: int = Field(default=20, ge=1, le=500)
    db_max_overflow: int = Field(default=30, ge=0, le=500)
    db_pool_timeout: float = Field(default=30.0, gt=0)
    recordings_dir: Path | None = None
    # A second directory (another disk) the recorder moves a recording to when the first one
    # refuses to write (full, read-only, failing); unset: the recording waits for space.
    recordings_fallback_dir: Path | None = None
    scenarios_dir: Path = PROJECT_ROOT / "scenarios"
    web_dir: Path = PROJECT_ROOT / "softphone_web"
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = ""
    tls_cert: Path | None = None
    tls_key: Path | None = None
    session_hours: int = 14
    login_attempts_per_minute: int = 10
    ice_servers: list[str] = Field(default_factory=list)
    # Comma-separated addresses or networks (CIDR) of the reverse proxies whose
    # X-Forwarded-For / X-Forwarded-Proto are believed; nobody else's are.
    trusted_proxies: str = ""
    # Comma-separated names or addresses the local authority's certificate must also name
    # (e.g. examen.centre.fr), besides every address of this machine.
    public_names: str = ""
    # Web replicas (issue 21): the Redis they share for events, presence and sign-in limits,
    # e.g. redis://redis:6379/1; empty: one web process, all of it in memory.
    redis_url: str = ""
    redis_prefix: str = "plateau"  # every key and channel of this platform starts with it

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_parse(cls, value: str) -> str:
        parse_networks(_split(value))
        return value

    @property
    def trusted_networks(self) -> list[Network]:
        return parse_networks(_split(self.trusted_proxies))

    @property
    def public_name_list(self) -> list[str]:
        return _split(self.public_names)

    # The centre's time zone: documents and CLI print local times (IANA name).
    timezone: str = "Europe/Paris"
    # The address the workstations use (printed on the access-code sheet), e.g.
    # https://plateau.centre.lan:8443; unset: the server's own address (its LAN address when
    # it listens on every interface).
    public_url: str = ""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"fuseau horaire inconnu : {value!r} (exemple : Europe/Paris)"
            ) from None
        return value

    @field_validator("public_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError(
                f"adresse publique invalide : {value!r} (exemple : https://plateau.centre.lan)"
            )
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @model_validator(mode="after")
    def _defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'plateau.db'}"
        if self.recordings_dir is None:
            self.recordings_dir = self.data_dir / "recordings"
        return self

    @property
    def recordings_path(self) -> Path:
        assert self.recordings_dir is not None
        return self.recordings_dir

    def require_strong_secret(self) -> None:
        """What `plateau serve` asks first: a missing or weak secret refuses to start."""
        key = self.secret_key
        if not key:
            raise ConfigError(
                "PLATEAU_SECRET_KEY est absent : générez-en un avec "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        if len(key) < MIN_SECRET_LENGTH or key.lower() in WEAK_SECRETS or len(set(key)) < 8:
            raise ConfigError(
                f"PLATEAU_SECRET_KEY est trop faible : au moins {MIN_SECRET_LENGTH} caractères "
                "aléatoires sont exigés."
            )


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def demo_secret(data_dir: Path) -> str:
    """Demo mode generates a secret once and keeps it in the data directory."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = data_dir / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(48))
    path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()

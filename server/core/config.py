"""Settings, validated once at start-up (pydantic-settings, PLATEAU_ prefix)."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIN_SECRET_LENGTH = 32
WEAK_SECRETS = {"changeme", "secret", "password", "plateau", "demo"}


class ConfigError(ValueError):
    """A setting that makes the server unsafe or unable to start."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLATEAU_", env_file=None, extra="ignore")

    mode: Literal["demo", "production", "test"] = "production"
    data_dir: Path = Field(default_factory=lambda: Path.cwd() / "plateau-data")
    database_url: str = ""
    recordings_dir: Path | None = None
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
        """Outside demo and test mode a missing or weak secret refuses to start."""
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


def demo_secret(data_dir: Path) -> str:
    """Demo mode generates a secret once and keeps it in the data directory."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()

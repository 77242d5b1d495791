from __future__ import annotations

import pytest

from server.core.config import ConfigError, Settings, demo_secret


@pytest.mark.parametrize("secret", ["", "changeme", "short-secret", "a" * 40])
def test_weak_or_missing_secret_is_refused(secret: str) -> None:
    with pytest.raises(ConfigError):
        Settings(secret_key=secret).require_strong_secret()


def test_strong_secret_is_accepted() -> None:
    Settings(secret_key="Zr8-kq2LmN0pX7vB4cT1yH6uJ9wE3sD5fG").require_strong_secret()


def test_demo_secret_is_generated_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = demo_secret(tmp_path)
    assert len(first) >= 48 and demo_secret(tmp_path) == first


def test_env_prefix_and_defaults(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PLATEAU_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PLATEAU_PORT", "8443")
    s = Settings()
    assert s.port == 8443
    assert s.database_url == f"sqlite+aiosqlite:///{tmp_path / 'plateau.db'}"
    assert s.recordings_path == tmp_path / "recordings"


def test_the_ring_time_out_is_the_centres_setting(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert Settings().ring_timeout_s == 45  # unless said: 45 s before a call is missed
    monkeypatch.setenv("PLATEAU_RING_TIMEOUT_S", "30")
    assert Settings().ring_timeout_s == 30
    for unusable in ("0", "4", "601"):  # no time to pick up, or a line blocked for ten minutes
        monkeypatch.setenv("PLATEAU_RING_TIMEOUT_S", unusable)
        with pytest.raises(ValueError):
            Settings()

"""compose.yaml and the proxy's configuration agree with the code (issue 21): no Docker engine
runs here, so what can be checked is checked — every PLATEAU_ setting it sets exists, every
command it runs is one the CLI has, the proxy sends to the web replicas compose defines, and
the replicas share their database and Redis."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from server.cli import app
from server.core.config import PROJECT_ROOT, Settings
from server.telephony.workers.settings import MediaSettings
from tests.haproxy_config import HAPROXY, local_config

COMPOSE = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text(encoding="utf-8"))
PROXY = PROJECT_ROOT / "deploy" / "haproxy"


def _known(name: str) -> bool:
    if name.startswith("PLATEAU_MEDIA_"):
        return name.removeprefix("PLATEAU_MEDIA_").lower() in MediaSettings.model_fields
    return name.removeprefix("PLATEAU_").lower() in Settings.model_fields


def test_every_setting_and_command_of_compose_exists() -> None:
    runner = CliRunner()
    for name, service in COMPOSE["services"].items():
        for key in service.get("environment", {}):
            if key.startswith("PLATEAU_"):
                assert _known(key), (name, key)
        command = service.get("command")
        if command and command[0] == "plateau":
            words = [w for w in command[1:] if not w.startswith("-")][:2]
            sub = words[:1] if command[1] in ("serve", "media-worker") else words
            helped = runner.invoke(app, [*sub, "--help"])
            assert helped.exit_code == 0, (name, helped.output)
            for option in (w for w in command if w.startswith("--")):
                assert option in helped.output, (name, option)


def test_two_web_replicas_share_one_database_and_one_redis_behind_the_proxy() -> None:
    services = COMPOSE["services"]
    webs = {n: s for n, s in services.items() if s.get("command", [None, None])[1:2] == ["serve"]}
    assert len(webs) >= 2
    shared = {"PLATEAU_DATABASE_URL", "PLATEAU_REDIS_URL", "PLATEAU_SECRET_KEY"}
    for key in shared:
        assert len({s["environment"][key] for s in webs.values()}) == 1, key
    config = (PROXY / "haproxy.cfg").read_text(encoding="utf-8")
    backends = set(re.findall(r"^\s*server\s+\S+\s+([\w-]+):\d+", config, re.M))
    assert backends == set(webs)
    assert "timeout tunnel" in config  # WebSockets outlive the HTTP timeouts
    assert services["proxy"]["build"] == "deploy/haproxy"
    dockerfile = (PROXY / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM debian:" in dockerfile and "apt-get install" in dockerfile
    assert "haproxy" in dockerfile


def test_the_media_workers_may_raise_their_priority() -> None:
    """A media worker raises its CPU priority (`priority.py`); Docker refuses that unless the
    container has CAP_SYS_NICE."""
    services = COMPOSE["services"]
    media = [
        s for s in services.values() if s.get("command", [None, None])[1:2] == ["media-worker"]
    ]
    assert media
    for service in media:
        assert "SYS_NICE" in service.get("cap_add", []), service


def test_haproxy_accepts_the_configuration(tmp_path: Path) -> None:
    if HAPROXY is None:
        pytest.skip("HAProxy absent (apt-get install haproxy) : configuration non vérifiée")
    config = local_config(tmp_path, 8443, {"web1": 18443, "web2": 18444})
    checked = subprocess.run(
        [HAPROXY, "-c", "-f", str(config)], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr

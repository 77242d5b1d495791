"""compose.yaml and the proxy's configuration agree with the code (issue 21): no Docker engine
runs here, so what can be checked is checked — every PLATEAU_ setting it sets exists, every
command it runs is one the CLI has, the proxy sends to the web replicas compose defines, and
the replicas share their database and Redis."""

from __future__ import annotations

import re

import yaml
from typer.testing import CliRunner

from server.cli import app
from server.core.config import PROJECT_ROOT, Settings
from server.telephony.workers.settings import MediaSettings

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

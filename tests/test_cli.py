"""The `plateau` command: validation, refusals of `serve`, audit verification, scripting a
day, help in French."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from server.cli import app
from server.core.config import PROJECT_ROOT
from tests.conftest import TEST_SECRET

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("PLATEAU_DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    monkeypatch.setenv("PLATEAU_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PLATEAU_SECRET_KEY", TEST_SECRET)
    return db


def test_help_is_in_french() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "Affiche cette aide" in result.output and "Commandes" in result.output
    for sub in (
        ["demo"],
        ["serve"],
        ["db", "upgrade"],
        ["scenarios", "validate"],
        ["audit", "verify"],
        ["session", "create"],
    ):
        out = runner.invoke(app, [*sub, "--help"]).output
        assert "Affiche cette aide" in out and "Show this message" not in out, sub


def test_scenarios_validate_accepts_the_shipped_data() -> None:
    result = runner.invoke(
        app, ["scenarios", "validate", str(PROJECT_ROOT / "scenarios" / "packs")]
    )
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    result = runner.invoke(
        app, ["scenarios", "validate", str(PROJECT_ROOT / "scenarios" / "titles")]
    )
    assert result.exit_code == 0 and "titre CRCD" in result.output


def test_scenarios_validate_takes_the_whole_folder_or_a_pack_from_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = runner.invoke(app, ["scenarios", "validate", str(PROJECT_ROOT / "scenarios")])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "OK : titre CRCD, titre NTC, pack plateforme-horizon, pack relais-contact-atlantique"
    )
    monkeypatch.chdir(PROJECT_ROOT / "scenarios" / "packs" / "plateforme-horizon")
    result = runner.invoke(app, ["scenarios", "validate", "."])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "OK : pack plateforme-horizon"


def test_scenarios_validate_finds_packs_at_any_depth_and_speaks_french(tmp_path: Path) -> None:
    from tests.scenarios.packs_helpers import BROKEN, broken_copy

    nested = tmp_path / "centre" / "sujets-2027"
    nested.mkdir(parents=True)
    root, _ = broken_copy(BROKEN / "schema_errors.yaml", nested)
    result = runner.invoke(app, ["scenarios", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{root / 'pack.yaml'}: author: obligatoire" in result.output
    assert f"{root / 'pack.yaml'}: confidential: oui ou non attendu" in result.output
    assert "Field required" not in result.output and "Input should" not in result.output


def test_scenarios_validate_names_the_file_and_field(tmp_path: Path) -> None:
    data = yaml.safe_load((PROJECT_ROOT / "scenarios/titles/crcd.yaml").read_text(encoding="utf-8"))
    data["formats"][0]["phases"][0]["minutes"] = "soixante"
    bad = tmp_path / "crcd.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["scenarios", "validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: formats[0].phases[0].minutes" in result.output


def test_serve_refuses_a_weak_secret_and_an_unmigrated_database(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLATEAU_SECRET_KEY", "changeme")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1 and "trop faible" in result.output
    monkeypatch.setenv("PLATEAU_SECRET_KEY", TEST_SECRET)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1 and "plateau db upgrade" in result.output


def test_serve_in_a_fresh_directory_says_which_command_creates_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLATEAU_DATABASE_URL", raising=False)
    monkeypatch.setenv("PLATEAU_DATA_DIR", str(tmp_path / "plateau-data"))
    monkeypatch.setenv("PLATEAU_SECRET_KEY", TEST_SECRET)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1, result.output
    assert "n'existe pas" in result.output and "plateau db upgrade" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "plateau-data" / "plateau.db").exists()


def test_serve_without_redis_names_it_and_the_in_process_mode(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    monkeypatch.delenv("PLATEAU_MEDIA_MODE", raising=False)
    monkeypatch.setenv("PLATEAU_MEDIA_REDIS_URL", "redis://127.0.0.1:1/0")
    result = runner.invoke(app, ["serve", "--port", "0"])
    assert result.exit_code == 1, result.output
    assert "Redis injoignable" in result.output and "PLATEAU_MEDIA_MODE=inprocess" in result.output


def test_a_day_scripted_then_the_audit_log_verified_and_tampered(env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(
        app, ["session", "create", "--centre", "GRETA", "--date", "2026-06-03", "--format", "ccp1"]
    )
    assert result.exit_code == 0, result.output
    session_id = result.output.strip()
    result = runner.invoke(
        app,
        [
            "session",
            "add-candidate",
            session_id,
            "--nom",
            "Roux",
            "--prenom",
            "Léa",
            "--parcours",
            "vae",
        ],
    )
    assert result.exit_code == 0, result.output
    candidate_id, code = result.output.strip().split("\t")
    juror_id = runner.invoke(
        app, ["session", "add-staff", session_id, "--nom", "J1"]
    ).output.split()[0]
    assert (
        runner.invoke(
            app, ["session", "assign", candidate_id, juror_id, "--comme", "client"]
        ).exit_code
        == 0
    )
    sheet = runner.invoke(app, ["session", "codes", session_id]).output
    assert code in sheet and "Léa ROUX" in sheet
    assert "GRETA" in runner.invoke(app, ["session", "list"]).output

    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "intègre" in ok.output
    with sqlite3.connect(env) as conn:
        conn.execute("UPDATE audit_log SET actor = 'quelqu''un' WHERE id = 2")
    bad = runner.invoke(app, ["audit", "verify"])
    assert bad.exit_code == 1 and "ALTÉRÉ" in bad.output and "ligne 2" in bad.output


def test_audit_verify_names_a_truncated_then_emptied_log(env: Path, tmp_path: Path) -> None:
    """Deleting the last rows (and tidying the head) or emptying the table passed the bare
    hash chain; the signed checkpoint names both, even when its file is deleted too, from a
    copy such as an appeal archive's manifest (`--point`)."""
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    for centre in ("A", "B", "C"):
        result = runner.invoke(
            app, ["session", "create", "--centre", centre, "--date", "2026-06-03"]
        )
        assert result.exit_code == 0, result.output
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "point de contrôle signé à la ligne 3" in ok.output, ok.output
    manifest = tmp_path / "manifeste.json"
    point = json.loads((tmp_path / "audit-checkpoint.json").read_text())
    manifest.write_text(json.dumps({"algorithm": "sha256", "audit_checkpoint": point}))
    with sqlite3.connect(env) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq = 3")
        conn.execute("UPDATE audit_head SET seq = 2")
    bad = runner.invoke(app, ["audit", "verify"])
    assert bad.exit_code == 1 and "journal tronqué : ligne(s) n° 3 manquante(s)" in bad.output
    with sqlite3.connect(env) as conn:
        conn.execute("DELETE FROM audit_log")
        conn.execute("DELETE FROM audit_head")
    (tmp_path / "audit-checkpoint.json").unlink()
    bad = runner.invoke(app, ["audit", "verify", "--point", str(manifest)])
    assert bad.exit_code == 1 and "journal vidé" in bad.output, bad.output


def test_unknown_session_is_a_clear_error(env: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    result = runner.invoke(app, ["session", "codes", "nope"])
    assert result.exit_code == 1 and "introuvable" in result.output


def test_a_demo_open_to_the_network_is_served_in_https(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`plateau demo --host 0.0.0.0` without --lan switches to HTTPS and says so in French;
    on 127.0.0.1 it stays in HTTP (a browser on the server itself)."""
    import server.cli as cli

    served: list[tuple[str, object]] = []
    monkeypatch.setattr(
        cli, "_serve", lambda settings, *, tls, banner="", **_: served.append((settings.host, tls))
    )
    monkeypatch.delenv("PLATEAU_SECRET_KEY", raising=False)
    monkeypatch.delenv("PLATEAU_DATABASE_URL", raising=False)
    umask = os.umask(0o022)  # the usual one: the demo must not rely on it
    try:
        result = runner.invoke(app, ["demo", "--host", "0.0.0.0", "--data-dir", str(tmp_path)])
        assert result.exit_code == 0, result.output
        _assert_owner_only(tmp_path)
    finally:
        os.umask(umask)
    assert "servie en HTTPS" in result.output and "en clair" in result.output
    host, tls = served[-1]
    assert host == "0.0.0.0" and tls is not None  # certificate and key of the local authority
    result = runner.invoke(app, ["demo", "--host", "127.0.0.1", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0 and "HTTPS" not in result.output
    assert served[-1] == ("127.0.0.1", None)


def _assert_owner_only(data_dir: Path) -> None:
    """The database, the secret, the recordings and the authority are the owner's only."""
    expected = {
        data_dir: 0o700,
        data_dir / "plateau.db": 0o600,
        data_dir / "secret_key": 0o600,
        data_dir / "demo_password": 0o600,
        data_dir / "recordings": 0o700,
        data_dir / "tls": 0o700,
        data_dir / "tls" / "ca-key.pem": 0o600,
        data_dir / "tls" / "server-key.pem": 0o600,
        data_dir / "audit-checkpoint.json": 0o600,
    }
    for path, mode in expected.items():
        assert stat.S_IMODE(path.stat().st_mode) == mode, (path.name, oct(path.stat().st_mode))
    # Whatever the process creates from now on (a recording, an archive) is private too.
    folder = data_dir / "recordings" / "session" / "candidat"
    folder.mkdir(parents=True)
    (folder / "appel.ogg").write_bytes(b"OggS")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "appel.ogg").stat().st_mode) == 0o600
    for path in data_dir.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path

"""The command line does what the organiser's pages do (packs, a pack chosen later, planned
starts, accommodations, starts, ending a phase early, closing, corrections, removals, issued
documents), and every refusal is a French sentence: never a Python traceback, never click's or
uvicorn's English, never a server listening elsewhere than it says."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from server.cli import app
from tests.test_cli import env  # noqa: F401  (the fixture: a SQLite database, a secret)

runner = CliRunner()


def ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output.strip()


def refused(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code not in (0, None), (args, result.output)
    assert isinstance(result.exception, SystemExit | None), result.exception
    assert "Traceback" not in result.output
    for english in ("Invalid value", "Error", "Usage:", "Missing", "No such", "is not"):
        assert english not in result.output, (english, result.output)
    return " ".join(result.output.replace("│", " ").split())


def test_a_day_from_the_command_line(env: Path) -> None:  # noqa: F811
    ok("db", "upgrade")
    packs = ok("session", "packs")
    assert "plateforme-horizon\tv" in packs and "titre, ccp1, ccp2" in packs
    sid = ok("session", "create", "--centre", "AFPA Angers", "--date", "2031-03-10")
    assert "aucun (plateau session set-pack)" in ok("session", "show", sid)
    ok("session", "set-pack", sid, "plateforme-horizon")
    cand = ok("session", "add-candidate", sid, "--nom", "Martn", "--prenom", "Camille").split()[0]
    other = ok("session", "add-candidate", sid, "--nom", "Absent", "--prenom", "Paul").split()[0]
    juror = ok("session", "add-staff", sid, "--nom", "Mme Client", "--role", "jure").split()[0]
    ok("session", "add-staff", sid, "--nom", "M. Surveillant", "--role", "surveillant")
    ok("session", "assign", cand, juror, "--comme", "client")
    assert ok("session", "correct-candidate", sid, cand, "--nom", "Martin") == (
        "Corrigé : nom : « Martn » devient « Martin »"
    )
    ok("session", "correct-staff", sid, juror, "--nom", "Mme Jeanne Client")
    shown = ok("session", "show", sid)
    assert f"candidat\t{cand}\tCamille MARTIN" in shown and "client : Mme Jeanne Client" in shown
    assert "surveillant\t" in shown and "M. Surveillant" in shown
    assert "Rédaction 53 min 20 s" in ok("session", "accommodation", cand, "--tiers-temps")
    paris = ZoneInfo("Europe/Paris")
    later = (datetime.now(paris) + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    assert ok("session", "plan", cand, "--depart", later).startswith("Départ prévu le ")
    assert "est déjà passée" in refused("session", "plan", cand, "--depart", "2020-01-01 09:00")
    assert ok("session", "plan", cand, "--annuler") == "Départ annulé."
    assert ok("session", "start", cand) == "En cours — Préparation"
    assert ok(
        "session", "end-phase", cand, "--motif", "travail_termine", "--commentaire", "Fini."
    ) == ("En cours — Appels")
    closed = ok("session", "close", cand, "--motif", "panne_technique", "--commentaire", "Coupure.")
    assert closed.startswith("Close : Panne technique") and "repasser l'épreuve" in closed
    assert "Retiré : Paul ABSENT" in ok("session", "remove", sid, other, "--motif", "Absent")
    pdf = env.parent / "pv.pdf"
    out = ok("session", "issue", sid, "--document", "pv", "--sortie", str(pdf))
    assert "Procès-verbal version 1 émise" in out and pdf.read_bytes().startswith(b"%PDF")
    listed = ok("session", "documents", sid)
    assert listed.startswith("Procès-verbal\tv1\t") and "\tcli\tÉmission\t" in listed
    assert "intègre" in ok("audit", "verify")


def test_refusals_are_french_sentences(env: Path) -> None:  # noqa: F811
    ok("db", "upgrade")
    sid = ok("session", "create", "--centre", "X", "--date", "2031-03-10")
    cand = ok("session", "add-candidate", sid, "--nom", "A", "--prenom", "B").split()[0]
    assert "Date invalide : « 2026-13-01 » (format AAAA-MM-JJ" in refused(
        "session", "create", "--centre", "X", "--date", "2026-13-01"
    )
    assert "'boss' n'est pas parmi 'jure', 'surveillant'" in refused(
        "session", "add-staff", sid, "--nom", "X", "--role", "boss"
    )
    assert "Heure invalide : « demain »" in refused("session", "plan", cand, "--depart", "demain")
    assert "Argument manquant" in refused("session", "add-staff")
    assert "Option inconnue : --nm" in refused("session", "add-staff", sid, "--nm", "X")
    assert "n'est pas parmi 'abandon'" in refused(
        "session", "close", cand, "--motif", "envie", "--commentaire", "x"
    )
    assert "« Travail terminé avant l'heure » termine une phase" in refused(
        "session", "close", cand, "--motif", "travail_termine", "--commentaire", "x"
    )
    assert "L'épreuve n'a pas commencé : retirez le candidat" in refused(
        "session", "close", cand, "--motif", "abandon", "--commentaire", "x"
    )
    assert "Pack de scénarios inconnu : nope" in refused("session", "set-pack", sid, "nope")
    assert "Commande inconnue : sesion" in refused("sesion")
    assert "Valeur invalide pour '--pourcent' : doit être au plus 100" in refused(
        "session", "accommodation", cand, "--pourcent", "120"
    )
    assert "introuvable" in refused("session", "show", "nope")


def test_settings_and_ports_refused_in_french(
    env: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLATEAU_TIMEZONE", "Mars/Olympus")
    assert "PLATEAU_TIMEZONE : fuseau horaire inconnu : 'Mars/Olympus'" in refused(
        "session", "list"
    )
    monkeypatch.delenv("PLATEAU_TIMEZONE")
    monkeypatch.setenv("PLATEAU_PORT", "huit mille")
    assert "PLATEAU_PORT : un nombre entier attendu" in refused("session", "list")
    monkeypatch.delenv("PLATEAU_PORT")
    monkeypatch.delenv("PLATEAU_DATABASE_URL")
    demo = tmp_path / "demo"
    assert "Port invalide : 99999 (de 1 à 65535)." in refused(
        "demo", "--port", "99999", "--data-dir", str(demo)
    )
    assert "un nombre entier attendu" in refused("demo", "--port", "abc")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        message = refused("demo", "--port", port, "--data-dir", str(demo))
    assert f"Le port {port} est déjà utilisé sur 127.0.0.1" in message
    assert "Plateau — session de démonstration prête" not in message  # no banner first
    blocker = tmp_path / "un-fichier"
    blocker.write_text("x")
    assert f"Le dossier de données {blocker / 'sous'} n'est pas utilisable" in refused(
        "demo", "--data-dir", str(blocker / "sous")
    )
    assert "--speed : un nombre de 1 à 1000" in refused(
        "demo", "--speed", "0.5", "--data-dir", str(demo)
    )
    monkeypatch.setenv("PLATEAU_DATABASE_URL", f"sqlite+aiosqlite:///{blocker}/x.db")
    assert "Impossible de préparer les fichiers de Plateau" in refused("db", "upgrade")
    monkeypatch.delenv("PLATEAU_SECRET_KEY")
    monkeypatch.setenv("PLATEAU_DATABASE_URL", f"sqlite+aiosqlite:///{env}")
    assert "PLATEAU_SECRET_KEY est requis" in refused(
        "session", "create", "--centre", "X", "--date", "2031-01-01"
    )


def test_packs_lists_the_valid_ones_and_says_which_did_not_load(
    env: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A broken pack beside good ones: the good ones are listed, the broken one is named on
    stderr with the count of its problems (it used to be a traceback: a list read as a dict)."""
    import shutil

    from server.core.config import PROJECT_ROOT
    from tests.scenarios.packs_helpers import BROKEN, broken_copy

    scenarios = tmp_path / "scenarios"
    shutil.copytree(PROJECT_ROOT / "scenarios" / "titles", scenarios / "titles")
    shutil.copytree(
        PROJECT_ROOT / "scenarios" / "packs" / "plateforme-horizon",
        scenarios / "packs" / "plateforme-horizon",
    )
    root, _ = broken_copy(BROKEN / "schema_errors.yaml", scenarios / "packs")
    monkeypatch.setenv("PLATEAU_SCENARIOS_DIR", str(scenarios))
    ok("db", "upgrade")
    result = runner.invoke(app, ["session", "packs"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "plateforme-horizon\tv" in result.stdout
    assert "Traceback" not in result.output
    assert f"pack non chargé\t{root / 'pack.yaml'}: author: obligatoire" in result.stderr

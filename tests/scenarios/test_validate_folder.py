"""`plateau scenarios validate PATH` on whole folders: one result per title file and per pack
found at any depth, `.` from anywhere inside a pack, no problem echoed from a file that did
not load, the verdict and the exit code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from server.cli import app
from server.core.config import PROJECT_ROOT
from server.scenarios.validate import validate_report
from tests.scenarios.packs_helpers import BROKEN, broken_copy, copy_pack

runner = CliRunner()
SIM_03 = "simulations/03_assistance_fibre.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's scenarios/ whose packs sit two folders deeper than
    shipped; the CLI's default titles are the copy's."""
    root = tmp_path / "scenarios"
    shutil.copytree(PROJECT_ROOT / "scenarios" / "titles", root / "titles")
    nested = root / "packs" / "2027" / "printemps"
    nested.mkdir(parents=True)
    copy_pack("plateforme-horizon", nested)
    copy_pack("relais-contact-atlantique", nested)
    monkeypatch.setenv("PLATEAU_SCENARIOS_DIR", str(root))
    return root


def _break_title(repo: Path, name: str) -> Path:
    path = repo / "titles" / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nrncp: ", "\nbogus: 1\nrncp: ", 1), encoding="utf-8")
    return path


def test_a_folder_is_searched_at_any_depth_and_all_valid_exits_0(repo: Path) -> None:
    report = validate_report(repo, repo / "absent")
    assert [(r.name, r.valid) for r in report.results] == [
        ("titre CRCD", True),
        ("titre NTC", True),
        ("pack plateforme-horizon", True),
        ("pack relais-contact-atlantique", True),
    ]
    result = runner.invoke(app, ["scenarios", "validate", str(repo)])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "OK : titre CRCD, titre NTC, pack plateforme-horizon, pack relais-contact-atlantique\n"
    )
    assert result.stderr == ""


def test_one_broken_pack_fails_the_run_and_each_pack_gets_its_verdict(repo: Path) -> None:
    nested = repo / "packs" / "2027" / "printemps"
    shutil.rmtree(nested / "relais-contact-atlantique")
    broken, spec = broken_copy(BROKEN / "schema_errors.yaml", nested)
    result = runner.invoke(app, ["scenarios", "validate", str(repo)])
    assert result.exit_code == 1
    assert result.stdout == (
        "titre CRCD : valide\n"
        "titre NTC : valide\n"
        "pack plateforme-horizon : valide\n"
        "pack relais-contact-atlantique : 7 problème(s)\n"
    )
    lines = result.stderr.splitlines()
    assert len(lines) == len(spec["expect"]) + 1
    assert f"{broken / 'pack.yaml'}: author: obligatoire" in lines
    assert f"{broken / 'simulations/08_vente_fibre.yaml'}: kind: valeur non proposée" in (
        result.stderr
    )
    assert lines[-1] == f"7 problème(s) dans {repo}."


@pytest.mark.parametrize(
    ("cwd", "arg"),
    [("", "."), ("simulations", "."), ("", "simulations"), ("", SIM_03), ("dossier", "..")],
)
def test_dot_and_any_path_inside_a_pack_validate_that_pack(
    repo: Path, monkeypatch: pytest.MonkeyPatch, cwd: str, arg: str
) -> None:
    monkeypatch.chdir(repo / "packs" / "2027" / "printemps" / "plateforme-horizon" / cwd)
    result = runner.invoke(app, ["scenarios", "validate", arg])
    assert result.exit_code == 0, result.output
    assert result.stdout == "OK : pack plateforme-horizon\n"


def test_dot_inside_a_broken_pack_names_the_file_and_field_once(
    tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack, _ = broken_copy(BROKEN / "no_cascade.yaml", tmp_path / "elsewhere")
    monkeypatch.chdir(pack / "simulations")
    result = runner.invoke(app, ["scenarios", "validate", "."])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{pack / SIM_03}: kind: valeur non proposée "
        "(possibles : 'appel_entrant', 'appel_sortant' ou 'chat')",
        f"1 problème(s) dans {pack / 'simulations'}.",
    ]
    assert "simulation inconnue" not in result.output
    assert result.stdout == "pack plateforme-horizon : 1 problème(s)\n"


def test_a_broken_title_is_reported_once_and_its_packs_are_not_checked(repo: Path) -> None:
    crcd = _break_title(repo, "crcd.yaml")
    result = runner.invoke(app, ["scenarios", "validate", str(repo)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{crcd}: bogus: champ inconnu",
        f"1 problème(s), 2 non vérifié(s) dans {repo}.",
    ]
    why = f"non vérifié (son titre CRCD ne se charge pas : {crcd})"
    assert result.stdout == (
        "titre crcd.yaml : 1 problème(s)\n"
        "titre NTC : valide\n"
        f"pack plateforme-horizon : {why}\n"
        f"pack relais-contact-atlantique : {why}\n"
    )
    assert "titre inconnu" not in result.output


def test_a_pack_whose_default_title_is_broken_or_absent_says_so(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crcd = _break_title(repo, "crcd.yaml")
    monkeypatch.chdir(repo / "packs" / "2027" / "printemps" / "plateforme-horizon")
    result = runner.invoke(app, ["scenarios", "validate", "."])
    assert result.exit_code == 1
    assert result.stdout == (
        "titre crcd.yaml : 1 problème(s)\n"
        f"pack plateforme-horizon : non vérifié (son titre CRCD ne se charge pas : {crcd})\n"
    )
    assert result.stderr.splitlines()[0] == f"{crcd}: bogus: champ inconnu"
    monkeypatch.setenv("PLATEAU_SCENARIOS_DIR", str(repo / "absent"))
    result = runner.invoke(app, ["scenarios", "validate", "."])
    assert result.exit_code == 1
    titles = repo / "absent" / "titles"
    assert result.stdout == (
        f"titres {titles} : 1 problème(s)\n"
        f"pack plateforme-horizon : non vérifié (titre CRCD introuvable ; illisible : {titles})\n"
    )
    assert result.stderr.splitlines()[0] == f"{titles}: aucun fichier de titre (*.yaml)"


def test_a_broken_title_the_packs_do_not_use_does_not_stop_them(repo: Path) -> None:
    ntc = _break_title(repo, "ntc.yaml")
    report = validate_report(repo, repo / "absent")
    assert [(r.name, r.summary()) for r in report.results] == [
        ("titre CRCD", "titre CRCD : valide"),
        ("titre ntc.yaml", "titre ntc.yaml : 1 problème(s)"),
        ("pack plateforme-horizon", "pack plateforme-horizon : valide"),
        ("pack relais-contact-atlantique", "pack relais-contact-atlantique : valide"),
    ]
    assert [str(p) for p in report.all_problems] == [f"{ntc}: bogus: champ inconnu"]
    assert not report.valid


def test_a_path_that_does_not_exist_or_holds_nothing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scenarios", "validate", str(tmp_path / "absent")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'absent'}: chemin introuvable" in result.stderr
    (tmp_path / "vide").mkdir()
    result = runner.invoke(app, ["scenarios", "validate", str(tmp_path / "vide")])
    assert result.exit_code == 1
    assert "aucun pack (pack.yaml) ni titre (*.yaml) trouvé" in result.stderr

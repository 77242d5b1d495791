"""The CRCD referential holds every criterion of RC § 3.2, word for word."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from server.core.config import PROJECT_ROOT
from server.core.loading import DataFileError
from server.core.referential import PhaseKind, load_title, load_titles

TITLES = PROJECT_ROOT / "scenarios" / "titles"
RC = PROJECT_ROOT.parent / "shared" / "seeds" / "001_344a139e4676e059.txt"


def rc_criteria() -> list[str]:
    """Reads the criteria back from the RC text (section 3.2), as the shared checker does."""
    text = RC.read_text(encoding="utf-8")
    section = text[text.index("3.2. Critères d'évaluation") : text.index("3.3. Évaluation")]
    found = []
    for raw in section.splitlines():
        cells = raw.split("\t")
        if len(cells) < 2:
            continue
        cell = re.sub(r"</?p>", "\n", cells[1])
        for part in re.split(r"(?<=[a-zéèêàûôîç])\s+(?=(?:La |Le |Les |L'))", cell):
            for piece in part.split("\n"):
                piece = piece.strip()
                if piece and re.match(r"^(La |Le |Les |L')", piece):
                    found.append(piece)
    return found


@pytest.mark.skipif(not RC.exists(), reason="shared/seeds absent: RC not available to compare")
def test_every_rc_criterion_is_in_the_referential_word_for_word() -> None:
    title = load_titles(TITLES)["CRCD"]
    ours = [c for comp in title.competences for c in comp.criteria]
    assert ours == rc_criteria()
    assert len(ours) == 58


def test_crcd_structure() -> None:
    title = load_titles(TITLES)["CRCD"]
    assert [c.code for c in title.ccps] == ["CCP1", "CCP2"]
    assert [c.code for c in title.competences] == [f"CP{i}" for i in range(1, 10)]
    assert len(title.transversal) == 4
    titre = title.format("titre")
    assert [(p.kind, p.minutes) for p in titre.phases] == [
        (PhaseKind.PREPARATION, 60),
        (PhaseKind.APPELS, 90),
        (PhaseKind.REDACTION, 40),
        (PhaseKind.ENTRETIEN_TECHNIQUE, 30),
        (PhaseKind.ENTRETIEN_FINAL, 20),
    ]
    assert titre.total_minutes == 240 and titre.has_final_interview
    assert titre.simulations.calls.admits(8) and not titre.simulations.calls.admits(7)
    assert not title.format("ccp2").simulations.chats.admits(1)
    assert not title.format("ccp1").has_final_interview
    assert title.format("ccp2").technical_interview == ("CP5", "CP7", "CP9")


def test_bad_title_file_names_the_file_and_every_field(tmp_path: Path) -> None:
    data = yaml.safe_load((TITLES / "crcd.yaml").read_text(encoding="utf-8"))
    data["formats"][0]["phases"][1]["minutes"] = "quatre-vingt-dix"
    data["transversal"][0]["carried_by"].append("CP42")
    del data["ccps"][1]["name"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_title(bad)
    message = str(err.value)
    assert f"{bad}: formats[0].phases[1].minutes" in message
    assert f"{bad}: ccps[1].name" in message


def test_cross_reference_errors_are_all_listed(tmp_path: Path) -> None:
    data = yaml.safe_load((TITLES / "crcd.yaml").read_text(encoding="utf-8"))
    data["transversal"][0]["carried_by"].append("CP42")
    data["formats"][1]["practical"].append("CP77")
    data["formats"][2]["total_minutes"] = 1
    bad = tmp_path / "titles"
    bad.mkdir()
    (bad / "x.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_titles(bad)
    message = str(err.value)
    for expected in ("CP42", "CP77", "formats[2].total_minutes"):
        assert expected in message


def test_a_second_title_is_a_second_file(tmp_path: Path) -> None:
    shutil.copy(TITLES / "crcd.yaml", tmp_path / "crcd.yaml")
    data = yaml.safe_load((TITLES / "crcd.yaml").read_text(encoding="utf-8"))
    data["id"], data["name"] = "AUTRE", "Un autre titre"
    (tmp_path / "autre.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert set(load_titles(tmp_path)) == {"CRCD", "AUTRE"}

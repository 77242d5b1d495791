"""Titles are data: the NTC file runs through the same engine; broken files say where."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.core.loading import DataFileError
from server.core.referential import (
    EvidenceKind,
    Pathway,
    SessionKind,
    Title,
    load_title,
    load_titles,
)
from server.outcomes import (
    CandidateRecord,
    JuryProposal,
    MissingEvidence,
    Outcome,
    SessionEvidence,
    Sitting,
    decide,
    livret_data,
    required_sessions,
)
from tests.outcomes.conftest import TITLES_DIR


def crcd_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((TITLES_DIR / "crcd.yaml").read_text(encoding="utf-8"))
    return data


def write(tmp_path: Path, data: dict[str, Any], name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _record() -> CandidateRecord:
    return CandidateRecord(candidate_id="ntc-1")


def test_the_ntc_file_loads_with_what_the_sources_give(ntc: Title) -> None:
    assert (ntc.rncp, ntc.version, ntc.valid_until) == ("34079", "2018", None)
    assert not ntc.runs_exams_here and ntc.formats == ()
    assert [c.code for c in ntc.ccps] == ["CCP1", "CCP2"]
    assert all(c.competences == () for c in ntc.ccps)
    assert ntc.pathways is not None
    assert {p for p in Pathway if ntc.pathways.rule(p, SessionKind.TITRE)} == {
        Pathway.FORMATION_CONTINUE,
        Pathway.VAE,
    }


def test_the_ntc_runs_through_a_decision(ntc: Title) -> None:
    day = date(2021, 10, 4)
    seat = Sitting(session_id="N1", kind=SessionKind.TITRE, day=day)
    evidence = SessionEvidence.of(
        "presentation_projet", "resultats_formation", "dossier_professionnel", "entretien_final"
    )
    partial = decide(
        ntc,
        pathway=Pathway.FORMATION_CONTINUE,
        sitting=seat,
        record=_record(),
        evidence=evidence,
        proposal=JuryProposal(ccps={"CCP1": False, "CCP2": True}),
    )
    assert partial.outcome is Outcome.PARTIAL and partial.remaining == ("CCP1",)
    cand = partial.apply(_record())
    livret = livret_data(ntc, cand, candidate_name="Jo B.", on=day)
    assert [line.name for line in livret.lines] == [
        "Prospecter et négocier une proposition commerciale"
    ]
    assert livret.counts_until is None  # no end of validity known from the sources
    assert livret.title.code is None and livret.title.rncp == "34079"
    plan = required_sessions(ntc, cand, day)
    assert plan.remaining == ("CCP1",) and plan.formats == ()  # no exam format here
    with pytest.raises(MissingEvidence) as err:
        decide(
            ntc,
            pathway=Pathway.VAE,
            sitting=seat,
            record=_record(),
            evidence=SessionEvidence.of("dossier_professionnel", "entretien_final"),
            proposal=JuryProposal(ccps={"CCP1": True, "CCP2": True}, title=True),
        )
    assert err.value.missing == (
        (EvidenceKind.MISE_EN_SITUATION, EvidenceKind.PRESENTATION_PROJET),
    )


def test_adding_a_title_needs_no_code(tmp_path: Path) -> None:
    shutil.copy(TITLES_DIR / "crcd.yaml", tmp_path / "crcd.yaml")
    data = yaml.safe_load((TITLES_DIR / "ntc.yaml").read_text(encoding="utf-8"))
    data.update(id="AUTRE", name="Un titre de plus", valid_until=None)
    data["ccps"].append({"code": "CCP3", "name": "Un troisième bloc"})
    write(tmp_path, data, "autre.yaml")
    titles = load_titles(tmp_path)
    assert set(titles) == {"CRCD", "AUTRE"}
    decision = decide(
        titles["AUTRE"],
        pathway=Pathway.VAE,
        sitting=Sitting(session_id="A1", kind=SessionKind.TITRE, day=date(2030, 1, 7)),
        record=_record(),
        evidence=SessionEvidence.of(
            "mise_en_situation", "dossier_professionnel", "entretien_final"
        ),
        proposal=JuryProposal(ccps={"CCP1": True, "CCP2": True, "CCP3": True}, title=True),
    )
    assert decision.outcome is Outcome.TITLE


def test_an_unknown_evidence_kind_names_the_file_and_the_field(tmp_path: Path) -> None:
    data = crcd_data()
    data["pathways"]["vae"]["titre"]["requires"][1] = "oral_de_rattrapage"
    data["pathways"]["ccs"]["ccs"]["requires"][0] = ["mise_en_situation", "jeu_de_role"]
    bad = write(tmp_path, data)
    with pytest.raises(DataFileError) as err:
        load_title(bad)
    problems = {(p.file, p.field) for p in err.value.problems}
    assert problems == {
        (str(bad), "pathways.vae.titre.requires[1]"),
        (str(bad), "pathways.ccs.ccs.requires[0]"),
    }
    message = str(err.value)
    assert "type de preuve inconnu « oral_de_rattrapage »" in message
    assert "« jeu_de_role »" in message


def test_pathway_and_session_kinds_are_checked(tmp_path: Path) -> None:
    data = crcd_data()
    data["pathways"]["apprentissage"] = {"titre": {"requires": ["mise_en_situation"]}}
    data["pathways"]["vae"]["session_ccp"] = {"requires": ["mise_en_situation"]}
    data["pathways"]["ccs"]["ccs"]["to_award_title"] = ["entretien_final"]
    data["pathways"]["formation_continue"] = {}
    bad = write(tmp_path, data)
    with pytest.raises(DataFileError) as err:
        load_title(bad)
    fields = {p.field for p in err.value.problems}
    assert {
        "pathways.apprentissage",
        "pathways.vae.session_ccp",
        "pathways.ccs",
        "pathways.formation_continue",
    } <= fields
    assert "une session CCS n'attribue pas le titre" in str(err.value)


def test_a_title_run_here_still_needs_formats_and_competences(tmp_path: Path) -> None:
    data = crcd_data()
    del data["formats"]
    data["ccps"][1]["competences"] = []
    data["transversal"] = []
    bad = write(tmp_path, data)
    with pytest.raises(DataFileError) as err:
        load_title(bad)
    message = str(err.value)
    assert "formats: requis quand runs_exams_here est vrai" in message
    assert "ccps[1].competences: requises" in message
    data["runs_exams_here"] = False
    assert load_title(write(tmp_path, data, "ok.yaml")).formats == ()


def test_ccp_and_ccs_codes_are_unique(tmp_path: Path) -> None:
    data = crcd_data()
    data["ccps"][1]["code"] = "CCP1"
    data["formats"] = [f for f in data["formats"] if "CCP2" not in f["ccps"]]
    data["previous_versions"] = []
    data["specialisations"] = [{"code": "S", "name": "a"}, {"code": "S", "name": "b"}]
    with pytest.raises(DataFileError) as err:
        load_title(write(tmp_path, data))
    assert "ccps: code en double CCP1" in str(err.value)
    assert "specialisations: code en double S" in str(err.value)

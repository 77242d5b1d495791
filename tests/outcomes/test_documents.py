"""The data of the livret de certification and of a session's results list."""

from __future__ import annotations

from datetime import date

import pytest

from server.core.referential import Pathway, Title
from server.outcomes import (
    Decision,
    Document,
    JuryProposal,
    Outcome,
    OutcomeError,
    SessionEvidence,
    decide,
    livret_data,
    results_list,
    sitting_for_format,
)
from tests.outcomes.builders import obtained, record

DAY = date(2026, 6, 12)
EVIDENCE = SessionEvidence.of(
    "mise_en_situation", "entretien_technique", "dossier_professionnel", "entretien_final"
)


def test_the_livret_lists_every_ccp_held_including_capitalised_ones(crcd: Title) -> None:
    cand = record(obtained("CCP1", date(2025, 11, 3), "S0"))
    seat = sitting_for_format(crcd, "ccp2", session_id="S1", day=DAY)
    decision = decide(
        crcd,
        pathway=Pathway.CAPITALISATION,
        sitting=seat,
        record=cand,
        evidence=EVIDENCE,
        proposal=JuryProposal(ccps={"CCP2": True}),
        from_training=False,
    )
    livret = livret_data(crcd, decision.apply(cand), candidate_name="Alice MARTIN", on=DAY)
    assert [(line.code, line.obtained_on, line.session_id) for line in livret.lines] == [
        ("CCP1", date(2025, 11, 3), "S0"),
        ("CCP2", DAY, "S1"),
    ]
    assert livret.lines[1].name == "Réaliser des actions commerciales en relation client à distance"
    assert livret.missing == () and livret.issued_on == DAY
    assert (livret.title.id, livret.title.code, livret.title.rncp) == ("CRCD", "TP-00483", "35304")
    with pytest.raises(OutcomeError, match="pas de livret"):
        livret_data(crcd, record(), candidate_name="Personne", on=DAY)


def test_the_results_list_has_one_row_per_candidate_sorted_by_name(crcd: Title) -> None:
    seat = sitting_for_format(crcd, "titre", session_id="S1", day=DAY)

    def run(cid: str, ccp1: bool, ccp2: bool, title: bool) -> Decision:
        return decide(
            crcd,
            pathway=Pathway.VAE,
            sitting=seat,
            record=record(candidate_id=cid),
            evidence=EVIDENCE,
            proposal=JuryProposal(ccps={"CCP1": ccp1, "CCP2": ccp2}, title=title),
        )

    results = results_list(
        crcd,
        seat,
        [
            ("Zoé ROUX", run("c1", True, True, True)),
            ("Ali BEN", run("c2", False, True, False)),
            ("Marc DUPONT", run("c3", False, False, False)),
        ],
    )
    assert results.session_id == "S1" and results.day == DAY and results.title.id == "CRCD"
    rows = [
        (r.candidate_name, r.outcome, r.ccps_obtained, r.remaining, r.document_label)
        for r in results.rows
    ]
    assert rows == [
        ("Ali BEN", Outcome.PARTIAL, ("CCP2",), ("CCP1",), "Livret de certification"),
        ("Marc DUPONT", Outcome.NOTHING, (), ("CCP1", "CCP2"), "—"),
        ("Zoé ROUX", Outcome.TITLE, ("CCP1", "CCP2"), (), "Parchemin"),
    ]
    assert results.rows[2].document is Document.PARCHEMIN
    assert {r.outcome_label for r in results.rows} == {
        "Réussite partielle",
        "Non obtenu",
        "Titre obtenu",
    }
    assert results.rows[0].pathway_label == "VAE"
    other = seat.model_copy(update={"session_id": "S2"})
    with pytest.raises(OutcomeError, match="autre session"):
        results_list(crcd, other, [("Zoé ROUX", run("c1", True, True, True))])

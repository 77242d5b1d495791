"""Each pathway of the modalités d'obtention, run on the CRCD title file."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

from server.core.loading import parse_model
from server.core.referential import EvidenceKind, Pathway, SessionKind, Title
from server.outcomes import (
    CandidateRecord,
    DecisionRefused,
    Document,
    JuryProposal,
    MissingEvidence,
    Outcome,
    SessionEvidence,
    decide,
    required_sessions,
    sitting_for_format,
)
from tests.outcomes.builders import obtained, record, sitting

DAY1 = date(2026, 6, 1)
DAY2 = date(2026, 11, 16)
EXAM = ("mise_en_situation", "entretien_technique", "dossier_professionnel")
TITLE_FC = SessionEvidence.of(*EXAM, "resultats_formation", "entretien_final")
TITLE_VAE = SessionEvidence.of(*EXAM, "entretien_final")


def both(obtained1: bool = True, obtained2: bool = True, title: bool = True) -> JuryProposal:
    return JuryProposal(ccps={"CCP1": obtained1, "CCP2": obtained2}, title=title)


def test_formation_continue_full_title_gives_a_parchemin(crcd: Title) -> None:
    seat = sitting_for_format(crcd, "titre", session_id="S1", day=DAY1)
    assert seat.kind is SessionKind.TITRE
    decision = decide(
        crcd,
        pathway=Pathway.FORMATION_CONTINUE,
        sitting=seat,
        record=record(),
        evidence=TITLE_FC,
        proposal=both(),
    )
    assert decision.outcome is Outcome.TITLE
    assert decision.document is Document.PARCHEMIN
    assert [g.ccp for g in decision.granted] == ["CCP1", "CCP2"]
    assert decision.remaining == ()
    assert decision.title_award is not None and decision.title_award.session_id == "S1"
    after = decision.apply(record())
    assert after.title_award("CRCD") == decision.title_award
    assert required_sessions(crcd, after, DAY2).title_held


def test_formation_continue_partial_success_gives_a_livret(crcd: Title) -> None:
    seat = sitting_for_format(crcd, "titre", session_id="S1", day=DAY1)
    decision = decide(
        crcd,
        pathway=Pathway.FORMATION_CONTINUE,
        sitting=seat,
        record=record(),
        evidence=TITLE_FC,
        proposal=both(obtained2=False, title=False),
    )
    assert decision.outcome is Outcome.PARTIAL
    assert decision.document is Document.LIVRET
    assert [h.code for h in decision.held] == ["CCP1"]
    assert decision.remaining == ("CCP2",)
    assert decision.title_award is None


def test_formation_continue_nothing_obtained(crcd: Title) -> None:
    seat = sitting_for_format(crcd, "titre", session_id="S1", day=DAY1)
    decision = decide(
        crcd,
        pathway=Pathway.FORMATION_CONTINUE,
        sitting=seat,
        record=record(),
        evidence=TITLE_FC,
        proposal=both(False, False, title=False),
    )
    assert decision.outcome is Outcome.NOTHING
    assert decision.document is Document.NONE
    assert decision.granted == () and decision.remaining == ("CCP1", "CCP2")


def test_formation_continue_without_training_results_is_refused_saying_what_lacks(
    crcd: Title,
) -> None:
    seat = sitting_for_format(crcd, "titre", session_id="S1", day=DAY1)
    with pytest.raises(MissingEvidence) as err:
        decide(
            crcd,
            pathway=Pathway.FORMATION_CONTINUE,
            sitting=seat,
            record=record(),
            evidence=SessionEvidence.of(*EXAM),
            proposal=both(),
        )
    assert err.value.missing == (
        (EvidenceKind.RESULTATS_FORMATION,),
        (EvidenceKind.ENTRETIEN_FINAL,),
    )
    assert str(err.value) == (
        "Décision impossible : pièces d'évaluation manquantes — résultats des évaluations "
        "passées en cours de formation ; entretien final avec le jury."
    )


def test_vae_needs_no_training_results(crcd: Title) -> None:
    seat = sitting_for_format(crcd, "titre", session_id="S1", day=DAY1)
    decision = decide(
        crcd,
        pathway=Pathway.VAE,
        sitting=seat,
        record=record(),
        evidence=TITLE_VAE,
        proposal=both(),
    )
    assert decision.outcome is Outcome.TITLE
    with pytest.raises(MissingEvidence) as err:
        decide(
            crcd,
            pathway=Pathway.VAE,
            sitting=seat,
            record=record(),
            evidence=SessionEvidence.of(
                "mise_en_situation", "entretien_technique", "resultats_formation", "entretien_final"
            ),
            proposal=both(),
        )
    assert err.value.missing == ((EvidenceKind.DOSSIER_PROFESSIONNEL,),)


def test_vae_is_a_title_session_only(crcd: Title) -> None:
    seat = sitting_for_format(crcd, "ccp1", session_id="S1", day=DAY1)
    with pytest.raises(
        DecisionRefused, match="« VAE » ne prévoit pas de « Session CCP » pour le titre CRCD"
    ):
        decide(
            crcd,
            pathway=Pathway.VAE,
            sitting=seat,
            record=record(),
            evidence=TITLE_VAE,
            proposal=JuryProposal(ccps={"CCP1": True}),
        )


def test_capitalisation_over_two_sessions_final_interview_at_the_last(crcd: Title) -> None:
    cand = record()
    first = sitting_for_format(crcd, "ccp1", session_id="S1", day=DAY1)
    assert first.kind is SessionKind.CCP
    assert not required_sessions(crcd, cand, DAY1).is_last_ccp_session(first.ccps)
    # A CCP session: no final interview needed to decide on the CCP.
    evidence1 = SessionEvidence.of(*EXAM, "resultats_formation")
    d1 = decide(
        crcd,
        pathway=Pathway.CAPITALISATION,
        sitting=first,
        record=cand,
        evidence=evidence1,
        proposal=JuryProposal(ccps={"CCP1": True}),
        from_training=True,
    )
    assert d1.outcome is Outcome.PARTIAL and d1.remaining == ("CCP2",)
    # The title cannot be awarded while CCP2 is missing, final interview or not.
    with pytest.raises(DecisionRefused, match="CCP non obtenus — CCP2"):
        decide(
            crcd,
            pathway=Pathway.CAPITALISATION,
            sitting=first,
            record=cand,
            evidence=SessionEvidence.of(
                *EXAM, "resultats_formation", "entretien_final", "livret_certification"
            ),
            proposal=JuryProposal(ccps={"CCP1": True}, title=True),
            from_training=True,
        )
    cand = d1.apply(cand)

    plan = required_sessions(crcd, cand, DAY2)
    assert plan.remaining == ("CCP2",) and plan.formats == ("ccp2",)
    second = sitting_for_format(crcd, "ccp2", session_id="S2", day=DAY2)
    assert plan.is_last_ccp_session(second.ccps)
    proposal = JuryProposal(ccps={"CCP2": True}, title=True)
    with pytest.raises(MissingEvidence) as err:
        decide(
            crcd,
            pathway=Pathway.CAPITALISATION,
            sitting=second,
            record=cand,
            evidence=SessionEvidence.of(*EXAM),
            proposal=proposal,
            from_training=False,
        )
    assert err.value.missing == (
        (EvidenceKind.ENTRETIEN_FINAL,),
        (EvidenceKind.LIVRET_CERTIFICATION,),
    )
    d2 = decide(
        crcd,
        pathway=Pathway.CAPITALISATION,
        sitting=second,
        record=cand,
        evidence=SessionEvidence.of(*EXAM, "entretien_final", "livret_certification"),
        proposal=proposal,
        from_training=False,
    )
    assert d2.outcome is Outcome.TITLE and d2.document is Document.PARCHEMIN
    assert [(h.code, h.session_id) for h in d2.held] == [("CCP1", "S1"), ("CCP2", "S2")]
    assert [g.ccp for g in d2.granted] == ["CCP2"]
    assert required_sessions(crcd, d2.apply(cand), DAY2).title_held


def test_capitalisation_last_ccp_without_the_title_keeps_a_livret(crcd: Title) -> None:
    cand = record(obtained("CCP1", DAY1, "S1"))
    decision = decide(
        crcd,
        pathway=Pathway.CAPITALISATION,
        sitting=sitting("S2", SessionKind.CCP, DAY2, "CCP2"),
        record=cand,
        evidence=SessionEvidence.of(*EXAM),
        proposal=JuryProposal(ccps={"CCP2": True}),
        from_training=False,
    )
    assert decision.outcome is Outcome.PARTIAL and decision.remaining == ()
    assert [h.code for h in decision.held] == ["CCP1", "CCP2"]
    cand = decision.apply(cand)
    plan = required_sessions(crcd, cand, DAY2)
    assert plan.remaining == () and plan.final_interview_pending
    # Nothing left to sit but the final interview, au vu du livret de certification.
    later = date(2027, 1, 11)
    interview_only = sitting("S3", SessionKind.CCP, later)
    with pytest.raises(DecisionRefused, match="évalue au moins un CCP"):
        decide(
            crcd,
            pathway=Pathway.CAPITALISATION,
            sitting=interview_only,
            record=record(obtained("CCP1", DAY1, "S1")),
            evidence=SessionEvidence.of(*EXAM),
            proposal=JuryProposal(title=True),
            from_training=False,
        )
    titled = decide(
        crcd,
        pathway=Pathway.CAPITALISATION,
        sitting=interview_only,
        record=cand,
        evidence=SessionEvidence.of("entretien_final", "livret_certification"),
        proposal=JuryProposal(title=True),
    )
    assert titled.outcome is Outcome.TITLE and titled.granted == ()


def test_capitalisation_asks_whether_the_candidate_comes_from_training(crcd: Title) -> None:
    run = partial(
        decide,
        crcd,
        pathway=Pathway.CAPITALISATION,
        sitting=sitting("S1", SessionKind.CCP, DAY1, "CCP1"),
        record=record(),
        evidence=SessionEvidence.of(*EXAM),
        proposal=JuryProposal(ccps={"CCP1": True}),
    )
    with pytest.raises(DecisionRefused, match="issu d'un parcours de formation"):
        run()
    with pytest.raises(MissingEvidence) as err:
        run(from_training=True)
    assert err.value.missing == ((EvidenceKind.RESULTATS_FORMATION,),)
    assert run(from_training=False).outcome is Outcome.PARTIAL


def test_a_ccp_already_held_is_not_sat_again(crcd: Title) -> None:
    cand = record(obtained("CCP1", DAY1, "S1"))
    with pytest.raises(DecisionRefused, match="CCP1 déjà obtenu le 01/06/2026"):
        decide(
            crcd,
            pathway=Pathway.CAPITALISATION,
            sitting=sitting("S2", SessionKind.CCP, DAY2, "CCP1"),
            record=cand,
            evidence=SessionEvidence.of(*EXAM),
            proposal=JuryProposal(ccps={"CCP1": True}),
            from_training=False,
        )


def test_title_session_proposals_must_be_consistent(crcd: Title) -> None:
    seat = sitting_for_format(crcd, "titre", session_id="S1", day=DAY1)
    run = partial(
        decide,
        crcd,
        pathway=Pathway.FORMATION_CONTINUE,
        sitting=seat,
        record=record(),
        evidence=TITLE_FC,
    )
    with pytest.raises(DecisionRefused, match="CCP non obtenus — CCP2"):
        run(proposal=both(obtained2=False))
    with pytest.raises(DecisionRefused, match="sans décision : CCP2"):
        run(proposal=JuryProposal(ccps={"CCP1": True}))
    with pytest.raises(DecisionRefused, match="non évalués à cette session : CCP3"):
        run(proposal=JuryProposal(ccps={"CCP1": True, "CCP2": True, "CCP3": True}))


def test_a_title_holder_gets_no_second_title(crcd: Title) -> None:
    seat = sitting_for_format(crcd, "titre", session_id="S1", day=DAY1)
    first = decide(
        crcd,
        pathway=Pathway.VAE,
        sitting=seat,
        record=record(),
        evidence=TITLE_VAE,
        proposal=both(),
    )
    with pytest.raises(DecisionRefused, match="déjà titulaire du titre CRCD"):
        decide(
            crcd,
            pathway=Pathway.VAE,
            sitting=seat.model_copy(update={"day": DAY2}),
            record=first.apply(record()),
            evidence=TITLE_VAE,
            proposal=both(),
        )


@pytest.fixture
def crcd_with_ccs(crcd: Title) -> Title:
    """The sources name no CCS for the CRCD: a test-only one, added as data."""
    data = crcd.model_dump(mode="json")
    data["specialisations"] = [{"code": "CCS-T", "name": "Spécialisation de test"}]
    return parse_model(Title, data, "crcd+ccs")


def test_ccs_for_a_title_holder(crcd_with_ccs: Title) -> None:
    title = crcd_with_ccs
    holder = decide(
        title,
        pathway=Pathway.VAE,
        sitting=sitting("S1", SessionKind.TITRE, DAY1),
        record=record(),
        evidence=TITLE_VAE,
        proposal=both(),
    ).apply(record())
    seat = sitting("S9", SessionKind.CCS, DAY2).model_copy(update={"ccs": "CCS-T"})
    # « une mise en situation professionnelle ou une présentation d'un projet »: either will do.
    evidence = SessionEvidence.of("presentation_projet", "dossier_professionnel", "entretien_final")
    decision = decide(
        title,
        pathway=Pathway.CCS,
        sitting=seat,
        record=holder,
        evidence=evidence,
        proposal=JuryProposal(ccs=True),
        from_training=False,
    )
    assert decision.outcome is Outcome.CCS and decision.document is Document.PARCHEMIN
    assert decision.ccs_award is not None and decision.ccs_award.ccs == "CCS-T"
    assert decision.apply(holder).ccs_award("CRCD", "CCS-T") == decision.ccs_award
    refused = decide(
        title,
        pathway=Pathway.CCS,
        sitting=seat,
        record=holder,
        evidence=evidence,
        proposal=JuryProposal(ccs=False),
        from_training=False,
    )
    assert refused.outcome is Outcome.NOTHING and refused.document is Document.NONE
    with pytest.raises(MissingEvidence) as err:
        decide(
            title,
            pathway=Pathway.CCS,
            sitting=seat,
            record=holder,
            evidence=SessionEvidence.of("dossier_professionnel", "entretien_final"),
            proposal=JuryProposal(ccs=True),
            from_training=True,
        )
    assert err.value.missing == (
        (EvidenceKind.MISE_EN_SITUATION, EvidenceKind.PRESENTATION_PROJET),
        (EvidenceKind.RESULTATS_FORMATION,),
    )
    assert "mise en situation professionnelle ou présentation d'un projet" in str(err.value)


def test_ccs_refused_to_a_candidate_without_the_title(crcd_with_ccs: Title) -> None:
    partial = record(obtained("CCP1", DAY1, "S1"), obtained("CCP2", DAY1, "S1"))
    seat = sitting("S9", SessionKind.CCS, DAY2).model_copy(update={"ccs": "CCS-T"})
    with pytest.raises(DecisionRefused, match="qu'à un titulaire du titre"):
        decide(
            crcd_with_ccs,
            pathway=Pathway.CCS,
            sitting=seat,
            record=partial,
            evidence=SessionEvidence.of(
                "mise_en_situation", "dossier_professionnel", "entretien_final"
            ),
            proposal=JuryProposal(ccs=True),
            from_training=False,
        )


def test_a_title_without_pathways_cannot_decide(crcd: Title) -> None:
    bare = crcd.model_copy(update={"pathways": None})
    with pytest.raises(DecisionRefused, match="« Formation continue » ne prévoit pas"):
        decide(
            bare,
            pathway=Pathway.FORMATION_CONTINUE,
            sitting=sitting("S1", SessionKind.TITRE, DAY1),
            record=CandidateRecord(candidate_id="c"),
            evidence=TITLE_FC,
            proposal=both(),
        )

"""What counts toward a title: correspondences between versions, validity and closure."""

from __future__ import annotations

from datetime import date

import pytest

from server.core.referential import Pathway, SessionKind, Title
from server.outcomes import (
    DecisionRefused,
    JuryProposal,
    Outcome,
    SessionEvidence,
    counts_until,
    decide,
    holdings,
    livret_data,
    required_sessions,
)
from server.outcomes.records import one_year_after
from tests.outcomes.builders import obtained, record, sitting

OLD_CCP1 = "Assurer des services, du conseil et de la gestion en relation client à distance"
CCP_EXAM = SessionEvidence.of("mise_en_situation", "entretien_technique", "dossier_professionnel")
LAST_CCP = SessionEvidence.of(
    "mise_en_situation",
    "entretien_technique",
    "dossier_professionnel",
    "entretien_final",
    "livret_certification",
)


def test_a_2011_ccp_counts_through_the_correspondence_table(crcd: Title) -> None:
    cand = record(obtained(OLD_CCP1, date(2015, 3, 2), "S-2011", version="2011"))
    held = holdings(crcd, cand, date(2026, 6, 1))
    assert [(h.code, h.version, h.obtained_as) for h in held.held] == [("CCP1", "2011", OLD_CCP1)]
    assert held.held[0].via_correspondence and held.not_counted == ()
    plan = required_sessions(crcd, cand, date(2026, 6, 1))
    assert plan.remaining == ("CCP2",) and plan.formats == ("ccp2",)
    # « Le candidat se présente aux CCP manquants du nouveau titre. »
    decision = decide(
        crcd,
        pathway=Pathway.CAPITALISATION,
        sitting=sitting("S1", SessionKind.CCP, date(2026, 6, 1), "CCP2"),
        record=cand,
        evidence=LAST_CCP,
        proposal=JuryProposal(ccps={"CCP2": True}, title=True),
        from_training=False,
    )
    assert decision.outcome is Outcome.TITLE
    assert [(h.code, h.version) for h in decision.held] == [("CCP1", "2011"), ("CCP2", "2015")]
    livret = livret_data(crcd, cand, candidate_name="Ada L.", on=date(2026, 6, 1))
    assert livret.lines[0].obtained_as == OLD_CCP1 and livret.lines[0].code == "CCP1"


def test_the_correspondence_tolerates_typography_but_not_another_ccp(crcd: Title) -> None:
    cand = record(
        obtained(OLD_CCP1.upper().replace(" ", "  "), date(2015, 3, 2), "A", version="2011"),
        obtained("Vendre au téléphone", date(2015, 3, 2), "B", version="2011"),
        obtained("CCP2", date(2015, 3, 2), "C", version="2008"),
        obtained("CCP9", date(2020, 3, 2), "D"),
    )
    held = holdings(crcd, cand, date(2026, 6, 1))
    assert [h.code for h in held.held] == ["CCP1"]
    assert [e.session_id for e in held.not_counted] == ["B", "C", "D"]


def test_ccps_of_another_title_or_obtained_later_do_not_count(crcd: Title) -> None:
    other = obtained("CCP1", date(2026, 1, 5), "X").model_copy(update={"title_id": "NTC"})
    later = obtained("CCP2", date(2026, 9, 1), "Y")
    held = holdings(crcd, record(other, later), date(2026, 6, 1))
    assert held.held == () and held.not_counted == ()


@pytest.fixture
def closing(crcd: Title) -> Title:
    return crcd.model_copy(update={"valid_until": date(2027, 3, 31)})


def test_closure_leaves_one_year_to_finish(closing: Title) -> None:
    assert counts_until(closing) == date(2028, 3, 31)
    cand = record(obtained("CCP1", date(2026, 6, 1), "S1"))
    last_day = date(2028, 3, 31)
    held = holdings(closing, cand, last_day)
    assert not held.expired and held.held[0].counts_until == last_day
    decision = decide(
        closing,
        pathway=Pathway.CAPITALISATION,
        sitting=sitting("S2", SessionKind.CCP, last_day, "CCP2"),
        record=cand,
        evidence=LAST_CCP,
        proposal=JuryProposal(ccps={"CCP2": True}, title=True),
        from_training=False,
    )
    assert decision.outcome is Outcome.TITLE

    day_after = date(2028, 4, 1)
    with pytest.raises(DecisionRefused, match="délai d'un an pour l'achever écoulé le 31/03/2028"):
        decide(
            closing,
            pathway=Pathway.CAPITALISATION,
            sitting=sitting("S3", SessionKind.CCP, day_after, "CCP2"),
            record=cand,
            evidence=LAST_CCP,
            proposal=JuryProposal(ccps={"CCP2": True}, title=True),
            from_training=False,
        )
    expired = holdings(closing, cand, day_after)
    assert expired.expired and expired.held == ()
    assert [e.session_id for e in expired.not_counted] == ["S1"]
    plan = required_sessions(closing, cand, day_after)
    assert plan.expired and plan.remaining == ("CCP1", "CCP2") and plan.formats == ()
    assert not plan.final_interview_pending


def test_after_the_validity_end_only_ccp_holders_may_finish(closing: Title) -> None:
    grace = date(2027, 9, 1)
    title_session = SessionEvidence.of(
        "mise_en_situation",
        "entretien_technique",
        "resultats_formation",
        "dossier_professionnel",
        "entretien_final",
    )
    with pytest.raises(DecisionRefused, match="n'est plus valide depuis le 31/03/2027"):
        decide(
            closing,
            pathway=Pathway.FORMATION_CONTINUE,
            sitting=sitting("S1", SessionKind.TITRE, grace),
            record=record(),
            evidence=title_session,
            proposal=JuryProposal(ccps={"CCP1": True, "CCP2": True}),
        )
    with pytest.raises(DecisionRefused, match="jusqu'au 31/03/2028"):
        decide(
            closing,
            pathway=Pathway.CAPITALISATION,
            sitting=sitting("S1", SessionKind.CCP, grace, "CCP1"),
            record=record(),
            evidence=CCP_EXAM,
            proposal=JuryProposal(ccps={"CCP1": True}),
            from_training=False,
        )
    # Within validity the same candidate may start.
    started = decide(
        closing,
        pathway=Pathway.CAPITALISATION,
        sitting=sitting("S0", SessionKind.CCP, date(2027, 3, 31), "CCP1"),
        record=record(),
        evidence=CCP_EXAM,
        proposal=JuryProposal(ccps={"CCP1": True}),
        from_training=False,
    )
    assert started.outcome is Outcome.PARTIAL


def test_one_year_after_29_february() -> None:
    assert one_year_after(date(2028, 2, 29)) == date(2029, 2, 28)
    assert one_year_after(date(2027, 3, 31)) == date(2028, 3, 31)


def test_a_title_without_a_known_end_never_expires(crcd: Title) -> None:
    assert crcd.valid_until is None and counts_until(crcd) is None
    cand = record(obtained("CCP1", date(2016, 9, 1), "S1"))
    plan = required_sessions(crcd, cand, date(2040, 1, 1))
    assert [h.code for h in plan.held] == ["CCP1"] and plan.deadline is None
    assert required_sessions(crcd, record(), date(2026, 1, 1)).formats == ("titre", "ccp1", "ccp2")

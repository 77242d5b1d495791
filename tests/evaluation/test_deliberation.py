"""The deliberation: a complete, consistent, justified proposal; signed by both jurors of the
candidate it is locked; a later change is version n + 1 needing both signatures again; every
step audit-logged; the lock refused, saying which evidence is missing, when the outcomes
engine would refuse the decision."""

from __future__ import annotations

from sqlalchemy import select

from server.core.audit import AuditEntry
from server.core.clock import FakeClock
from server.core.config import Settings
from tests.evaluation.support import (
    PACK,
    declare,
    proposal,
    propose,
    run_exam,
    sign,
    until,
    who,
)
from tests.harness import Harness, running_app


async def _audit(h: Harness, cid: str) -> list[tuple[str, dict]]:
    async with h.ctx.db.session() as s:
        rows = await s.scalars(
            select(AuditEntry).where(AuditEntry.subject == cid).order_by(AuditEntry.id)
        )
        return [(r.action, r.details) for r in rows]


def test_a_proposal_is_complete_consistent_and_justified(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        ok = proposal(h, "titre")
        incomplete = propose(h, cid, "observer_a", {"title": "obtenu", "justification": "x"})
        assert incomplete.status_code == 409 and "CP1" in incomplete.json()["detail"]
        no_ccp = propose(h, cid, "observer_a", {**ok, "ccps": {"CCP1": True}})
        assert no_ccp.status_code == 409 and "CCP2" in no_ccp.json()["detail"]
        half = {**ok, "ccps": {"CCP1": True, "CCP2": False}}
        assert propose(h, cid, "observer_a", half).status_code == 409  # titre sans CCP2
        assert propose(h, cid, "observer_a", {**half, "title": "non_obtenu"}).status_code == 409
        assert propose(h, cid, "observer_a", {**ok, "justification": "  "}).status_code == 409
        assert propose(h, cid, "observer_a", {**ok, "title": "peut-être"}).status_code == 409
        partial = propose(h, cid, "observer_a", {**half, "title": "ccp_seulement"})
        assert partial.status_code == 200 and partial.json()["proposal"]["ccps"] == {
            "CCP1": True,
            "CCP2": False,
        }
        words = {**ok, "ccps": {"CCP1": "obtenu", "CCP2": "obtenu"}}
        assert propose(h, cid, "observer_a", words).json()["proposal"]["ccps"] == {
            "CCP1": True,
            "CCP2": True,
        }
        # Only the candidate's jurors propose; the organiser and other jurors do not.
        assert propose(h, cid, "organiser", ok).status_code == 403
        assert propose(h, cid, "client_b", ok).status_code == 403


def test_signed_by_both_it_is_locked_and_a_change_is_a_new_version(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        run_exam(h, cid, minutes=190, interviews=2)
        assert declare(
            h, cid, "observer_a", "dossier_professionnel", "resultats_formation"
        ).is_success
        assert sign(h, cid, "observer_a").status_code == 409  # nothing to sign yet
        assert propose(h, cid, "observer_a", proposal(h, "titre")).json()["version"] == 1
        first = sign(h, cid, "observer_a").json()
        assert not first["locked"] and list(first["signatures"]) == [h.day.ids["observer_a"]]
        assert sign(h, cid, "client_b").status_code == 403  # not this candidate's juror
        assert sign(h, cid, "organiser").status_code == 403
        # A change after a signature voids it: version 1 is kept with the void signature, the
        # change is version 2, which both jurors sign.
        redo = propose(h, cid, "client_a", {**proposal(h, "titre"), "justification": "Revu."})
        assert (redo.json()["version"], redo.json()["signatures"]) == (2, {})
        sign(h, cid, "observer_a")
        with who(h, "observer_a").ws() as ws:
            ws.receive_json()
            locked = sign(h, cid, "client_a").json()
            assert locked["locked"] and len(locked["signatures"]) == 2
            assert until(ws, "evaluation.deliberation")["deliberation"]["locked"]
            decided = until(ws, "certification.decision")["decision"]
            assert (decided["outcome"], decided["deliberation_version"]) == ("titre", 2)
        assert sign(h, cid, "client_a").status_code == 409  # already locked
        changed = propose(h, cid, "client_a", proposal(h, "titre", ok=False)).json()
        assert (changed["version"], changed["locked"], changed["signatures"]) == (3, False, {})
        observer = who(h, "observer_a")
        history = observer.get(f"/api/candidates/{cid}/evaluation/deliberation").json()
        assert [(d["version"], d["locked"], d["voided"]) for d in history] == [
            (1, False, True),
            (2, True, False),
            (3, False, False),
        ]
        assert history[0]["signatures"] and "après signature" in history[0]["voided_reason"]
        assert history[1]["proposal"]["title"] == "obtenu"  # the signed version is kept
        # The decision in force stays the signed one until version 3 is signed by both.
        summary = observer.get(f"/api/candidates/{cid}/certification").json()
        assert (summary["decision_version"], summary["decision"]["outcome"]) == (2, "titre")
        sign(h, cid, "observer_a")
        sign(h, cid, "client_a")
        summary = observer.get(f"/api/candidates/{cid}/certification").json()
        assert (summary["decision_version"], summary["decision"]["outcome"]) == (3, "aucun")
        actions = h.call(_audit, h, cid)
        proposes = [d for a, d in actions if a == "deliberation.propose"]
        assert [d["version"] for d in proposes] == [1, 2, 3]
        (void,) = [d for a, d in actions if a == "deliberation.void"]
        assert (void["version"], void["new_version"]) == (1, 2)
        assert list(void["voided_signatures"]) == [h.day.ids["observer_a"]]
        decisions = [d for a, d in actions if a == "certification.decision"]
        assert [(d["version"], d["outcome"]) for d in decisions] == [(2, "titre"), (3, "aucun")]
        assert decisions[1]["replaces"] == {"version": 2, "outcome": "titre"}


def test_nobody_signs_while_evidence_is_missing_and_it_says_which(
    settings: Settings, clock: FakeClock
) -> None:
    """Not the second signature only: the first is refused too while the rules cannot decide,
    and the jury sees beforehand what is missing."""
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        run_exam(h, cid, minutes=190, interviews=1)  # the final interview did not take place
        propose(h, cid, "observer_a", proposal(h, "titre"))
        observer = who(h, "observer_a")
        preview = observer.get(f"/api/candidates/{cid}/certification/decision/preview").json()
        assert not preview["ok"]
        assert len(preview["missing"]) == 3 and "entretien final" in preview["refused"].lower()
        ready = observer.get(f"/api/candidates/{cid}/evaluation/deliberation/readiness").json()
        assert not ready["can_sign"] and ready["seal"] is not None
        assert {b["code"] for b in ready["blocking"]} == {
            "resultats_formation",
            "dossier_professionnel",
            "entretien_final",
        }
        for juror in ("observer_a", "client_a"):
            refused = sign(h, cid, juror)
            assert refused.status_code == 409
            detail = refused.json()["detail"]
            assert "Signature impossible" in detail and "dossier professionnel" in detail.lower()
            assert "entretien final" in detail.lower()
            assert {tuple(m["any_of"]) for m in refused.json()["missing"]} == {
                ("resultats_formation",),
                ("dossier_professionnel",),
                ("entretien_final",),
            }
        history = observer.get(f"/api/candidates/{cid}/evaluation/deliberation").json()
        assert not history[-1]["locked"] and history[-1]["signatures"] == {}
        declare(h, cid, "observer_a", "dossier_professionnel", "resultats_formation")
        orga = who(h, "organiser")
        orga.post(f"/api/candidates/{cid}/timeline/interview/open")
        assert orga.post(f"/api/candidates/{cid}/timeline/interview/close").status_code == 200
        ready = observer.get(f"/api/candidates/{cid}/evaluation/deliberation/readiness").json()
        assert ready["can_sign"] and ready["blocking"] == []
        assert sign(h, cid, "observer_a").status_code == 200
        assert sign(h, cid, "client_a").json()["locked"]


def test_an_edit_or_a_signature_on_a_version_the_other_juror_replaced_is_refused(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        first = propose(h, cid, "observer_a", {**proposal(h, "titre"), "base": None}).json()
        seen = {"version": first["version"], "proposal": first["proposal"]}
        # The observer still thinks there is nothing: their first proposal is refused.
        late = propose(h, cid, "observer_a", {**proposal(h, "titre"), "base": None})
        assert late.status_code == 409 and "l'autre juré" in late.json()["detail"]
        # The client juror changes the version the observer is reading.
        changed = {**proposal(h, "titre"), "justification": "Revu par le client.", "base": seen}
        assert propose(h, cid, "client_a", changed).status_code == 200
        stale = propose(h, cid, "observer_a", {**proposal(h, "titre"), "base": seen})
        assert stale.status_code == 409 and "la version 1 est la dernière" in stale.json()["detail"]
        assert sign(h, cid, "observer_a", base=seen).status_code == 409
        versions = who(h, "observer_a").get(f"/api/candidates/{cid}/evaluation/deliberation")
        (only,) = versions.json()
        assert only["proposal"]["justification"] == "Revu par le client."
        assert only["signatures"] == {}  # nothing signed, nothing overwritten
        run_exam(h, cid, minutes=190, interviews=2)
        declare(h, cid, "observer_a", "dossier_professionnel", "resultats_formation")
        current = {"version": 1, "proposal": only["proposal"]}
        assert sign(h, cid, "observer_a", base=current).json()["signatures"]

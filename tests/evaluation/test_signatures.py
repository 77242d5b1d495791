"""Decisions that rest on evidence, and signatures bound to what was signed.

- A competence is proposed « acquise » only when one of its criteria was observed (a
  simulation, a written reply, the technical interview) or the jury wrote why.
- Nobody signs before the rules can decide; the jury sees beforehand what is missing.
- A signature covers the proposal, the pieces of the file and the decision (a SHA-256 of
  them, stored with the signature); any change after a signature — ticking a piece included —
  voids every signature and makes a new version (the case seen: the observer signed, the
  client juror alone ticked the pieces and signed, and the decision was taken)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from server.certification.models import DeclaredEvidence
from server.core.audit import AuditEntry
from server.core.clock import FakeClock
from server.core.config import Settings
from server.evaluation.signing import seal_of
from tests.evaluation.support import PACK, declare, proposal, propose, run_exam, sign, who
from tests.harness import Harness, running_app

# PostgreSQL as well as SQLite: seals and hashes over rows as each database returns them
pytestmark = pytest.mark.postgres


def _versions(h: Harness, cid: str) -> list[dict[str, Any]]:
    return who(h, "observer_a").get(f"/api/candidates/{cid}/evaluation/deliberation").json()


def _readiness(h: Harness, cid: str, label: str = "observer_a") -> dict[str, Any]:
    url = f"/api/candidates/{cid}/evaluation/deliberation/readiness"
    return who(h, label).get(url).json()


def _mark(h: Harness, cid: str, part: str, competence: str, criterion: int, value: str) -> None:
    url = f"/api/candidates/{cid}/evaluation/marks/{part}/{competence}/{criterion}"
    assert who(h, "observer_a").put(url, json={"value": value}).status_code == 200


def _ready_exam(h: Harness, cid: str) -> None:
    run_exam(h, cid, minutes=190, interviews=2)
    declare(h, cid, "observer_a", "dossier_professionnel", "resultats_formation")


async def _audit(h: Harness, cid: str, action: str) -> list[dict[str, Any]]:
    async with h.ctx.db.session() as s:
        rows = await s.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject == cid, AuditEntry.action == action)
            .order_by(AuditEntry.id)
        )
        return [r.details for r in rows]


def test_acquise_needs_a_criterion_observed_or_a_written_reason(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        bare = {**proposal(h, "titre"), "reasons": {}}
        refused = propose(h, cid, "observer_a", bare)
        assert refused.status_code == 409
        detail = refused.json()["detail"]
        assert "sans évaluation" in detail and "CP1, CP2, CP3" in detail and "CP9" in detail
        # CP1 observed in the survey call; CP2 only « non observé »: not an evaluation.
        _mark(h, cid, "s02-enquete-satisfaction", "CP1", 2, "acquis")
        _mark(h, cid, "s01-info-mobilite-solidaire", "CP2", 1, "non_observe")
        reasons = {c: "Vue à l'entretien technique." for c in ("CP3", "CP4", "CP5", "CP6")}
        reasons |= {c: "Vue à l'entretien technique." for c in ("CP7", "CP8", "CP9")}
        partial = propose(h, cid, "observer_a", {**bare, "reasons": reasons})
        assert partial.status_code == 409 and "sans évaluation : CP2." in partial.json()["detail"]
        # Proposed « non acquise », CP2 needs no reason; a criterion marked non acquis is an
        # evaluation too (CP9 in the written reply), and a blank reason is no reason.
        _mark(h, cid, "writing:e3-courrier-echeancier", "CP9", 5, "non_acquis")
        body = {
            **bare,
            "competences": {**bare["competences"], "CP2": "non_acquise"},
            "ccps": {"CCP1": False, "CCP2": True},
            "title": "ccp_seulement",
            "reasons": {**reasons, "CP9": "  ", "CP2": "ignorée : non acquise"},
        }
        saved = propose(h, cid, "observer_a", body)
        assert saved.status_code == 200, saved.text
        assert saved.json()["proposal"]["reasons"] == {
            c: "Vue à l'entretien technique." for c in ("CP3", "CP4", "CP5", "CP6", "CP7", "CP8")
        }
        outside = propose(h, cid, "observer_a", {**body, "reasons": {"CP42": "x"}})
        assert outside.status_code == 409 and "hors de ce format" in outside.json()["detail"]
        # The evidence is read again before anyone signs: CP1's only observation withdrawn,
        # the proposal no longer rests on evidence and nobody may sign it.
        _ready_exam(h, cid)
        assert _readiness(h, cid)["can_sign"]
        _mark(h, cid, "s02-enquete-satisfaction", "CP1", 2, "non_observe")
        ready = _readiness(h, cid, "client_a")
        assert not ready["can_sign"]
        assert [(b["kind"], b["code"]) for b in ready["blocking"]] == [("competence", "CP1")]
        refused = sign(h, cid, "observer_a")
        assert refused.status_code == 409 and "CP1 est proposée acquise" in refused.json()["detail"]
        assert refused.json()["blocking"][0]["code"] == "CP1"
        assert _versions(h, cid)[-1]["signatures"] == {}


def test_a_signature_covers_the_proposal_the_pieces_and_the_decision(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        _ready_exam(h, cid)
        propose(h, cid, "observer_a", proposal(h, "titre"))
        before = _readiness(h, cid)
        assert before["can_sign"] and before["bound"]["decision"]["outcome"] == "titre"
        first = sign(h, cid, "observer_a").json()
        assert first["seal"] == before["seal"] == seal_of(first["bound"])
        assert first["bound"]["proposal"] == first["proposal"]
        assert first["bound"]["pieces"]["declared"] == [
            "dossier_professionnel",
            "resultats_formation",
        ]
        assert "entretien_final" in first["bound"]["pieces"]["present"]
        locked = sign(h, cid, "client_a").json()
        assert locked["locked"] and locked["seal"] == first["seal"]
        assert set(locked["signed_seals"].values()) == {first["seal"]}
        assert set(locked["signed_seals"]) == set(locked["signatures"])
        signs = h.call(_audit, h, cid, "deliberation.sign")
        assert [d["seal"] for d in signs] == [first["seal"], first["seal"]]
        summary = who(h, "observer_a").get(f"/api/candidates/{cid}/certification").json()
        assert summary["decision"]["outcome"] == locked["bound"]["decision"]["outcome"]


def test_ticking_a_piece_after_a_signature_voids_it_and_makes_a_new_version(
    settings: Settings, clock: FakeClock
) -> None:
    """The case seen: the observer signed version 1; the client juror alone changed the pieces
    and signed; the decision was taken with the observer's old signature."""
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        _ready_exam(h, cid)
        propose(h, cid, "client_a", proposal(h, "titre"))
        assert sign(h, cid, "observer_a").status_code == 200
        # The same pieces saved again change nothing: the signature stands.
        declare(h, cid, "client_a", "dossier_professionnel", "resultats_formation")
        assert len(_versions(h, cid)) == 1
        with who(h, "observer_a").ws() as ws:
            ws.receive_json()
            declare(h, cid, "client_a", "dossier_professionnel", "resultats_formation",
                    "livret_certification")  # fmt: skip
            heard = []
            while len(heard) < 2:
                msg = ws.receive_json()
                if msg["type"] == "evaluation.deliberation":
                    heard.append(msg["deliberation"])
        assert [(v["version"], v["voided"]) for v in heard] == [(1, True), (2, False)]
        v1, v2 = _versions(h, cid)
        assert v1["voided"] and "pièces du dossier" in v1["voided_reason"]
        assert list(v1["signatures"]) == [h.day.ids["observer_a"]]  # kept, as it was
        assert (v2["version"], v2["signatures"], v2["proposal"]) == (2, {}, v1["proposal"])
        # The client juror's signature alone does not lock: the observer signs again.
        alone = sign(h, cid, "client_a").json()
        assert (alone["version"], alone["locked"]) == (2, False)
        assert sign(h, cid, "observer_a").json()["locked"]
        summary = who(h, "observer_a").get(f"/api/candidates/{cid}/certification").json()
        assert summary["decision_version"] == 2
        (void,) = h.call(_audit, h, cid, "deliberation.void")
        assert void["voided_signatures"] == v1["signatures"] and void["seal"] == v1["seal"]
        # After the lock, a piece changed makes version 3 for both to sign; version 2 stays
        # signed and its decision in force until then.
        declare(h, cid, "observer_a", "dossier_professionnel")
        versions = _versions(h, cid)
        assert [(v["version"], v["locked"], v["voided"]) for v in versions] == [
            (1, False, True),
            (2, True, False),
            (3, False, False),
        ]
        summary = who(h, "observer_a").get(f"/api/candidates/{cid}/certification").json()
        assert summary["decision_version"] == 2


async def _tick_behind_the_service(h: Harness, cid: str) -> None:
    async with h.ctx.db.session() as s:
        row = await s.get(DeclaredEvidence, cid)
        assert row is not None
        row.kinds = [*row.kinds, "livret_certification"]
        await s.commit()


def test_the_second_signature_finds_what_the_first_signed_changed(
    settings: Settings, clock: FakeClock
) -> None:
    """Whatever path changed the signed content (here a row written behind the services), the
    second signature compares seals: it is refused, the first one voided, a new version made."""
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        _ready_exam(h, cid)
        propose(h, cid, "observer_a", proposal(h, "titre"))
        first = sign(h, cid, "observer_a").json()
        h.call(_tick_behind_the_service, h, cid)
        refused = sign(h, cid, "client_a")
        assert refused.status_code == 409
        assert "pièces du dossier" in refused.json()["detail"]
        assert refused.json()["deliberation"]["version"] == 2
        v1, v2 = _versions(h, cid)
        assert v1["voided"] and not v1["locked"] and v1["seal"] == first["seal"]
        assert v2["signatures"] == {} and not v2["locked"]
        summary = who(h, "observer_a").get(f"/api/candidates/{cid}/certification").json()
        assert summary["decision"] is None  # nothing was decided on a void signature
        sign(h, cid, "client_a")
        locked = sign(h, cid, "observer_a").json()
        assert locked["locked"] and locked["seal"] != first["seal"]
        assert "livret_certification" in locked["bound"]["pieces"]["declared"]


def test_a_piece_declared_is_told_to_the_jury_and_the_staff_never_to_the_candidate(
    settings: Settings, clock: FakeClock
) -> None:
    """The other juror's deliberation shows the pieces (and whether it may be signed) as
    soon as they change."""
    from tests.evaluation.support import drain

    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        with (
            who(h, "observer_a").ws() as jury,
            who(h, "proctor").ws() as staff,
            who(h, "cand_a").ws() as candidate,
        ):
            for ws in (jury, staff, candidate):
                ws.receive_json()
            declare(h, cid, "client_a", "dossier_professionnel", from_training=True)
            heard = {
                name: [m for m in drain(ws) if m["type"] == "certification.evidence"]
                for name, ws in (("jury", jury), ("staff", staff), ("candidate", candidate))
            }
        expected = {"kinds": ["dossier_professionnel"], "from_training": True}
        assert [m["evidence"] for m in heard["jury"]] == [expected]
        assert [m["evidence"] for m in heard["staff"]] == [expected]
        assert heard["candidate"] == []


async def _change_pathway(h: Harness, cid: str, pathway: str) -> None:
    from server.exams.models import Candidate

    async with h.ctx.db.session() as s:
        cand = await s.get(Candidate, cid)
        assert cand is not None
        cand.pathway = pathway
        await s.commit()


def test_a_decision_taken_again_never_differs_from_what_was_signed(
    settings: Settings, clock: FakeClock
) -> None:
    """The organiser takes the decision again after the seat's facts changed (here its
    pathway): the rules now decide otherwise, so nothing is recorded on the old signatures —
    a new version waits for both jurors; the same facts give the same decision again."""
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        _ready_exam(h, cid)
        propose(h, cid, "observer_a", proposal(h, "titre"))
        sign(h, cid, "observer_a")
        assert sign(h, cid, "client_a").json()["locked"]
        orga = who(h, "organiser")
        url = f"/api/candidates/{cid}/certification/decision"
        assert orga.post(url).status_code == 201  # same facts, same decision
        h.call(_change_pathway, h, cid, "vae")
        refused = orga.post(url)
        assert refused.status_code == 409
        assert "n'est plus celle que les jurés ont signée" in refused.json()["detail"]
        summary = orga.get(f"/api/candidates/{cid}/certification").json()
        assert (summary["decision_version"], summary["decision"]["pathway"]) == (
            1,
            "formation_continue",
        )
        v1, v2 = _versions(h, cid)
        assert v1["locked"] and not v1["voided"] and v2["signatures"] == {}
        sign(h, cid, "observer_a")
        assert sign(h, cid, "client_a").json()["locked"]
        summary = orga.get(f"/api/candidates/{cid}/certification").json()
        assert (summary["decision_version"], summary["decision"]["pathway"]) == (2, "vae")

"""The events of the jury's and the organiser's evaluation and certification routes: the grid,
notes and deliberation to the jury only (never a candidate's page); the file's pieces, the
decision and the person behind a seat to the jury and the session's staff
(tests/web/test_route_events.py guards that every state-changing route has such a test)."""

from __future__ import annotations

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.exams.models import Candidate
from tests.evaluation.support import PACK, declare, proposal, propose, run_exam, sign, who
from tests.events_check import covers_routes, verify_request
from tests.harness import Harness, running_app

# PostgreSQL as well as SQLite: every action once on PostgreSQL (tests/test_database_policy.py)
pytestmark = pytest.mark.postgres

JURY_AND_STAFF = ("jury:cand_a", "staff:session")
# Alice's two seats: the standard day's and a later session's.
ALICE = ("jury:cand_a", "staff:session", "jury:seat_2", "staff:session_2")


def to(audiences: tuple[str, ...], *types: str) -> dict[str, list[str]]:
    return {audience: list(types) for audience in audiences}


@covers_routes(
    "PUT /api/candidates/{candidate_id}/evaluation/marks/{part}/{competence}/{criterion}",
    "POST /api/candidates/{candidate_id}/evaluation/notes",
    "PUT /api/candidates/{candidate_id}/evaluation/interviews/{topic}",
    "PUT /api/candidates/{candidate_id}/certification/evidence",
    "PUT /api/candidates/{candidate_id}/evaluation/deliberation",
    "POST /api/candidates/{candidate_id}/evaluation/deliberation/sign",
    "POST /api/candidates/{candidate_id}/certification/decision",
    "PUT /api/candidates/{candidate_id}/certification/person",
    "PUT /api/persons/{person_id}",
    "POST /api/persons/{person_id}/prior-ccps",
)
def test_evaluating_deliberating_and_certifying(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        client, observer, orga = who(h, "client_a"), who(h, "observer_a"), who(h, "organiser")
        base = f"/api/candidates/{cid}/evaluation"
        grid = observer.get(base).json()
        part = grid["parts"][0]
        competence = part["competences"][0]
        criterion = competence["criteria"][0]["index"]
        url = f"{base}/marks/{part['part']}/{competence['code']}/{criterion}"
        heard = verify_request(h, observer, "PUT", url, json={"value": "non_observe"})
        assert heard == {"jury:cand_a": ["evaluation.mark"]}
        note = {"text": "Bonne reformulation", "offset_ms": 12_000}
        heard = verify_request(h, client, "POST", f"{base}/notes", status=201, json=note)
        assert heard == {"jury:cand_a": ["evaluation.note"]}
        url = f"{base}/interviews/{grid['interview_topics'][-1]}"
        heard = verify_request(h, observer, "PUT", url, json={"text": "Projet clair."})
        assert heard == {"jury:cand_a": ["evaluation.interview"]}

        run_exam(h, cid, minutes=190, interviews=2)
        evidence = f"/api/candidates/{cid}/certification/evidence"
        pieces = {"kinds": ["dossier_professionnel", "resultats_formation"]}
        heard = verify_request(h, observer, "PUT", evidence, json=pieces)
        assert heard == to(JURY_AND_STAFF, "certification.evidence")
        heard = verify_request(h, client, "PUT", f"{base}/deliberation", json=proposal(h, "titre"))
        assert heard == {"jury:cand_a": ["evaluation.deliberation"]}
        heard = verify_request(h, client, "POST", f"{base}/deliberation/sign")
        assert heard == {"jury:cand_a": ["evaluation.deliberation"]}
        # The second signature locks it: the decision is taken, for the jury and the staff.
        heard = verify_request(h, observer, "POST", f"{base}/deliberation/sign")
        assert heard == {
            "jury:cand_a": ["evaluation.deliberation", "certification.decision"],
            "staff:session": ["certification.decision"],
        }
        assert heard.response.json()["locked"]

        certification = f"/api/candidates/{cid}/certification"
        decision = f"{certification}/decision"
        heard = verify_request(h, orga, "POST", decision, status=201)
        assert heard == to(JURY_AND_STAFF, "certification.decision")
        person = orga.get(certification).json()["person_id"]
        # The seat is this person's already: nothing changes, nothing is told.
        link = {"same_as_candidate_id": cid}
        assert verify_request(h, orga, "PUT", f"{certification}/person", json=link) == {}
        # A person's identity corrected changes no decision: nothing is told.
        identity = {"last_name": "Durand", "first_name": "Alice", "birth_date": "1990-04-02"}
        assert verify_request(h, orga, "PUT", f"/api/persons/{person}", json=identity) == {}
        # Alice's seat at a later session, linked to her: what the rules decide for each of her
        # seats may change (CCP 1 counts, the final interview is due): their deliberation
        # panels read it again (their jury's, and their session's staff).
        later = {"centre": "Centre test", "day": "2026-09-14", "format_id": "ccp2"}
        sid2 = orga.post("/api/sessions", json=later).json()["id"]
        alice = {"last_name": "Durand", "first_name": "Alice", "pathway": "capitalisation"}
        seat = orga.post(f"/api/sessions/{sid2}/candidates", json=alice).json()["id"]
        h.day.ids.update(seat_2=seat, session_2=sid2)  # the audiences' labels
        url = f"/api/candidates/{seat}/certification/person"
        heard = verify_request(h, orga, "PUT", url, json=link)
        assert heard == to(ALICE, "certification.person")
        prior = {
            "title_id": "CRCD",
            "version": h.ctx.titles["CRCD"].version,
            "ccp": "CCP1",
            "obtained_on": "2025-11-20",
            "session_label": "Centre B",
        }
        url = f"/api/persons/{person}/prior-ccps"
        heard = verify_request(h, orga, "POST", url, status=201, json=prior)
        assert heard == to(ALICE, "certification.person")

        # A piece withdrawn after the signatures voids the signed version: its successor waits
        # for both jurors (the voided one, then the new one, to the jury).
        pieces = {"kinds": ["dossier_professionnel"]}
        heard = verify_request(h, observer, "PUT", evidence, json=pieces)
        assert heard == {
            "jury:cand_a": ["certification.evidence", *["evaluation.deliberation"] * 2],
            "staff:session": ["certification.evidence"],
        }


async def _change_pathway(h: Harness, cid: str, pathway: str) -> None:
    async with h.ctx.db.session() as s:
        cand = await s.get(Candidate, cid)
        assert cand is not None
        cand.pathway = pathway
        await s.commit()


@covers_routes("POST /api/candidates/{candidate_id}/certification/decision")
def test_a_decision_refused_again_still_tells_the_jury_its_new_version(
    settings: Settings, clock: FakeClock
) -> None:
    """The rules no longer take the decision both jurors signed (the seat's pathway changed):
    the request is refused, nothing is decided (no `certification.decision`), and the version
    now waiting for both signatures reaches the jury."""
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        run_exam(h, cid, minutes=190, interviews=2)
        declare(h, cid, "observer_a", "dossier_professionnel", "resultats_formation")
        assert propose(h, cid, "observer_a", proposal(h, "titre")).status_code == 200
        assert sign(h, cid, "observer_a").status_code == 200
        assert sign(h, cid, "client_a").json()["locked"]
        h.call(_change_pathway, h, cid, "vae")
        url = f"/api/candidates/{cid}/certification/decision"
        heard = verify_request(h, who(h, "organiser"), "POST", url, status=409)
        assert heard == {"jury:cand_a": ["evaluation.deliberation"]}

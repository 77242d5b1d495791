"""The events of the candidate's work over HTTP: the CRM copy (each change to the candidate's
page and to the jury, never to the staff), the replies of the writing phase (to the jury's
review) and the notepad (to no one) (tests/web/test_route_events.py guards that every
state-changing route has such a test)."""

from __future__ import annotations

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from tests.evaluation.support import PACK, who
from tests.events_check import covers_routes, verify_request
from tests.harness import Harness, running_app

# PostgreSQL as well as SQLite: every action once on PostgreSQL (tests/test_database_policy.py)
pytestmark = pytest.mark.postgres

SURVEY = "s02-enquete-satisfaction"
BOTH = ("candidate:cand_a", "jury:cand_a")
CARD = "Carte bancaire (module de paiement sécurisé)"


def to(audiences: tuple[str, ...], *types: str) -> dict[str, list[str]]:
    return {audience: list(types) for audience in audiences}


def _next_phase(h: Harness, cid: str) -> None:
    stop = {"reason": "travail_termine", "comment": "Travail terminé."}
    r = who(h, "organiser").post(f"/api/candidates/{cid}/timeline/end-phase", json=stop)
    assert r.status_code == 200, r.text


@covers_routes(
    "PUT /api/candidates/{candidate_id}/notepad",
    "PATCH /api/candidates/{candidate_id}/crm/records/{record_id}",
    "POST /api/candidates/{candidate_id}/crm/records/{record_id}/notes",
    "POST /api/candidates/{candidate_id}/crm/records/{record_id}/appointments",
    "POST /api/candidates/{candidate_id}/crm/records/{record_id}/orders",
    "POST /api/candidates/{candidate_id}/crm/records/{record_id}/agreements",
    "PUT /api/candidates/{candidate_id}/crm/surveys/{simulation_id}/answers/{question_id}",
    "PUT /api/candidates/{candidate_id}/writing/drafts/{task_id}",
)
def test_the_candidates_work(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        assert who(h, "organiser").post(f"/api/candidates/{cid}/timeline/start").status_code == 200
        cand = who(h, "cand_a")
        base = f"/api/candidates/{cid}"
        # The notepad is the candidate's paper: stored, told to no one.
        pad = {"text": "Rappeler M. Chauvin avant 11 h."}
        assert verify_request(h, cand, "PUT", f"{base}/notepad", json=pad) == {}

        _next_phase(h, cid)  # the calls: the CRM is writable
        crm = f"{base}/crm/records"
        # One change per field, each to the candidate's page and the jury's live feed.
        edit = {"email": "b.chauvin@exemple.fr", "street": "9 rue du Prieuré"}
        heard = verify_request(h, cand, "PATCH", f"{crm}/JDL-10051", json=edit)
        assert heard == to(BOTH, "crm.change", "crm.change")
        # The same again changes nothing: nothing is told.
        assert verify_request(h, cand, "PATCH", f"{crm}/JDL-10051", json=edit) == {}
        note = {"channel": "telephone", "summary": "Client rappelé.", "client_id": "n1"}
        heard = verify_request(h, cand, "POST", f"{crm}/JDL-10051/notes", json=note)
        assert heard == to(BOTH, "crm.change")
        # A retry of the same change (its `client_id`) is answered, not told again.
        assert verify_request(h, cand, "POST", f"{crm}/JDL-10051/notes", json=note) == {}
        book = {"kind": "rendez_vous", "at": "2026-03-19T10:00", "contact": "M. Gaudin"}
        book["subject"] = "Audit"
        heard = verify_request(h, cand, "POST", f"{crm}/BOS-P-0342/appointments", json=book)
        assert heard == to(BOTH, "crm.change")
        order = {
            "lines": [{"ref": "JDL-P110", "quantity": 2}, {"ref": "JDL-A520", "quantity": 1}],
            "payment_method": CARD,
            "client_id": "o1",
        }
        heard = verify_request(h, cand, "POST", f"{crm}/JDL-10051/orders", json=order)
        assert heard == to(BOTH, "crm.change")
        deal = {
            "plan": "Échéancier sans frais en 3 mensualités",
            "amount": "250,40",
            "first_date": "2026-03-20",
            "payment_method": "Prélèvement à la date choisie",
            "client_id": "a1",
        }
        heard = verify_request(h, cand, "POST", f"{crm}/ELAN-412096/agreements", json=deal)
        assert heard == to(BOTH, "crm.change")
        answer = f"{base}/crm/surveys/{SURVEY}/answers/q1"
        heard = verify_request(h, cand, "PUT", answer, json={"value": "non"})
        assert heard == to(BOTH, "crm.change")

        _next_phase(h, cid)  # the writing phase
        drafts = cand.get(f"{base}/writing/drafts").json()["drafts"]
        email = next(d for d in drafts if d["channel"] == "courriel")
        reply = {"content": {"subject": "Votre demande", "body": "Bonjour,"}, "base_version": 0}
        url = f"{base}/writing/drafts/{email['task_id']}"
        # The jury's review reads the replies live; the candidate's page has its answer.
        assert verify_request(h, cand, "PUT", url, json=reply) == {"jury:cand_a": ["writing.saved"]}
        assert verify_request(h, cand, "PUT", f"{base}/notepad", json=pad) == {}

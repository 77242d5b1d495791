"""The organiser's other controls: a pack chosen after the session's creation, a planned start
in the past refused (nothing stored), the codes sheet printing the workstations' address, and
ending a phase early / closing an exam through the API — who may, what each page hears, what
the audit log keeps and what a closure does to the decision."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.core.audit import AuditEntry
from server.core.clock import FakeClock
from server.core.config import Settings
from server.exams.models import Candidate
from tests.evaluation.support import PACK, advance, declare, drain, proposal, propose, sign, who
from tests.harness import Harness, running_app


async def _planned(h: Harness, cid: str) -> object:
    async with h.ctx.db.session() as s:
        cand = await s.get(Candidate, cid)
        assert cand is not None
        return cand.planned_start


async def _actions(h: Harness, prefix: str) -> list[AuditEntry]:
    async with h.ctx.db.session() as s:
        return list(
            await s.scalars(
                select(AuditEntry)
                .where(AuditEntry.action.startswith(prefix))
                .order_by(AuditEntry.id)
            )
        )


def test_a_pack_chosen_later_then_frozen_once_a_candidate_started(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:  # the standard day has no pack
        orga, sid = who(h, "organiser"), h.day.session_id
        assert orga.get(f"/api/sessions/{sid}").json()["session"]["pack_snapshot_id"] is None
        r = orga.put(f"/api/sessions/{sid}/pack", json={"pack_id": "inconnu"})
        assert r.status_code == 404 and "inconnu" in r.json()["detail"]
        r = orga.put(f"/api/sessions/{sid}/pack", json={"pack_id": PACK})
        assert r.status_code == 200, r.text
        assert r.json()["pack_label"].startswith(f"{PACK} v")
        subject = who(h, "client_a").get(f"/api/candidates/{h.day.ids['cand_a']}/subject/jury")
        assert subject.status_code == 200, subject.text  # the jury now has its run sheet
        r = orga.put(f"/api/sessions/{sid}/pack", json={"pack_id": PACK})
        assert r.status_code == 422 and "déjà celui" in r.json()["detail"]
        orga.post(f"/api/candidates/{h.day.ids['cand_a']}/timeline/start")
        r = orga.put(f"/api/sessions/{sid}/pack", json={"pack_id": "relais-contact-atlantique"})
        assert r.status_code == 422 and "ne change plus" in r.json()["detail"]
        (row,) = h.call(_actions, h, "session.pack_choose")
        assert row.details["pack"] == PACK and row.details["before"] is None
        assert (
            who(h, "proctor").put(f"/api/sessions/{sid}/pack", json={"pack_id": PACK}).status_code
            == 403
        )


def test_a_planned_start_in_the_past_is_refused_and_nothing_is_stored(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        orga, cid = who(h, "organiser"), h.day.ids["cand_a"]
        url = f"/api/candidates/{cid}/timeline/plan"
        past = (clock.now() - timedelta(minutes=12)).isoformat()
        r = orga.put(url, json={"planned_start": past})
        assert r.status_code == 409
        assert r.json()["code"] == "planned_start_past"
        # 08:00 UTC on 1 June is 10:00 in Paris: the time is said as the centre reads it.
        assert "(01/06/2026 à 9 h 48) est déjà passée de 12 min" in r.json()["detail"]
        assert "préparation" in r.json()["detail"]
        assert h.call(_planned, h, cid) is None
        assert h.call(_actions, h, "timeline.plan_start") == []
        future = (clock.now() + timedelta(minutes=30)).isoformat()
        assert orga.put(url, json={"planned_start": future}).status_code == 200
        r = orga.put(url, json={"planned_start": "2026-06-01T10:00:00"})  # no time zone
        assert r.status_code == 409 and "fuseau" in r.json()["detail"]


def test_the_codes_sheet_prints_the_address_the_workstations_use(
    settings: Settings, clock: FakeClock
) -> None:
    configured = settings.model_copy(update={"public_url": "https://plateau.centre.lan:8443"})
    with running_app(configured, clock) as h:
        codes = who(h, "organiser").get(f"/api/sessions/{h.day.session_id}/codes").json()
        for line in codes:
            assert line["sign_in_url"] == (
                f"https://plateau.centre.lan:8443/connexion?code={line['code']}"
            )


def test_the_organiser_and_the_proctor_end_a_phase_early_and_close_an_exam(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        orga, proctor = who(h, "organiser"), who(h, "proctor")
        a, b = h.day.ids["cand_a"], h.day.ids["cand_b"]
        for cid in (a, b):
            assert orga.post(f"/api/candidates/{cid}/timeline/start").status_code == 200
        advance(h, 20)
        r = proctor.post(
            f"/api/candidates/{a}/timeline/end-phase",
            json={"reason": "travail_termine", "comment": "Lecture du dossier terminée."},
        )
        assert r.status_code == 200, r.text
        assert r.json()["phase"] == "appels"
        # During the calls, the proctor no longer may; the organiser may.
        r = proctor.post(
            f"/api/candidates/{a}/timeline/close",
            json={"reason": "exclusion_fraude", "comment": "x"},
        )
        assert (
            r.status_code == 409 and "Le surveillant n'intervient que pendant" in r.json()["detail"]
        )
        r = orga.post(f"/api/candidates/{a}/timeline/close", json={"reason": "abandon"})
        assert r.status_code == 422  # the comment is required
        r = orga.post(
            f"/api/candidates/{a}/timeline/close",
            json={"reason": "plus_envie", "comment": "x"},
        )
        assert r.status_code == 422
        for label in ("client_a", "cand_a"):
            assert (
                who(h, label)
                .post(
                    f"/api/candidates/{a}/timeline/close",
                    json={"reason": "abandon", "comment": "x"},
                )
                .status_code
                == 403
            )

        jury, cand = who(h, "observer_a"), who(h, "cand_a")
        with jury.ws() as jury_ws, cand.ws() as cand_ws:
            jury_ws.receive_json(), cand_ws.receive_json()
            r = orga.post(
                f"/api/candidates/{a}/timeline/close",
                json={"reason": "abandon", "comment": "Malaise, le candidat quitte la salle."},
            )
            assert r.status_code == 200, r.text
            assert r.json()["status"] == "finished"
            assert r.json()["closure"]["comment"] == "Malaise, le candidat quitte la salle."
            seen_by_jury = [m for m in drain(jury_ws) if m["type"] == "timeline"]
            seen_by_candidate = [m for m in drain(cand_ws) if m["type"] == "timeline"]
        assert seen_by_jury[-1]["state"]["closure"]["comment"].startswith("Malaise")
        assert seen_by_candidate[-1]["state"]["closure"]["reason_label"] == "Abandon du candidat"
        assert all("Malaise" not in str(m) for m in seen_by_candidate)
        own = cand.get(f"/api/candidates/{a}/timeline").json()
        assert own["status_label"] == "Close : Abandon du candidat"
        assert own["closure"]["comment"] == "" and own["closure"]["by"] is None

        # No decision after an abandon: signing is refused and says why.
        declare(h, a, "observer_a", "dossier_professionnel", "resultats_formation")
        assert propose(h, a, "observer_a", proposal(h, "titre")).status_code == 200
        sign(h, a, "observer_a")
        refused = sign(h, a, "client_a")
        assert refused.status_code == 409 and "Abandon" in refused.json()["detail"]
        assert "pas de décision" in refused.json()["detail"]
        preview = orga.get(f"/api/candidates/{a}/certification/decision/preview").json()
        assert preview["ok"] is False and "Abandon" in preview["refused"]

        # Bruno: the proctor excludes him during the writing phase.
        advance(h, 60 + 90 + 5)
        r = proctor.post(
            f"/api/candidates/{b}/timeline/close",
            json={"reason": "exclusion_fraude", "comment": "Téléphone consulté."},
        )
        assert r.status_code == 200 and r.json()["closure"]["phase"] == "redaction"

        rows = h.call(_actions, h, "timeline.phase_ended")
        stops = [r for r in rows if r.details.get("cause") in ("early", "closed")]
        assert [(r.subject, r.details["cause"], r.details["reason"]) for r in stops] == [
            (a, "early", "travail_termine"),
            (a, "closed", "abandon"),
            (b, "closed", "exclusion_fraude"),
        ]
        assert stops[0].actor.startswith("proctor:") and stops[1].actor.startswith("organiser:")
        assert stops[1].details["comment"].startswith("Malaise")


def test_results_and_pv_say_what_a_closure_did(settings: Settings, clock: FakeClock) -> None:
    from tests.exams.test_people import _text

    with running_app(settings, clock, pack_id=PACK) as h:
        orga, sid, b = who(h, "organiser"), h.day.session_id, h.day.ids["cand_b"]
        orga.post(f"/api/candidates/{b}/timeline/start")
        advance(h, 70)
        orga.post(
            f"/api/candidates/{b}/timeline/close",
            json={"reason": "panne_technique", "comment": "Coupure électrique du plateau."},
        )
        results = _text(orga.get(f"/api/sessions/{sid}/documents/resultats.pdf").content)
        assert "Bruno PETIT" in results and "Panne technique" in results
        assert "repasser l'épreuve" in results
        pv = _text(orga.get(f"/api/sessions/{sid}/documents/pv.pdf").content)
        assert "Épreuve close le 01/06/2026 à 11 h 10, phase « Appels » : Panne technique" in pv
        assert "Coupure électrique du plateau." in pv and "Pas de décision" in pv


def test_the_pages_list_the_server_s_reasons() -> None:
    """The pages' lists of reasons match the server's (no reason the server would refuse)."""
    from server.core.config import PROJECT_ROOT
    from server.exams.closure import reasons_for

    script = (PROJECT_ROOT / "softphone_web" / "js" / "components" / "stop-reasons.js").read_text()
    for closing in (True, False):
        for reason in reasons_for(closing=closing):
            assert f'"{reason["value"]}"' in script and reason["label"] in script

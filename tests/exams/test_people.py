"""The organiser corrects and removes people: a corrected name reaches the codes sheet, the
grid, the procès-verbal and the livret; documents already issued get a new version (the old
one is kept, byte for byte); a person removed before they started can no longer sign in, and
their open page is closed; every change is audited; what cannot be done is said in French."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select
from starlette.websockets import WebSocketDisconnect

from server.core.audit import AuditEntry
from server.core.clock import FakeClock
from server.core.config import Settings
from tests.evaluation.support import PACK, declare, proposal, propose, run_exam, sign, who
from tests.harness import Harness, running_app


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


async def _audit(h: Harness, action: str) -> list[AuditEntry]:
    async with h.ctx.db.session() as s:
        return list(
            await s.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


def _partial_success(h: Harness, cid: str) -> None:
    """Alice sits the title and obtains CCP1 only (a livret)."""
    run_exam(h, cid, minutes=190, interviews=2)
    declare(h, cid, "observer_a", "dossier_professionnel", "resultats_formation")
    body = proposal(h, "titre")
    body["ccps"]["CCP2"] = False
    body["title"] = "ccp_seulement"
    body["competences"] = {
        c: ("acquise" if c <= "CP4" else "non_acquise") for c in body["competences"]
    }
    assert propose(h, cid, "observer_a", body).status_code == 200
    sign(h, cid, "observer_a")
    assert sign(h, cid, "client_a").json()["locked"]


def test_a_corrected_name_reaches_every_document_and_issued_ones_get_a_new_version(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        orga, sid, cid = who(h, "organiser"), h.day.session_id, h.day.ids["cand_a"]
        _partial_success(h, cid)
        issued = {}
        for kind, subject in (("pv", None), ("resultats", None), ("livret", cid), ("grille", cid)):
            r = orga.post(
                f"/api/sessions/{sid}/documents/issue",
                json={"kind": kind, "candidate_id": subject},
            )
            assert r.status_code == 201, r.text
            issued[kind] = r.json()
            assert r.json()["version"] == 1
            assert "Alice DURAND" in _text(orga.get(r.json()["url"]).content)

        r = orga.request(
            "PATCH", f"/api/sessions/{sid}/candidates/{cid}", json={"last_name": "Durant"}
        )
        assert r.status_code == 200, r.text
        assert r.json()["candidate"]["display_name"] == "Alice DURANT"
        again = {d["kind"]: d for d in r.json()["reissued"]}
        assert set(again) == {"pv", "resultats", "livret", "grille"}
        for kind, doc in again.items():
            assert doc["version"] == 2 and "Durand" in doc["reason"] and "Durant" in doc["reason"]
            text = _text(orga.get(doc["url"]).content)
            assert "Alice DURANT" in text and "Alice DURAND" not in text, kind
            assert "remplace la version 1" in text, kind
            old = orga.get(issued[kind]["url"])  # the first version is kept as it was
            assert old.headers["X-Content-SHA256"] == issued[kind]["sha256"]
            assert "Alice DURAND" in _text(old.content)
        # The codes sheet and the live documents say the new name too.
        names = {
            c["participant_id"]: c["display_name"]
            for c in orga.get(f"/api/sessions/{sid}/codes").json()
        }
        assert names[cid] == "Alice DURANT"
        tab = orga.get(f"/api/sessions/{sid}/documents").json()
        assert [len(v) for v in tab["session"]["issued"].values()] == [2, 2]
        mine = next(c for c in tab["candidates"] if c["id"] == cid)
        assert mine["name"] == "Alice DURANT" and len(mine["issued"]["livret"]) == 2
        (row,) = h.call(_audit, h, "session.candidate_correct")
        assert row.details["before"]["last_name"] == "Durand"
        assert row.details["after"]["display_name"] == "Alice DURANT"
        assert row.actor.startswith("organiser:")
        assert len(h.call(_audit, h, "document.issue")) == 8


def test_a_juror_s_corrected_name_reissues_the_documents_that_name_them(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        orga, sid = who(h, "organiser"), h.day.session_id
        a, b = h.day.ids["cand_a"], h.day.ids["cand_b"]
        for cid in (a, b):
            assert (
                orga.post(
                    f"/api/sessions/{sid}/documents/issue",
                    json={"kind": "grille", "candidate_id": cid},
                ).status_code
                == 201
            )
        orga.post(f"/api/sessions/{sid}/documents/issue", json={"kind": "pv"})
        r = orga.request(
            "PATCH",
            f"/api/sessions/{sid}/staff/{h.day.ids['client_a']}",
            json={"display_name": "Mme Jeanne Client"},
        )
        assert r.status_code == 200, r.text
        # The PV names every juror; only Alice's grid names this one.
        assert sorted((d["kind"], d["subject"]) for d in r.json()["reissued"]) == [
            ("grille", a),
            ("pv", "session"),
        ]
        assert "Mme Jeanne Client" in _text(orga.get(r.json()["reissued"][0]["url"]).content)
        staff = {
            p["id"]: p["display_name"] for p in orga.get(f"/api/sessions/{sid}").json()["staff"]
        }
        assert staff[h.day.ids["client_a"]] == "Mme Jeanne Client"
        assert h.call(_audit, h, "session.juror_correct")[0].details == {
            "before": {"display_name": "client_a"},
            "after": {"display_name": "Mme Jeanne Client"},
        }


def test_corrections_that_cannot_be_made_are_refused_in_french(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        orga, sid, cid = who(h, "organiser"), h.day.session_id, h.day.ids["cand_a"]
        base = f"/api/sessions/{sid}/candidates/{cid}"
        r = orga.request("PATCH", base, json={})
        assert r.status_code == 422 and "Rien à corriger" in r.json()["detail"]
        r = orga.request("PATCH", base, json={"last_name": "   "})
        assert r.status_code == 422
        r = orga.request("PATCH", base, json={"first_name": "Alice"})
        assert r.status_code == 422 and "Rien à corriger" in r.json()["detail"]
        assert orga.request("PATCH", base, json={"pathway": "vae"}).status_code == 200
        assert orga.post(f"/api/candidates/{cid}/timeline/start").status_code == 200
        r = orga.request("PATCH", base, json={"pathway": "formation_continue"})
        assert r.status_code == 422 and "parcours ne se corrige plus" in r.json()["detail"]
        r = orga.request("PATCH", base, json={"first_name": "Alicia"})  # names: still
        assert r.status_code == 200
        r = orga.request("PATCH", f"/api/sessions/{sid}/staff/{cid}", json={"display_name": "X"})
        assert r.status_code == 422 and "nom et son prénom" in r.json()["detail"]
        other = orga.post(
            "/api/sessions", json={"centre": "Ailleurs", "day": "2026-06-02", "format_id": "titre"}
        ).json()["id"]
        r = orga.request(
            "PATCH", f"/api/sessions/{other}/candidates/{cid}", json={"last_name": "Z"}
        )
        assert r.status_code == 404
        assert who(h, "proctor").request("PATCH", base, json={"last_name": "Z"}).status_code == 403


def test_a_candidate_removed_before_the_start_is_signed_out_everywhere(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        orga, sid, cid = who(h, "organiser"), h.day.session_id, h.day.ids["cand_b"]
        cand = who(h, "cand_b")
        assert cand.get("/api/auth/me").status_code == 200
        url = f"/api/sessions/{sid}/participants/{cid}/remove"
        assert orga.post(url, json={}).status_code == 422  # a reason is required
        # A control at an end of the reason (U+0085 is a space to Unicode) is refused, not
        # trimmed away: the hostile-input property removed a participant with « \uf8e5\x85 ».
        for hostile in ("\uf8e5\x85", "Absent\x0c", "\x85"):
            refused = orga.post(url, json={"reason": hostile})
            assert refused.status_code == 422 and "contrôle interdit" in refused.text, hostile
        with cand.ws() as ws:
            assert ws.receive_json()["type"] == "snapshot"
            r = orga.post(url, json={"reason": "Absent, ne s'est pas présenté."})
            assert r.status_code == 200, r.text
            assert r.json()["pages_closed"] == 1
            try:
                while True:
                    ws.receive_json()
            except WebSocketDisconnect as exc:
                assert exc.code == 4401  # sessions revoked (server/core/revocation.py)
        assert cand.get("/api/auth/me").status_code == 401  # the old token no longer works
        h.client.cookies.clear()
        code = h.client.post("/api/auth/code", json={"code": h.day.codes["cand_b"]})
        assert code.status_code == 401
        detail = orga.get(f"/api/sessions/{sid}").json()
        assert [c["display_name"] for c in detail["candidates"]] == ["Alice DURAND"]
        assert detail["candidates"][0]["position"] == 0
        assert detail["removed"][0]["display_name"] == "Bruno PETIT"
        assert detail["removed"][0]["reason"] == "Absent, ne s'est pas présenté."
        codes = orga.get(f"/api/sessions/{sid}/codes").json()
        assert cid not in {c["participant_id"] for c in codes}
        assert orga.post(url, json={"reason": "encore"}).status_code == 404
        (row,) = h.call(_audit, h, "session.participant_remove")
        assert row.subject == cid and row.details["reason"].startswith("Absent")


def test_only_people_who_have_not_started_can_be_removed(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        orga, sid = who(h, "organiser"), h.day.session_id
        a = h.day.ids["cand_a"]
        observer = who(h, "observer_a")  # signed in before being removed
        assert orga.post(f"/api/candidates/{a}/timeline/start").status_code == 200

        def remove(label: str) -> tuple[int, str]:
            r = orga.post(
                f"/api/sessions/{sid}/participants/{h.day.ids[label]}/remove",
                json={"reason": "Test"},
            )
            return r.status_code, r.json().get("detail", "")

        status, detail = remove("cand_a")
        assert status == 422 and "Clore l'épreuve" in detail
        status, detail = remove("observer_a")
        assert status == 422 and "Alice DURAND" in detail and "autre juré" in detail
        status, detail = remove("proctor")
        assert status == 422 and "nouveau code" in detail
        # Another juror takes Alice's observer's place: the first one can then be removed.
        spare = orga.post(
            f"/api/sessions/{sid}/staff", json={"role": "juror", "display_name": "Remplaçant"}
        ).json()["id"]
        assert (
            orga.put(
                f"/api/sessions/{sid}/candidates/{a}/jury",
                json={"juror_id": spare, "capacity": "observer"},
            ).status_code
            == 204
        )
        assert remove("observer_a")[0] == 200
        assert observer.get("/api/auth/me").status_code == 401
        # Bruno has not started: his jurors can go, and they lose their assignment.
        assert remove("client_b")[0] == 200
        detail_b = next(
            c
            for c in orga.get(f"/api/sessions/{sid}").json()["candidates"]
            if c["id"] == h.day.ids["cand_b"]
        )
        assert detail_b["client_juror_id"] is None
        r = orga.put(
            f"/api/sessions/{sid}/candidates/{h.day.ids['cand_b']}/jury",
            json={"juror_id": h.day.ids["client_b"], "capacity": "client"},
        )
        assert r.status_code == 422 and "n'existe pas" in r.json()["detail"]

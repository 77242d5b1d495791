"""Certification through the application: the decision taken when both jurors sign, the
person behind seats of different sessions (capitalisation: CCP 1 at one session, CCP 2 and
the final interview at a later one → the title), what remains to sit, prior CCPs, the livret
and the results list."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from server.core.clock import FakeClock
from server.core.config import Settings
from server.exams.models import Candidate
from tests.evaluation.support import (
    PACK,
    declare,
    proposal,
    propose,
    run_exam,
    sign,
    who,
)
from tests.harness import Harness, running_app


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def _deliberate(h: Harness, cid: str, jurors: tuple[str, str], body: dict) -> Any:
    assert propose(h, cid, jurors[0], body).status_code == 200
    assert sign(h, cid, jurors[0]).status_code == 200
    return sign(h, cid, jurors[1])


async def _set_pathway(h: Harness, candidate_id: str, pathway: str) -> None:
    async with h.ctx.db.session() as s:
        cand = await s.get(Candidate, candidate_id)
        assert cand is not None
        cand.pathway = pathway
        await s.commit()


def test_a_title_session_ends_with_the_title_and_its_documents(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        run_exam(h, cid, minutes=190, interviews=2)
        declare(h, cid, "observer_a", "dossier_professionnel", "resultats_formation")
        locked = _deliberate(h, cid, ("client_a", "observer_a"), proposal(h, "titre"))
        assert locked.json()["locked"]
        orga = who(h, "organiser")
        summary = orga.get(f"/api/candidates/{cid}/certification").json()
        assert {"mise_en_situation", "entretien_technique", "entretien_final"} <= set(
            summary["evidence"]
        )
        decision = summary["decision"]
        assert decision["outcome"] == "titre" and decision["title_award"]["title_id"] == "CRCD"
        assert summary["plan"]["title_held"] and summary["plan"]["remaining"] == []
        # The organiser may take the decision again from the signed version (same result).
        again = orga.post(f"/api/candidates/{cid}/certification/decision")
        assert again.status_code == 201 and again.json()["document_label"] == "Parchemin"
        assert (
            who(h, "observer_a").post(f"/api/candidates/{cid}/certification/decision").status_code
            == 403
        )
        results = orga.get(f"/api/sessions/{h.day.session_id}/documents/resultats.pdf")
        text = _text(results.content)
        assert "Alice DURAND" in text and "Titre obtenu" in text and "Parchemin" in text
        # Bruno has no decision yet: the procès-verbal says so.
        pv = _text(orga.get(f"/api/sessions/{h.day.session_id}/documents/pv.pdf").content)
        assert "Alice DURAND" in pv and "Bruno PETIT" in pv and "En attente" in pv
        # No CCP obtained by Bruno: no livret (refused, said in French).
        refused = orga.get(f"/api/candidates/{h.day.ids['cand_b']}/documents/livret.pdf")
        assert refused.status_code == 409 and "livret" in refused.json()["detail"]


def _second_session(h: Harness, fmt: str) -> tuple[str, str]:
    """A later session of `fmt` with Alice Durand's seat and its two jurors (codes kept as
    j2_client / j2_observer)."""
    orga = who(h, "organiser")
    sid = orga.post(
        "/api/sessions",
        json={"centre": "Centre test", "day": "2026-09-14", "format_id": fmt, "pack_id": PACK},
    ).json()["id"]
    seat = orga.post(
        f"/api/sessions/{sid}/candidates",
        json={"last_name": "Durand", "first_name": "Alice", "pathway": "capitalisation"},
    ).json()["id"]
    jurors = [
        orga.post(f"/api/sessions/{sid}/staff", json={"role": "juror", "display_name": n}).json()[
            "id"
        ]
        for n in ("J. Client", "J. Observateur")
    ]
    for juror, capacity in zip(jurors, ("client", "observer"), strict=True):
        orga.put(
            f"/api/sessions/{sid}/candidates/{seat}/jury",
            json={"juror_id": juror, "capacity": capacity},
        )
    codes = {x["participant_id"]: x["code"] for x in orga.get(f"/api/sessions/{sid}/codes").json()}
    h.day.codes.update(j2_client=codes[jurors[0]], j2_observer=codes[jurors[1]])
    return sid, seat


def test_capitalisation_ccp1_then_ccp2_with_the_final_interview_gives_the_title(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK, format_id="ccp1") as h:
        cid = h.day.ids["cand_a"]
        h.call(_set_pathway, h, cid, "capitalisation")  # one CCP at a time
        run_exam(h, cid, minutes=90, interviews=1)
        declare(
            h,
            cid,
            "observer_a",
            "dossier_professionnel",
            "resultats_formation",
            from_training=True,
        )
        first = _deliberate(h, cid, ("client_a", "observer_a"), proposal(h, "ccp1"))
        assert first.json()["locked"], first.text
        orga = who(h, "organiser")
        summary = orga.get(f"/api/candidates/{cid}/certification").json()
        assert (summary["decision"]["outcome"], summary["plan"]["remaining"]) == (
            "reussite_partielle",
            ["CCP2"],
        )
        assert summary["plan"]["formats"] == ["ccp2"]
        person = summary["person_id"]
        livret = _text(orga.get(f"/api/candidates/{cid}/documents/livret.pdf").content)
        assert "Livret de certification" in livret and "CCP1" in livret and "CCP2" in livret
        assert "Alice DURAND" in livret

        sid, seat = _second_session(h, "ccp2")
        # Not yet known as the same person: CCP 1 does not count, the title is refused.
        assert not orga.get(f"/api/candidates/{seat}/certification").json()["final_interview_due"]
        run_exam(h, seat, minutes=120, interviews=1)
        declare(
            h,
            seat,
            "j2_observer",
            "dossier_professionnel",
            "resultats_formation",
            "entretien_final",
            "livret_certification",
            from_training=True,
        )
        with_title = proposal(h, "ccp2", title="obtenu")
        assert propose(h, seat, "j2_client", with_title).status_code == 200
        # Nobody signs while the rules refuse the decision (CCP 1 is not held).
        refused = sign(h, seat, "j2_client")
        assert refused.status_code == 409 and "CCP1" in refused.json()["detail"]
        assert refused.json()["blocking"][0]["kind"] == "rule"
        # The organiser says it is the same person: CCP 1 counts, the final interview is due.
        found = orga.get("/api/persons", params={"q": "durand"}).json()
        assert [p["id"] for p in found] == [person]
        linked = orga.put(
            f"/api/candidates/{seat}/certification/person", json={"same_as_candidate_id": cid}
        )
        assert linked.json() == {"candidate_id": seat, "person_id": person}
        assert orga.get(f"/api/candidates/{seat}/certification").json()["final_interview_due"]
        assert sign(h, seat, "j2_client").status_code == 200
        locked = sign(h, seat, "j2_observer")
        assert locked.status_code == 200 and locked.json()["locked"], locked.text
        decision = orga.get(f"/api/candidates/{seat}/certification").json()["decision"]
        assert decision["outcome"] == "titre"
        assert [g["ccp"] for g in decision["granted"]] == ["CCP2"]
        assert [x["code"] for x in decision["held"]] == ["CCP1", "CCP2"]
        detail = orga.get(f"/api/persons/{person}").json()
        assert sorted(s["candidate_id"] for s in detail["seats"]) == sorted([cid, seat])
        assert sorted(x["ccp"] for x in detail["record"]["ccps"]) == ["CCP1", "CCP2"]
        assert len(detail["record"]["titles"]) == 1
        plan = detail["plans"]["CRCD"]
        assert plan["title_held"] and plan["remaining"] == []
        results = _text(orga.get(f"/api/sessions/{sid}/documents/resultats.pdf").content)
        assert "Titre obtenu" in results and "CCP1, CCP2" in results


def test_person_identity_prior_ccps_and_links(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        a, b = h.day.ids["cand_a"], h.day.ids["cand_b"]
        orga = who(h, "organiser")
        # Two seats of one session are two people.
        orga.put(f"/api/candidates/{a}/certification/person", json={"same_as_candidate_id": a})
        person = orga.get(f"/api/candidates/{a}/certification").json()["person_id"]
        same = orga.put(
            f"/api/candidates/{b}/certification/person", json={"same_as_candidate_id": a}
        )
        assert same.status_code == 409 and "même session" in same.json()["detail"]
        both = orga.put(
            f"/api/candidates/{b}/certification/person",
            json={"same_as_candidate_id": a, "person_id": person},
        )
        assert both.status_code == 409
        ident = orga.put(
            f"/api/persons/{person}",
            json={
                "last_name": "Durand",
                "first_name": "Alice",
                "birth_date": "1990-04-02",
                "external_id": "MIN-42",
            },
        )
        assert ident.json()["external_id"] == "MIN-42"
        assert [p["id"] for p in orga.get("/api/persons", params={"q": "min-4"}).json()] == [person]
        prior = {
            "title_id": "CRCD",
            "version": h.ctx.titles["CRCD"].version,
            "ccp": "CCP1",
            "obtained_on": "2025-11-20",
            "session_label": "Centre B",
        }
        added = orga.post(f"/api/persons/{person}/prior-ccps", json=prior)
        assert added.status_code == 201
        assert added.json()["plans"]["CRCD"]["remaining"] == ["CCP2"]
        assert (
            orga.post(
                f"/api/persons/{person}/prior-ccps", json={**prior, "ccp": "CCP9"}
            ).status_code
            == 409
        )
        assert (
            orga.post(
                f"/api/persons/{person}/prior-ccps", json={**prior, "version": "1999"}
            ).status_code
            == 409
        )
        summary = orga.get(f"/api/candidates/{a}/certification").json()
        assert summary["plan"]["remaining"] == ["CCP2"]
        # Jurors and candidates do not manage people.
        assert who(h, "observer_a").get("/api/persons").status_code == 403
        assert who(h, "cand_a").get(f"/api/persons/{person}").status_code == 403
        assert (
            who(h, "observer_a")
            .put(f"/api/candidates/{a}/certification/person", json={"person_id": person})
            .status_code
            == 403
        )

"""The locked-down writing phase: drafts saved and brought back, conflicts, refused saves kept
for an appeal, the freeze at the deadline (also across a restart), the notepad, the jury's
read-only review with the spelling aid."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from sqlalchemy import select

from server.core.clock import FakeClock
from server.core.config import Settings
from server.exams import timeline_service
from server.writing.models import SaveLog
from tests.harness import Harness, running_app

PACK = "plateforme-horizon"
TEXT = "Bonjour Madame,\nvotre échéancier est confirmé 👍 — « e\u0301 » combiné.\n"
# Every text is stored in NFC (the input policy, server/core/text.py): « e + ◌́ » becomes « é ».
STORED = unicodedata.normalize("NFC", TEXT)


def _advance(h: Harness, minutes: float) -> None:
    h.clock.advance(timedelta(minutes=minutes))
    h.call(timeline_service.advance_all, h.ctx)


def _start(h: Harness) -> str:
    cid = h.day.ids["cand_a"]
    h.login("organiser")
    assert h.client.post(f"/api/candidates/{cid}/timeline/start").status_code == 200
    return cid


def test_drafts_are_sealed_then_saved_then_frozen_at_the_deadline(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = _start(h)
        base = f"/api/candidates/{cid}"
        c = h.login("cand_a")
        assert c.get(f"{base}/writing/drafts").status_code == 409  # sealed before the phase
        _advance(h, 150)  # preparation + calls
        c = h.login("cand_a")
        data = c.get(f"{base}/writing/drafts").json()
        assert data["writable"] and len(data["drafts"]) == 3
        channels = {d["channel"]: d for d in data["drafts"]}
        email = channels["courriel"]
        r = c.put(
            f"{base}/writing/drafts/{email['task_id']}",
            json={
                "content": {"to": "a@b.fr", "subject": "Votre demande", "body": TEXT},
                "base_version": 0,
            },
        )
        assert r.status_code == 200 and r.json()["version"] == 1
        # A reload brings every character back.
        again = {d["task_id"]: d for d in c.get(f"{base}/writing/drafts").json()["drafts"]}
        assert again[email["task_id"]]["content"]["body"] == STORED
        # A stale second tab is told, with the current text: nothing is overwritten.
        stale = c.put(
            f"{base}/writing/drafts/{email['task_id']}",
            json={"content": {"body": "ancien"}, "base_version": 0},
        )
        assert stale.status_code == 409 and stale.json()["current"]["content"]["body"] == STORED
        sms = channels["sms"]
        counted = c.put(
            f"{base}/writing/drafts/{sms['task_id']}",
            json={"content": {"body": "Rdv confirmé le 3/04 à 10h"}, "base_version": 0},
        )
        assert counted.json()["counts"]["segments"] == 1
        assert counted.json()["counts"]["encoding"] == "GSM-7"

        _advance(h, 40)  # the deadline: frozen
        c = h.login("cand_a")
        late = c.put(
            f"{base}/writing/drafts/{email['task_id']}",
            json={"content": {"body": "trop tard"}, "base_version": 1},
        )
        assert late.status_code == 409 and "écoulé" in late.json()["detail"]
        frozen = {d["task_id"]: d for d in c.get(f"{base}/writing/drafts").json()["drafts"]}
        assert frozen[email["task_id"]]["frozen"] and frozen[email["task_id"]]["sha256"]
        assert frozen[email["task_id"]]["content"]["body"] == STORED

        async def refused() -> list[SaveLog]:
            async with h.ctx.db.session() as s:
                return list(await s.scalars(select(SaveLog).where(SaveLog.accepted.is_(False))))

        (log,) = h.call(refused)
        assert log.content == {"to": "", "subject": "", "body": "trop tard"}  # kept for appeal


def test_an_outage_across_the_writing_deadline_is_given_back_then_the_deadline_freezes(
    settings: Settings, clock: FakeClock
) -> None:
    """Down across the deadline: the outage is given back (issue 15), so the reply is still
    open after the restart with the time that was left; the moved deadline then freezes it."""
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = _start(h)
        day = h.day
        _advance(h, 155)
        c = h.login("cand_a")
        task = c.get(f"/api/candidates/{cid}/writing/drafts").json()["drafts"][0]
        c.put(
            f"/api/candidates/{cid}/writing/drafts/{task['task_id']}",
            json={"content": {"body": "Madame,"}, "base_version": 0},
        )
        left = c.get(f"/api/candidates/{cid}/timeline").json()["remaining_seconds"]
    clock.advance(timedelta(minutes=60))  # down across the writing deadline
    with running_app(settings, clock, pack_id=PACK, day=day) as h:
        c = h.login("cand_a")
        assert c.get(f"/api/candidates/{cid}/timeline").json()["remaining_seconds"] == left
        assert c.get(f"/api/candidates/{cid}/writing/drafts").json()["writable"]
        _advance(h, left / 60 + 1)
        h.login("observer_a")
        review = h.client.get(f"/api/candidates/{cid}/writing/review").json()
        assert review["frozen"] and review["drafts"][0]["frozen"]


def test_paused_saves_are_refused_and_logged(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = _start(h)
        _advance(h, 151)
        h.login("proctor")
        h.client.post(f"/api/candidates/{cid}/timeline/pause", json={"reason": "Coupure"})
        c = h.login("cand_a")
        task = c.get(f"/api/candidates/{cid}/writing/drafts").json()["drafts"][0]
        r = c.put(
            f"/api/candidates/{cid}/writing/drafts/{task['task_id']}",
            json={"content": {"body": "x"}, "base_version": 0},
        )
        assert r.status_code == 409 and "pause" in r.json()["detail"]


def test_notepad_persists_from_the_preparation_and_the_jury_reviews_with_the_aid(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = _start(h)
        c = h.login("cand_a")
        r = c.put(f"/api/candidates/{cid}/notepad", json={"text": "Tarif fibre 29,99 €"})
        assert r.status_code == 200 and r.json()["version"] == 1
        assert c.get(f"/api/candidates/{cid}/notepad").json()["text"] == "Tarif fibre 29,99 €"
        _advance(h, 150)
        c = h.login("cand_a")
        tasks = c.get(f"/api/candidates/{cid}/writing/drafts").json()["drafts"]
        email = next(d for d in tasks if d["channel"] == "courriel")
        company = h.ctx.packs[PACK].principals[0].name
        c.put(
            f"/api/candidates/{cid}/writing/drafts/{email['task_id']}",
            json={
                "content": {"body": f"Votre adresss chez {company} est  notée."},
                "base_version": 0,
            },
        )
        h.login("observer_a")
        review = h.client.get(f"/api/candidates/{cid}/writing/review").json()
        mine = next(d for d in review["drafts"] if d["task_id"] == email["task_id"])
        issues = mine["issues"]["body"]
        assert any(i["kind"] == "orthographe" and "adresss" in i["message"] for i in issues)
        assert not any(company.split()[0] in i["message"] for i in issues)
        assert any(i["message"] == "Espaces multiples." for i in issues)
        assert mine["saves"] == {"accepted": 1, "refused": 0}
        h.login("cand_b")
        assert h.client.get(f"/api/candidates/{cid}/writing/review").status_code == 403
        assert h.client.get(f"/api/candidates/{cid}/notepad").status_code == 403

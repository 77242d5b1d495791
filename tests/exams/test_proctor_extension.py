"""A proctor extends a candidate's phase only when the organiser allows it (per session, at
most N minutes at a time), only during the phases they supervise; the server checks each
request (not the page). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server.core import audit
from server.core.clock import FakeClock
from server.core.config import Settings
from server.exams import timeline_service
from tests.harness import Harness, running_app

REASON = {"reason": "Poste redémarré"}


def _extend(h: Harness, minutes: int) -> tuple[int, dict]:
    h.login("proctor")
    r = h.client.post(
        f"/api/candidates/{h.day.ids['cand_a']}/timeline/extend",
        json={"minutes": minutes, **REASON},
    )
    return r.status_code, r.json()


def _allow(h: Harness, minutes: int | None, who: str = "organiser") -> int:
    h.login(who)
    r = h.client.put(
        f"/api/sessions/{h.day.session_id}/proctor-extension", json={"minutes": minutes}
    )
    return r.status_code


def test_the_proctor_extends_only_as_the_organiser_allows(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock) as h:
        h.login("organiser")
        assert (
            h.client.post(f"/api/candidates/{h.day.ids['cand_a']}/timeline/start").status_code
            == 200
        )
        # Not allowed by default: refused, and the proctor is told to see the organiser.
        status, body = _extend(h, 5)
        assert status == 403 and "n'a pas autorisé les surveillants" in body["detail"]
        # Only the organiser sets it; the proctor cannot allow themself.
        assert _allow(h, 10, who="proctor") == 403
        assert _allow(h, 0) == 422 and _allow(h, 61) == 422
        assert _allow(h, 10) == 200
        h.login("proctor")
        detail = h.client.get(f"/api/sessions/{h.day.session_id}/overview").json()["detail"]
        assert detail["session"]["proctor_extension_minutes"] == 10
        # Within the limit, during the préparation: done, audited as the proctor's.
        status, state = _extend(h, 7)
        assert status == 200 and state["remaining_seconds"] == 67 * 60
        status, body = _extend(h, 11)
        assert status == 403 and "10 min au plus" in body["detail"]
        # The calls phase is not the proctor's.
        h.clock.advance(timedelta(minutes=67))
        h.call(timeline_service.advance_all, h.ctx)
        status, body = _extend(h, 5)
        assert status == 409 and "Le surveillant n'intervient que pendant" in body["detail"]
        # Withdrawn: refused again.
        assert _allow(h, None) == 200
        h.clock.advance(timedelta(minutes=90))
        h.call(timeline_service.advance_all, h.ctx)
        assert _extend(h, 5)[0] == 403

        async def actions() -> list[tuple[str, str]]:
            async with h.ctx.db.session() as s:
                rows = await s.scalars(
                    select(audit.AuditEntry)
                    .where(
                        audit.AuditEntry.action.in_(
                            ["timeline.extended", "session.proctor_extension"]
                        )
                    )
                    .order_by(audit.AuditEntry.seq)
                )
                return [(r.action, r.actor) for r in rows]

        proctor = f"proctor:{h.day.ids['proctor']}"
        got = h.call(actions)
        assert got[-3:] == [
            ("session.proctor_extension", got[-3][1]),
            ("timeline.extended", proctor),
            ("session.proctor_extension", got[-1][1]),
        ], got
        assert got[-3][1] != proctor and not got[-3][1].startswith("proctor:")

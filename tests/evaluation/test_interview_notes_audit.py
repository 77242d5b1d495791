"""The interviews' notes are shared by the two jurors and the last save wins; the text a save
replaces is kept in the audit log when it was the other juror's (an appeal can read what each
wrote), not at each autosave of one's own text."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from server.core.audit import AuditEntry
from server.core.clock import FakeClock
from server.core.config import Settings
from server.evaluation import interviews
from tests.evaluation.support import PACK
from tests.harness import Harness, running_app
from tests.races import juror


def _logged(h: Harness, cid: str) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        async with h.ctx.db.session() as s:
            rows = await s.scalars(
                select(AuditEntry)
                .where(AuditEntry.subject == cid, AuditEntry.action == "evaluation.interview")
                .order_by(AuditEntry.seq)
            )
            return [r.details for r in rows]

    return h.call(read)


def test_the_other_jurors_text_replaced_is_kept_in_the_audit_log(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        client, observer = juror(h, "client_a"), juror(h, "observer_a")
        for who, text in (
            (client, "Explique bien"),
            (client, "Explique bien l'escalade."),  # an autosave of one's own text
            (observer, "Escalade claire ; reformulation à revoir."),
            (observer, "Escalade claire ; reformulation à revoir."),  # the same text again
        ):
            h.call(interviews.set_interview_note, h.ctx, who, cid, "CP3", text)
        replaced = [d.get("replaced") for d in _logged(h, cid)]
        assert replaced == [
            None,
            None,
            {"by": client.actor, "text": "Explique bien l'escalade."},
            None,
        ]

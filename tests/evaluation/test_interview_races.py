"""The two jurors' first notes of one interview topic at the same instant: both are INSERTs of
the same (candidate, topic) row. The second used to fail with an integrity error (HTTP 500,
then the autosave's retry); now it is written over the first as any later save is (the last
save wins, by design: the page shows the other juror's text beside) — no error, and the
audit log holds both saves. On SQLite and PostgreSQL; the race made certain (each save waits,
before writing, until the other has read the empty row too)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from server.core.audit import AuditEntry
from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.identity import Principal, Role
from server.evaluation import interviews
from server.evaluation.models import InterviewNote
from tests.evaluation.support import PACK
from tests.harness import Harness, running_app
from tests.races import meet_at


def juror(h: Harness, label: str) -> Principal:
    return Principal(Role.JUROR, h.day.ids[label], label, h.day.session_id)


def test_two_first_notes_of_a_topic_at_once_are_both_saved_the_last_kept(
    settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        meet_at(monkeypatch, interviews, "insert_first")  # both read the empty row
        texts = {"client_a": "Notes du juré client.", "observer_a": "Notes de l'observateur."}

        async def both() -> list[Any]:
            return await asyncio.gather(
                *(
                    interviews.set_interview_note(h.ctx, juror(h, label), cid, "CP3", text)
                    for label, text in texts.items()
                ),
                return_exceptions=True,
            )

        results = h.call(both)
        assert all(isinstance(r, dict) for r in results), results

        async def stored() -> tuple[InterviewNote | None, int]:
            async with h.ctx.db.session() as s:
                row = await s.get(InterviewNote, (cid, "CP3"))
                logged = await s.scalars(
                    select(AuditEntry).where(AuditEntry.action == "evaluation.interview")
                )
                return row, len(list(logged))

        row, logged = h.call(stored)
        assert row is not None and row.text in texts.values()
        assert logged == 2

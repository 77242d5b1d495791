"""The two jurors' first notes of one interview topic at the same instant: both are INSERTs of
the same (candidate, topic) row. The second used to fail with an integrity error (HTTP 500,
then the autosave's retry); now it is written over the first as any later save is (the last
save wins, by design: the page shows the other juror's text beside) — no error, and the
audit log holds both saves. On SQLite and PostgreSQL; the race made certain (each save waits,
before writing, until the other has read the empty row too)."""

from __future__ import annotations

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.evaluation import interviews
from server.evaluation.models import InterviewNote
from tests.evaluation.support import PACK
from tests.harness import running_app
from tests.races import audited, juror, meet_at, race

# PostgreSQL as well as SQLite: races: what the database's locks and isolation let through
pytestmark = pytest.mark.postgres


def test_two_first_notes_of_a_topic_at_once_are_both_saved_the_last_kept(
    settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        meet_at(monkeypatch, interviews, "insert_or_theirs")  # both read the empty row
        texts = {"client_a": "Notes du juré client.", "observer_a": "Notes de l'observateur."}

        results = race(
            h,
            *(
                lambda label=label, text=text: interviews.set_interview_note(
                    h.ctx, juror(h, label), cid, "CP3", text
                )
                for label, text in texts.items()
            ),
        )
        assert all(isinstance(r, dict) for r in results), results

        async def stored() -> InterviewNote | None:
            async with h.ctx.db.session() as s:
                return await s.get(InterviewNote, (cid, "CP3"))

        row, logged = h.call(stored), audited(h, cid, "evaluation.interview")
        assert row is not None and row.text in texts.values()
        assert logged == 2

"""A pinned note sent twice at the same instant with the id its page made once (a resend
racing the first send whose answer was slow): both look for it, find nothing, and insert. The
(juror, id) key refuses the second; it answers with the note the first stored — one note, one
audit entry, no error. On SQLite and PostgreSQL; the race made certain (each waits, after its
look, until the other has looked too)."""

from __future__ import annotations

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.evaluation import pinned_notes
from tests.evaluation.support import PACK
from tests.harness import running_app
from tests.races import audited, juror, meet_at, race

# PostgreSQL as well as SQLite: races: what the database's locks and isolation let through
pytestmark = pytest.mark.postgres


def test_a_note_sent_twice_at_once_is_pinned_once(
    settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        meet_at(monkeypatch, pinned_notes, "_sent_before", after=True)  # both found nothing
        observer = juror(h, "observer_a")

        def send() -> object:
            return pinned_notes.pin_note(
                h.ctx, observer, cid, None, None, "Bonne accroche", "n-1c2d"
            )

        first, second = race(h, send, send)
        assert isinstance(first, dict) and isinstance(second, dict), (first, second)
        assert first == second  # the same note, whoever stored it

        async def stored() -> list[str]:
            async with h.ctx.db.session() as s:
                return [n["id"] for n in await pinned_notes.notes(s, cid)]

        assert h.call(stored) == [first["id"]]
        assert audited(h, cid, "evaluation.note") == 1

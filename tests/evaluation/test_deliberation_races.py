"""Two jurors writing the deliberation at the same instant (the case seen in a browser test:
the client juror's save and the observer's, both based on the same version, both written, the
second over the first without a word). Each write is checked against the version it read and
written only if nobody wrote in between: exactly one of two racing writes wins, the other is
refused as a conflict (HTTP 409, the page sets the juror's entry aside), nothing of it is
written — two saves, a save and a signature, two signatures; on SQLite and PostgreSQL.

The race is made certain, not hoped for: each writer reads the versions, then waits until the
other has read them too, and only then writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from server.core.clock import FakeClock
from server.core.config import Settings
from server.evaluation import deliberation
from tests.evaluation.support import PACK, declare, proposal, propose, run_exam
from tests.harness import Harness, running_app
from tests.races import audited, juror, meet_at, race

# PostgreSQL as well as SQLite: races: what the database's locks and isolation let through
pytestmark = pytest.mark.postgres


def both_read_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next two readings of the versions wait for each other before going on."""
    meet_at(monkeypatch, deliberation, "deliberations", after=True)


def one_won(results: list[Any]) -> Any:
    won = [r for r in results if isinstance(r, dict)]
    lost = [r for r in results if isinstance(r, deliberation.StaleDeliberation)]
    assert (len(won), len(lost)) == (1, 1), results
    assert "modifiée par l'autre juré" in str(lost[0]) and "rien n'a été enregistré" in str(lost[0])
    return won[0]


async def versions(h: Harness, cid: str) -> list[dict[str, Any]]:
    async with h.ctx.db.session() as s:
        return [deliberation.deliberation_out(d) for d in await deliberation.deliberations(s, cid)]


def test_two_saves_on_one_version_one_wins_the_other_is_refused(
    settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        first = propose(h, cid, "observer_a", {**proposal(h, "titre"), "base": None}).json()
        seen = {"version": first["version"], "proposal": first["proposal"]}
        both_read_first(monkeypatch)
        texts = {"client_a": "Écrits soignés et précis.", "observer_a": "Texte de l'observateur."}
        results = race(
            h,
            *(
                lambda label=label, text=text: deliberation.propose(
                    h.ctx,
                    juror(h, label),
                    cid,
                    {**proposal(h, "titre"), "justification": text},
                    seen,
                )
                for label, text in texts.items()
            ),
        )
        won = one_won(results)
        stored = h.call(versions, h, cid)
        assert len(stored) == 1
        assert stored[0]["proposal"] == won["proposal"]
        assert audited(h, cid, "deliberation.propose") == 2  # the first, the winner


def test_two_first_proposals_at_once_one_wins(
    settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No version yet: both writes are INSERTs of version 1."""
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        both_read_first(monkeypatch)
        results = race(
            h,
            *(
                lambda label=label: deliberation.propose(
                    h.ctx,
                    juror(h, label),
                    cid,
                    {**proposal(h, "titre"), "justification": f"Par {label}."},
                    None,
                )
                for label in ("client_a", "observer_a")
            ),
        )
        won = one_won(results)
        stored = h.call(versions, h, cid)
        assert [v["proposal"]["justification"] for v in stored] == [
            won["proposal"]["justification"]
        ]


@contextmanager
def ready_to_sign(
    settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Harness, str, dict[str, Any]]]:
    """The app, a candidate whose version 1 may be signed, that version as read; the next two
    readings of the versions meet."""
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        run_exam(h, cid, minutes=190, interviews=2)
        declare(h, cid, "observer_a", "dossier_professionnel", "resultats_formation")
        first = propose(h, cid, "observer_a", {**proposal(h, "titre"), "base": None}).json()
        both_read_first(monkeypatch)
        yield h, cid, {"version": first["version"], "proposal": first["proposal"]}


def test_a_signature_and_a_change_at_once_never_sign_what_was_not_read(
    settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ready_to_sign(settings, clock, monkeypatch) as (h, cid, seen):
        changed = {**proposal(h, "titre"), "justification": "Changée pendant la signature."}
        results = race(
            h,
            lambda: deliberation.sign(h.ctx, juror(h, "client_a"), cid, seen),
            lambda: deliberation.propose(h.ctx, juror(h, "observer_a"), cid, changed, seen),
        )
        won = one_won(results)
        stored = h.call(versions, h, cid)[-1]
        if won["signatures"]:  # the signature won: the change was refused
            assert stored["proposal"] == seen["proposal"]
            assert stored["bound"]["proposal"] == stored["proposal"]
        else:  # the change won: nobody signed it
            assert stored["proposal"]["justification"] == "Changée pendant la signature."
            assert stored["signatures"] == {} and stored["seal"] is None


def test_two_signatures_at_once_lose_neither_silently(
    settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ready_to_sign(settings, clock, monkeypatch) as (h, cid, seen):
        results = race(
            h,
            *(
                lambda label=label: deliberation.sign(h.ctx, juror(h, label), cid, seen)
                for label in ("client_a", "observer_a")
            ),
        )
        won = one_won(results)
        stored = h.call(versions, h, cid)[-1]
        assert stored["signatures"] == won["signatures"] and len(stored["signatures"]) == 1
        assert audited(h, cid, "deliberation.sign") == 1

"""The two jurors' first declarations of the file's pieces at the same instant: both are
INSERTs of the candidate's one row. The second used to fail with an integrity error (HTTP
500); now it is written over the first as a later declaration is, and both are audited. On
SQLite and PostgreSQL; the race made certain (each waits, before writing, until the other has
read the empty row too)."""

from __future__ import annotations

import pytest

from server.certification import evidence
from server.certification.events import EvidenceOut
from server.certification.models import DeclaredEvidence
from server.core.clock import FakeClock
from server.core.config import Settings
from tests.evaluation.support import PACK, who
from tests.harness import Harness, running_app
from tests.races import audited, juror, meet_at, race

# PostgreSQL as well as SQLite: races: what the database's locks and isolation let through
pytestmark = pytest.mark.postgres


def test_two_first_declarations_at_once_are_both_saved_the_last_kept(
    settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        meet_at(monkeypatch, evidence, "insert_or_theirs")  # both read the empty row
        kinds = {"client_a": ["dossier_professionnel"], "observer_a": ["resultats_formation"]}

        results = race(
            h,
            *(
                lambda label=label, chosen=chosen: evidence.declare(
                    h.ctx, juror(h, label), cid, chosen, None
                )
                for label, chosen in kinds.items()
            ),
        )
        assert all(isinstance(r, EvidenceOut) for r in results), results

        async def stored() -> DeclaredEvidence | None:
            async with h.ctx.db.session() as s:
                return await s.get(DeclaredEvidence, cid)

        row, logged = h.call(stored), audited(h, cid, "certification.evidence")
        assert row is not None and row.kinds in kinds.values()
        assert logged == 2


def _stored(h: Harness, cid: str) -> tuple[list[str], bool | None]:
    async def read() -> tuple[list[str], bool | None]:
        async with h.ctx.db.session() as s:
            row = await s.get(DeclaredEvidence, cid)
            assert row is not None
            return sorted(row.kinds), row.from_training

    return h.call(read)


@pytest.mark.parametrize(
    ("client", "observer", "expected"),
    [
        # each ticks a different piece: both are kept
        (
            (["dossier_professionnel", "livret_certification"], None),
            (["dossier_professionnel", "resultats_formation"], None),
            (["dossier_professionnel", "livret_certification", "resultats_formation"], None),
        ),
        # one unticks a piece while the other ticks another
        (
            ([], None),
            (["dossier_professionnel", "presentation_projet"], None),
            (["presentation_projet"], None),
        ),
        # one says the candidate trained, the other ticks a piece
        (
            (["dossier_professionnel"], True),
            (["dossier_professionnel", "livret_certification"], None),
            (["dossier_professionnel", "livret_certification"], True),
        ),
    ],
)
def test_two_jurors_changing_different_pieces_at_once_both_changes_are_kept(
    settings: Settings,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    client: tuple[list[str], bool | None],
    observer: tuple[list[str], bool | None],
    expected: tuple[list[str], bool | None],
) -> None:
    """Each page sends what it shows now and what it showed when the juror began (`base`):
    only the juror's own changes are applied to what is stored, so the other juror's tick
    made meanwhile is not undone (it used to be: the last whole list won)."""
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        base = (["dossier_professionnel"], None)
        h.call(evidence.declare, h.ctx, juror(h, "client_a"), cid, *base)
        meet_at(monkeypatch, evidence, "stored_declaration", after=True)  # both read it first
        changes = {"client_a": client, "observer_a": observer}
        results = race(
            h,
            *(
                lambda label=label, change=change: evidence.declare(
                    h.ctx, juror(h, label), cid, *change, base=base
                )
                for label, change in changes.items()
            ),
        )
        assert all(isinstance(r, EvidenceOut) for r in results), results
        assert _stored(h, cid) == (sorted(expected[0]), expected[1])
        assert audited(h, cid, "certification.evidence") == 3
        # each answer is what was stored when it was written: the later one holds both changes
        final = (sorted(expected[0]), expected[1])
        assert any((sorted(r.kinds), r.from_training) == final for r in results), results


def test_a_whole_list_without_its_base_replaces_what_is_stored(
    settings: Settings, clock: FakeClock
) -> None:
    """A client that sends no base (the API as it was) declares the whole list."""
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        h.call(evidence.declare, h.ctx, juror(h, "client_a"), cid, ["dossier_professionnel"], True)
        h.call(evidence.declare, h.ctx, juror(h, "observer_a"), cid, ["livret_certification"], None)
        assert _stored(h, cid) == (["livret_certification"], None)


@pytest.mark.parametrize("where", ["kinds", "base"])
def test_an_unknown_piece_is_refused_in_french_and_nothing_is_stored(
    settings: Settings, clock: FakeClock, where: str
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        body = {"kinds": ["dossier_professionnel"], "from_training": None}
        unknown = {"kinds": ["pièce-inventée\u00e9"], "from_training": None}
        body = {**body, "base": unknown} if where == "base" else {**unknown, "base": body}
        answer = who(h, "client_a").put(f"/api/candidates/{cid}/certification/evidence", json=body)
        assert 400 <= answer.status_code < 500, answer.text
        detail = answer.json()["detail"]
        assert detail.startswith("Pièce inconnue") and "valid" not in detail
        assert "inventée" not in detail  # the input is not echoed back

        async def stored() -> DeclaredEvidence | None:
            async with h.ctx.db.session() as s:
                return await s.get(DeclaredEvidence, cid)

        assert h.call(stored) is None

"""The two jurors' first declarations of the file's pieces at the same instant: both are
INSERTs of the candidate's one row. The second used to fail with an integrity error (HTTP
500); now it is written over the first as a later declaration is, and both are audited. On
SQLite and PostgreSQL; the race made certain (each waits, before writing, until the other has
read the empty row too)."""

from __future__ import annotations

import pytest

from server.certification import evidence
from server.certification.models import DeclaredEvidence
from server.core.clock import FakeClock
from server.core.config import Settings
from tests.evaluation.support import PACK
from tests.harness import running_app
from tests.races import audited, juror, meet_at, race


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
        assert all(isinstance(r, dict) for r in results), results

        async def stored() -> DeclaredEvidence | None:
            async with h.ctx.db.session() as s:
                return await s.get(DeclaredEvidence, cid)

        row, logged = h.call(stored), audited(h, cid, "certification.evidence")
        assert row is not None and row.kinds in kinds.values()
        assert logged == 2

"""The two jurors' first declarations of the file's pieces at the same instant: both are
INSERTs of the candidate's one row. The second used to fail with an integrity error (HTTP
500); now it is written over the first as a later declaration is, and both are audited. On
SQLite and PostgreSQL; the race made certain (each waits, before writing, until the other has
read the empty row too)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from server.certification import evidence
from server.certification.models import DeclaredEvidence
from server.core.audit import AuditEntry
from server.core.clock import FakeClock
from server.core.config import Settings
from server.core.identity import Principal, Role
from tests.evaluation.support import PACK
from tests.harness import Harness, running_app
from tests.races import meet_at


def juror(h: Harness, label: str) -> Principal:
    return Principal(Role.JUROR, h.day.ids[label], label, h.day.session_id)


def test_two_first_declarations_at_once_are_both_saved_the_last_kept(
    settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_app(settings, clock, pack_id=PACK) as h:
        cid = h.day.ids["cand_a"]
        meet_at(monkeypatch, evidence, "insert_first")  # both read the empty row
        kinds = {"client_a": ["dossier_professionnel"], "observer_a": ["resultats_formation"]}

        async def both() -> list[Any]:
            return await asyncio.gather(
                *(
                    evidence.declare(h.ctx, juror(h, label), cid, chosen, None)
                    for label, chosen in kinds.items()
                ),
                return_exceptions=True,
            )

        results = h.call(both)
        assert all(isinstance(r, dict) for r in results), results

        async def stored() -> tuple[DeclaredEvidence | None, int]:
            async with h.ctx.db.session() as s:
                row = await s.get(DeclaredEvidence, cid)
                logged = await s.scalars(
                    select(AuditEntry).where(AuditEntry.action == "certification.evidence")
                )
                return row, len(list(logged))

        row, logged = h.call(stored)
        assert row is not None and row.kinds in kinds.values()
        assert logged == 2

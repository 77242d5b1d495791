from __future__ import annotations

import pytest
from sqlalchemy import update

from server.core import audit
from server.core.clock import FakeClock
from server.core.db import Database

# PostgreSQL as well as SQLite: the database is the subject
pytestmark = pytest.mark.postgres


async def test_chain_verifies_and_detects_tampering(migrated_url: str) -> None:
    clock = FakeClock()
    db = Database(migrated_url, pooled=False)
    try:
        async with db.session() as s:
            for i in range(5):
                await audit.record(
                    s, clock=clock, actor="test", action="demo.step", details={"i": i, "note": "é"}
                )
                clock.advance(1)
            await s.commit()
        async with db.session() as s:
            count, breaks = await audit.verify(s)
            assert (count, breaks) == (5, [])
            rows = (
                await s.scalars(audit.select(audit.AuditEntry).order_by(audit.AuditEntry.id))
            ).all()
            assert rows[0].prev_hash == audit.GENESIS
            assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
            third = rows[2].id
            await s.execute(
                update(audit.AuditEntry)
                .where(audit.AuditEntry.id == third)
                .values(details={"i": 99})
            )
            await s.commit()
        async with db.session() as s:
            count, breaks = await audit.verify(s)
            assert count == 5
            assert [b.entry_id for b in breaks] == [third]
            assert "modifié" in str(breaks[0])
    finally:
        await db.dispose()


async def test_deleted_row_breaks_the_chain(migrated_url: str) -> None:
    clock = FakeClock()
    db = Database(migrated_url, pooled=False)
    try:
        async with db.session() as s:
            for i in range(3):
                await audit.record(
                    s, clock=clock, actor="test", action="demo.step", details={"i": i}
                )
            await s.commit()
            rows = (
                await s.scalars(audit.select(audit.AuditEntry).order_by(audit.AuditEntry.id))
            ).all()
            await s.delete(rows[1])
            await s.commit()
        async with db.session() as s:
            _, breaks = await audit.verify(s)
            assert [b.entry_id for b in breaks] == [rows[2].id]
            assert "chaînage" in str(breaks[0])
    finally:
        await db.dispose()

"""The audit log cannot be shortened or re-written unnoticed: every tampering is named by the
check, and concurrent writers append one after the other (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import create_async_engine

from server.core import audit
from server.core.audit_seal import AuditSeal, Checkpoint
from server.core.audit_verify import check
from server.core.clock import FakeClock
from server.core.db import Database
from server.core.migrations import upgrade
from tests.conftest import TEST_SECRET

# PostgreSQL as well as SQLite: the database is the subject
pytestmark = pytest.mark.postgres

ROWS = 6


@pytest.fixture
async def sealed_db(migrated_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(migrated_url, pooled=False)
    audit.attach_seal(db.sessionmaker, AuditSeal.from_secret(TEST_SECRET, tmp_path))
    try:
        yield db
    finally:
        await db.dispose()


async def _append(db: Database, clock: FakeClock, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        async with db.session() as s:  # one action, one transaction, as the server does
            await audit.record(s, clock=clock, actor="test", action="demo.step", details={"i": i})
            await s.commit()
        clock.advance(1)


async def _rows(db: Database) -> list[audit.AuditEntry]:
    async with db.session() as s:
        return list(
            (await s.scalars(select(audit.AuditEntry).order_by(audit.AuditEntry.seq))).all()
        )


async def _reasons(db: Database) -> list[str]:
    async with db.session() as s:
        report = await check(s)
    return [str(b) for b in report.breaks]


async def test_an_intact_sealed_log_verifies_with_its_checkpoint(
    sealed_db: Database, tmp_path: Path
) -> None:
    await _append(sealed_db, FakeClock(), ROWS)
    async with sealed_db.session() as s:
        report = await check(s)
    assert report.breaks == [] and report.count == ROWS and report.sealed == ROWS
    assert report.checkpoint_seq == ROWS
    point = json.loads((tmp_path / "audit-checkpoint.json").read_text())
    assert point["seq"] == ROWS and point["sealed_from"] == 1
    assert (tmp_path / "audit-checkpoint.json").stat().st_mode & 0o777 == 0o600


async def test_deleting_the_last_rows_is_named_a_truncation(sealed_db: Database) -> None:
    await _append(sealed_db, FakeClock(), ROWS)
    async with sealed_db.session() as s:
        await s.execute(delete(audit.AuditEntry).where(audit.AuditEntry.seq > ROWS - 2))
        await s.execute(update(audit.AuditHead).values(seq=ROWS - 2))  # the forger tidies up
        await s.commit()
    reasons = await _reasons(sealed_db)
    assert reasons == [
        f"journal : journal tronqué : ligne(s) n° {ROWS - 1} à {ROWS} manquante(s) "
        "(attestées par le point signé)"
    ]


async def test_emptying_the_table_is_named(sealed_db: Database) -> None:
    await _append(sealed_db, FakeClock(), ROWS)
    async with sealed_db.session() as s:
        await s.execute(delete(audit.AuditEntry))
        await s.execute(delete(audit.AuditHead))
        await s.commit()
    reasons = await _reasons(sealed_db)
    assert len(reasons) == 1 and "journal vidé" in reasons[0] and f"{ROWS} ligne" in reasons[0]


async def test_deleting_a_row_in_the_middle_is_named(sealed_db: Database) -> None:
    await _append(sealed_db, FakeClock(), ROWS)
    rows = await _rows(sealed_db)
    async with sealed_db.session() as s:
        await s.execute(delete(audit.AuditEntry).where(audit.AuditEntry.seq == 3))
        await s.commit()
    assert await _reasons(sealed_db) == [
        f"ligne {rows[3].id} : ligne(s) n° 3 supprimée(s) avant celle-ci : chaînage rompu"
    ]


async def test_rewriting_a_row_and_recomputing_every_hash_is_named(sealed_db: Database) -> None:
    """The forger knows the hash recipe (it is published) but not the server's secret."""
    await _append(sealed_db, FakeClock(), ROWS)
    rows = await _rows(sealed_db)
    async with sealed_db.session() as s:
        prev = rows[1].hash
        for r in rows[2:]:
            details = {"i": 99} if r.seq == 3 else r.details
            digest = audit.entry_hash(
                prev, r.at, r.actor, r.action, r.exam_session_id, r.subject, details
            )
            await s.execute(
                update(audit.AuditEntry)
                .where(audit.AuditEntry.id == r.id)
                .values(details=details, prev_hash=f"tmp{r.seq}", hash=f"tmp-h{r.seq}")
            )
            r.details, r.prev_hash, r.hash = details, prev, digest
            prev = digest
        for r in rows[2:]:  # (two passes: the hashes are unique columns)
            await s.execute(
                update(audit.AuditEntry)
                .where(audit.AuditEntry.id == r.id)
                .values(prev_hash=r.prev_hash, hash=r.hash)
            )
        await s.execute(update(audit.AuditHead).values(hash=prev))
        await s.commit()
    plain = Database(sealed_db.url, pooled=False)  # no key, no checkpoint: the bare chain
    try:
        async with plain.session() as s:
            unsealed = await check(s)
    finally:
        await plain.dispose()
    assert unsealed.breaks == []  # the bare hash chain is fooled…
    reasons = await _reasons(sealed_db)  # …the seals and the signed checkpoint are not
    rewritten = [r for r in reasons if "réécrite" in r and "sceau HMAC" in r]
    assert len(rewritten) == ROWS - 2 and "ligne n° 3 réécrite" in rewritten[0]
    assert any("ligne n° 6 réécrite" in r and "point de contrôle signé" in r for r in reasons)

    # Stripping the seals to pass the rows off as legacy ones does not help either.
    async with sealed_db.session() as s:
        await s.execute(update(audit.AuditEntry).values(mac=None))
        await s.commit()
    reasons = await _reasons(sealed_db)
    assert any("ligne n° 1 sans sceau après le début du scellement" in r for r in reasons)


async def test_a_forged_or_missing_checkpoint_is_named(sealed_db: Database, tmp_path: Path) -> None:
    await _append(sealed_db, FakeClock(), 3)
    path = tmp_path / "audit-checkpoint.json"
    forged = json.loads(path.read_text()) | {"seq": 1}
    path.write_text(json.dumps(forged))
    assert any("falsifié" in r for r in await _reasons(sealed_db))
    path.unlink()
    assert any("point de contrôle introuvable" in r for r in await _reasons(sealed_db))


async def test_a_checkpoint_from_an_archive_detects_an_emptied_log_and_a_lost_file(
    sealed_db: Database, tmp_path: Path
) -> None:
    await _append(sealed_db, FakeClock(), 4)
    async with sealed_db.session() as s:
        seal = audit.seal_of(s)
        assert seal is not None
        kept = Checkpoint.from_dict(await audit.signed_head(s, seal))
        await s.execute(delete(audit.AuditEntry))
        await s.execute(delete(audit.AuditHead))
        await s.commit()
    (tmp_path / "audit-checkpoint.json").unlink()
    async with sealed_db.session() as s:
        report = await check(s, checkpoint=kept)
    assert [b.reason for b in report.breaks] == [
        "journal vidé : le point de contrôle signé atteste 4 ligne(s), la table n'en contient "
        "aucune"
    ]


async def test_a_legacy_chain_verifies_and_stays_anchored_by_the_first_sealed_row(
    migrated_url: str, tmp_path: Path
) -> None:
    """Rows written before sealing existed (as the migration leaves them: numbered, no seal)
    verify as the legacy part; re-writing one and re-hashing the legacy part breaks the chain
    at the first sealed row, whose hash covers the legacy head."""
    clock = FakeClock()
    legacy = Database(migrated_url, pooled=False)
    try:
        await _append(legacy, clock, 3)
    finally:
        await legacy.dispose()
    sealed = Database(migrated_url, pooled=False)
    audit.attach_seal(sealed.sessionmaker, AuditSeal.from_secret(TEST_SECRET, tmp_path))
    try:
        await _append(sealed, clock, 3, start=3)
        async with sealed.session() as s:
            report = await check(s)
        assert (report.breaks, report.legacy, report.sealed) == ([], 3, 3)
        rows = await _rows(sealed)
        async with sealed.session() as s:
            new = audit.entry_hash(
                rows[1].prev_hash, rows[1].at, "test", "demo.step", None, None, {"i": 42}
            )
            second = audit.entry_hash(
                new, rows[2].at, "test", "demo.step", None, None, rows[2].details
            )
            for r, h, p in ((rows[2], "x2", "y2"), (rows[1], new, rows[1].prev_hash)):
                await s.execute(
                    update(audit.AuditEntry)
                    .where(audit.AuditEntry.id == r.id)
                    .values(hash=h, prev_hash=p, details={"i": 42} if r is rows[1] else r.details)
                )
            await s.execute(
                update(audit.AuditEntry)
                .where(audit.AuditEntry.id == rows[2].id)
                .values(hash=second, prev_hash=new)
            )
            await s.commit()
        reasons = await _reasons(sealed)
        assert reasons == [
            f"ligne {rows[3].id} : chaînage rompu (ligne supprimée ou insérée avant)"
        ]
    finally:
        await sealed.dispose()


@pytest.mark.parametrize("writers", [24])
async def test_concurrent_audited_actions_are_appended_one_after_the_other(
    migrated_url: str, tmp_path: Path, writers: int
) -> None:
    """Many actions audited at the same instant (a barrier), each in its own transaction, some
    after a change of their own: none fails, the chain verifies, no row is lost."""
    db = Database(migrated_url)  # pooled, as the server runs
    audit.attach_seal(db.sessionmaker, AuditSeal.from_secret(TEST_SECRET, tmp_path))
    clock = FakeClock()
    barrier = asyncio.Barrier(writers)

    async def action(i: int) -> None:
        async with db.session() as s:
            if i % 2:  # a read first, as most actions do before they write
                await s.scalar(select(audit.AuditHead.seq))
            await barrier.wait()
            await audit.record(s, clock=clock, actor=f"a{i}", action="demo.race", details={"i": i})
            await asyncio.sleep(0)  # let the others reach the head meanwhile
            await s.commit()

    try:
        await _append(db, clock, 1)
        results = await asyncio.gather(*(action(i) for i in range(writers)), return_exceptions=True)
        assert [r for r in results if r is not None] == []
        async with db.session() as s:
            report = await check(s)
        assert (report.count, report.breaks) == (writers + 1, [])
        assert report.checkpoint_seq == writers + 1
    finally:
        await db.dispose()


async def test_rows_written_before_the_migration_verify_as_the_legacy_part(
    database_url: str, tmp_path: Path
) -> None:
    """A database of the previous version (revision 0002: no numbering, no seal) is migrated:
    its rows are numbered in order, verify as the legacy part, and the chain goes on sealed."""
    await asyncio.to_thread(upgrade, database_url, "0002")
    clock = FakeClock()
    old = create_async_engine(database_url)
    try:
        async with old.begin() as conn:
            prev = audit.GENESIS
            for i in range(3):
                at = clock.now()
                digest = audit.entry_hash(prev, at, "ancien", "demo.old", None, None, {"i": i})
                await conn.execute(
                    text(
                        "INSERT INTO audit_log (at, actor, action, exam_session_id, subject, "
                        "details, prev_hash, hash) VALUES (:at, 'ancien', 'demo.old', NULL, "
                        "NULL, :details, :prev, :hash)"
                    ),
                    {"at": at, "details": json.dumps({"i": i}), "prev": prev, "hash": digest},
                )
                prev = digest
                clock.advance(1)
    finally:
        await old.dispose()
    await asyncio.to_thread(upgrade, database_url, "heads")
    db = Database(database_url, pooled=False)
    audit.attach_seal(db.sessionmaker, AuditSeal.from_secret(TEST_SECRET, tmp_path))
    try:
        await _append(db, clock, 2, start=3)
        async with db.session() as s:
            report = await check(s)
        assert (report.breaks, report.count, report.legacy, report.sealed) == ([], 5, 3, 2)
        assert [r.seq for r in await _rows(db)] == [1, 2, 3, 4, 5]
        assert "antérieure(s) au scellement" in report.notes[0]
    finally:
        await db.dispose()

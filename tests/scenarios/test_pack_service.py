"""A pack imported for a session is frozen: later edits of the files change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from server.core.clock import FakeClock
from server.core.db import Base
from server.core.referential import Title
from server.scenarios import service
from server.scenarios.models import PackSnapshot
from server.scenarios.pack.loader import load_pack
from server.scenarios.pack.models import ScenarioPack
from tests.scenarios.packs_helpers import apply_change, copy_pack


@pytest.fixture
async def session() -> AsyncIterator[AsyncSession]:
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all, tables=[PackSnapshot.__table__])
    async with async_sessionmaker(engine, expire_on_commit=False)() as s:
        yield s
    await engine.dispose()


async def test_import_is_idempotent_and_round_trips(
    session: AsyncSession, packs: dict[str, ScenarioPack]
) -> None:
    clock = FakeClock()
    pack = packs["relais-contact-atlantique"]
    first = await service.import_pack(session, pack, clock=clock)
    clock.advance(3600)
    again = await service.import_pack(session, pack, clock=clock)
    assert again.id == first.id and again.imported_at == first.imported_at
    assert await session.scalar(select(func.count()).select_from(PackSnapshot)) == 1
    assert (first.pack_id, first.version, first.sha256) == (pack.id, "1.0.0", pack.sha256())
    assert len(first.sha256) == 64
    await session.commit()
    session.expunge_all()
    assert await service.get_snapshot(session, first.id) == pack


async def test_an_edited_pack_is_a_new_snapshot_and_the_old_one_is_unchanged(
    session: AsyncSession, tmp_path, titles: dict[str, Title]
) -> None:
    clock = FakeClock()
    root = copy_pack("plateforme-horizon", tmp_path)
    before = load_pack(root, titles)
    old = await service.import_pack(session, before, clock=clock)
    await session.commit()
    apply_change(root, {"file": "pack.yaml", "set": {"version": "1.1.0"}})
    apply_change(
        root,
        {
            "file": "dossier/02_offres_tarifs.md",
            "replace": {"livraison en 3 à 5 jours": "livraison en 2 à 4 jours"},
        },
    )
    after = load_pack(root, titles)
    new = await service.import_pack(session, after, clock=clock)
    await session.commit()
    assert new.id != old.id and new.version == "1.1.0" and new.sha256 != old.sha256
    session.expunge_all()
    frozen = await service.get_snapshot(session, old.id)
    assert frozen == before and frozen.version == "1.0.0"
    assert "3 à 5 jours" in frozen.dossier[1].text
    assert [s.pack_id for s in await service.list_snapshots(session, before.id)] == [before.id] * 2


async def test_a_tampered_snapshot_is_refused(
    session: AsyncSession, packs: dict[str, ScenarioPack]
) -> None:
    pack = packs["plateforme-horizon"]
    row = await service.import_pack(session, pack, clock=FakeClock())
    content = dict(row.content)
    content["story_date"] = "2026-03-18"
    await session.execute(
        update(PackSnapshot).where(PackSnapshot.id == row.id).values(content=content)
    )
    await session.commit()
    session.expunge_all()
    with pytest.raises(service.SnapshotError, match="altéré"):
        await service.get_snapshot(session, row.id)
    with pytest.raises(service.SnapshotError, match="introuvable"):
        await service.get_snapshot(session, "0" * 32)


async def test_a_snapshot_frozen_before_sections_and_replacements_still_verifies(
    session: AsyncSession, packs: dict[str, ScenarioPack]
) -> None:
    """The new optional parts of a pack (dossier sections, replacement writing tasks, the
    wrap-up minutes) are left out of the canonical JSON when absent: a snapshot frozen before
    they existed re-validates to the same SHA-256 instead of being refused as altered."""
    pack = packs["plateforme-horizon"]
    older = pack.model_copy(
        update={
            "wrap_up_minutes": 0,
            "dossier": tuple(d.model_copy(update={"sections": ()}) for d in pack.dossier),
            "writing_tasks": tuple(
                w.model_copy(update={"replacement": None}) for w in pack.writing_tasks
            ),
        }
    )
    canonical = older.canonical_json()
    for key in ('"sections"', '"replacement"', '"wrap_up_minutes"', '"standalone"', '"replaced"'):
        assert key not in canonical
    row = await service.import_pack(session, older, clock=FakeClock())
    assert (await service.get_snapshot(session, row.id)).sha256() == row.sha256
    assert '"sections"' in pack.canonical_json() and '"replacement"' in pack.canonical_json()

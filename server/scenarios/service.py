"""Use-cases of freezing scenario packs in the database."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.clock import Clock
from server.core.db import new_id
from server.scenarios.models import PackSnapshot
from server.scenarios.pack.models import ScenarioPack


class SnapshotError(LookupError):
    """A snapshot is missing or does not match its recorded hash (French message)."""


async def import_pack(session: AsyncSession, pack: ScenarioPack, *, clock: Clock) -> PackSnapshot:
    """Freeze `pack` (dossier text and CRM seed included). Idempotent: the same content,
    byte for byte in canonical JSON, gives back the same row. Flushes, does not commit."""
    canonical = pack.canonical_json()
    digest = pack.sha256()
    existing = await session.scalar(select(PackSnapshot).where(PackSnapshot.sha256 == digest))
    if existing is not None:
        return existing
    snapshot = PackSnapshot(
        id=new_id(),
        pack_id=pack.id,
        version=pack.version,
        sha256=digest,
        content=json.loads(canonical),
        imported_at=clock.now(),
    )
    try:
        async with session.begin_nested():  # a concurrent import of the same content wins
            session.add(snapshot)
    except IntegrityError:
        existing = await session.scalar(select(PackSnapshot).where(PackSnapshot.sha256 == digest))
        if existing is None:
            raise
        return existing
    return snapshot


async def get_snapshot(session: AsyncSession, snapshot_id: str) -> ScenarioPack:
    """The pack exactly as it was imported; refuses a row whose content no longer matches
    its hash."""
    row = await session.get(PackSnapshot, snapshot_id)
    if row is None:
        raise SnapshotError(f"Pack figé introuvable : {snapshot_id}.")
    pack = ScenarioPack.model_validate(row.content)
    if pack.sha256() != row.sha256:
        raise SnapshotError(f"Pack figé {snapshot_id} altéré : empreinte différente.")
    return pack


async def list_snapshots(session: AsyncSession, pack_id: str | None = None) -> list[PackSnapshot]:
    query = select(PackSnapshot).order_by(PackSnapshot.imported_at)
    if pack_id is not None:
        query = query.where(PackSnapshot.pack_id == pack_id)
    return list((await session.scalars(query)).all())

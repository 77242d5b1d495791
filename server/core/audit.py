"""Append-only audit log: who did what when, each row chained to the previous one by hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import Clock
from server.core.db import Base, UtcDateTime

GENESIS = "0" * 64
AUDIT_LOCK_KEY = 0x504C4154  # "PLAT"


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80), index=True)
    exam_session_id: Mapped[str | None] = mapped_column(String(32), index=True)
    subject: Mapped[str | None] = mapped_column(String(120))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


def entry_hash(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    exam_session_id: str | None,
    subject: str | None,
    details: dict[str, Any],
) -> str:
    canonical = json.dumps(
        [
            prev_hash,
            at.isoformat(timespec="microseconds"),
            actor,
            action,
            exam_session_id,
            subject,
            details,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


async def record(
    session: AsyncSession,
    *,
    clock: Clock,
    actor: str,
    action: str,
    exam_session_id: str | None = None,
    subject: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one row (in the caller's transaction: it commits with the change it records)."""
    details = json.loads(json.dumps(details or {}, default=str))
    if session.get_bind().dialect.name == "postgresql":
        # One writer at a time appends to the chain (SQLite serialises writers by itself).
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
    last = await session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    prev = last or GENESIS
    at = clock.now()
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        exam_session_id=exam_session_id,
        subject=subject,
        details=details,
        prev_hash=prev,
        hash=entry_hash(prev, at, actor, action, exam_session_id, subject, details),
    )
    session.add(entry)
    await session.flush()
    return entry


@dataclass(frozen=True)
class AuditBreak:
    entry_id: int
    reason: str

    def __str__(self) -> str:
        return f"ligne {self.entry_id} : {self.reason}"


async def verify(session: AsyncSession) -> tuple[int, list[AuditBreak]]:
    """Recompute the chain; returns the number of rows checked and every break found."""
    breaks: list[AuditBreak] = []
    prev = GENESIS
    count = 0
    result = await session.stream_scalars(select(AuditEntry).order_by(AuditEntry.id))
    async for e in result:
        count += 1
        if e.prev_hash != prev:
            breaks.append(AuditBreak(e.id, "chaînage rompu (ligne supprimée ou insérée avant)"))
        expected = entry_hash(
            e.prev_hash, e.at, e.actor, e.action, e.exam_session_id, e.subject, e.details
        )
        if expected != e.hash:
            breaks.append(AuditBreak(e.id, "contenu modifié (empreinte différente)"))
        prev = e.hash
    return count, breaks

"""Append-only audit log: who did what when, each row chained to the previous one by hash,
numbered, and sealed with an HMAC of the server's secret.

One ordered writer: appending locks the one-row head table (`audit_head`) first — a row lock on
PostgreSQL, the database's write lock on SQLite — and holds it until the caller's transaction
commits, so two actions audited at once are appended one after the other, never both on the
same head. After the commit the signed checkpoint in the data directory moves forward
(`server/core/audit_seal.py`); `audit_verify.py` checks all of it."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, event, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column

from server.core.audit_seal import AuditSeal
from server.core.clock import Clock
from server.core.db import Base, UtcDateTime

GENESIS = "0" * 64
SEAL_INFO_KEY = "audit_seal"
_PENDING_KEY = "audit_pending_checkpoint"
HEAD_ID = 1


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    # Position in the chain, 1, 2, 3… without gaps: a deleted row leaves a hole.
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), unique=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80), index=True)
    exam_session_id: Mapped[str | None] = mapped_column(String(32), index=True)
    subject: Mapped[str | None] = mapped_column(String(120))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # HMAC-SHA256 of (seq, hash) with a key derived from the secret; NULL on the rows written
    # before sealing existed (the legacy part, anchored by the first sealed row's prev_hash).
    mac: Mapped[str | None] = mapped_column(String(64))


class AuditHead(Base):
    """One row: the chain's length and head. Locking it orders every writer."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    hash: Mapped[str] = mapped_column(String(64))
    sealed_from: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))


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


def attach_seal(sessionmaker: Any, seal: AuditSeal) -> None:
    """Every session of this sessionmaker seals the entries it appends (composition root)."""
    sessionmaker.configure(info={SEAL_INFO_KEY: seal})


def seal_of(session: AsyncSession) -> AuditSeal | None:
    seal = session.info.get(SEAL_INFO_KEY)
    return seal if isinstance(seal, AuditSeal) else None


async def _take_head(session: AsyncSession) -> tuple[int, str, int | None]:
    """Locks the head until commit and returns (this entry's seq, previous hash, sealed_from)."""
    bump = (
        update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash, AuditHead.sealed_from)
    )
    row = (await session.execute(bump)).first()
    if row is not None:
        return int(row[0]), str(row[1]), row[2]
    # A database created without the migrations' head row: start it from the log.
    last = (
        await session.execute(
            select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
        )
    ).first()
    seq, head = (int(last[0]), str(last[1])) if last else (0, GENESIS)
    await session.execute(insert(AuditHead).values(id=HEAD_ID, seq=seq + 1, hash=head))
    return seq + 1, head, None


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
    seq, prev, sealed_from = await _take_head(session)
    seal = seal_of(session)
    at = clock.now()
    digest = entry_hash(prev, at, actor, action, exam_session_id, subject, details)
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        exam_session_id=exam_session_id,
        subject=subject,
        details=details,
        prev_hash=prev,
        hash=digest,
        mac=seal.entry_mac(seq, digest) if seal else None,
    )
    session.add(entry)
    if seal is not None and sealed_from is None:
        sealed_from = seq
    await session.execute(
        update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(hash=digest, sealed_from=sealed_from)
    )
    await session.flush()
    if seal is not None:
        _checkpoint_after_commit(session, seal, seq, digest, sealed_from)
    return entry


def _checkpoint_after_commit(
    session: AsyncSession, seal: AuditSeal, seq: int, digest: str, sealed_from: int | None
) -> None:
    sync = session.sync_session
    sync.info[_PENDING_KEY] = (seq, digest, sealed_from)
    if not event.contains(sync, "after_commit", _write_pending):
        event.listen(sync, "after_commit", _write_pending)
        event.listen(sync, "after_rollback", _drop_pending)


def _write_pending(sync: Session) -> None:
    pending = sync.info.pop(_PENDING_KEY, None)
    seal = sync.info.get(SEAL_INFO_KEY)
    if pending is not None and isinstance(seal, AuditSeal):
        seal.advance_checkpoint(*pending)


def _drop_pending(sync: Session) -> None:
    sync.info.pop(_PENDING_KEY, None)


async def signed_head(session: AsyncSession, seal: AuditSeal) -> dict[str, Any]:
    """The chain's current length and head, signed: what an appeal archive's manifest holds."""
    head = await session.get(AuditHead, HEAD_ID, populate_existing=True)
    seq, digest, sealed = (head.seq, head.hash, head.sealed_from) if head else (0, GENESIS, None)
    return seal.signed(seq, digest, sealed).as_dict()


async def verify(session: AsyncSession) -> tuple[int, list[Any]]:
    """Recompute and check the chain (server/core/audit_verify.py): rows checked, breaks."""
    from server.core.audit_verify import verify as verify_chain

    return await verify_chain(session)

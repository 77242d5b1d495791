"""The writing deadline: at the PhaseEnded(redaction) fact (also when applied at start-up after
a crash) every reply is frozen with its SHA-256, a reply never written included."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from server.core import audit
from server.core.context import AppContext
from server.core.events import jury_audience
from server.core.referential import PhaseKind
from server.exams.models import Candidate
from server.exams.timeline_facts import PhaseEnded, TimelineFact
from server.exams.timeline_state import TimelineState
from server.writing.events import DraftFrozen
from server.writing.models import Draft
from server.writing.replies import SHAPES, digest
from server.writing.tasks import writing_tasks


async def freeze(ctx: AppContext, candidate_id: str) -> int:
    """The deadline: every reply becomes final, with the SHA-256 of its content — a reply never
    written too (empty, version 0), so that a first save arriving after the deadline cannot
    create one. Each draft is frozen `WHERE version = :read`: a save committed meanwhile is read
    again and frozen as saved; a save after the freeze is refused by its own `UPDATE`."""
    for _attempt in range(10):
        frozen = await _freeze_once(ctx, candidate_id)
        if frozen is not None:
            break
    else:
        raise RuntimeError(f"could not freeze the drafts of {candidate_id}")
    ctx.bus.publish(jury_audience(candidate_id), DraftFrozen(candidate_id=candidate_id))
    return frozen


async def _freeze_once(ctx: AppContext, candidate_id: str) -> int | None:
    async with ctx.db.session() as session:
        candidate = await session.get(Candidate, candidate_id)
        assert candidate is not None
        rows = list(
            await session.scalars(
                select(Draft)
                .where(Draft.candidate_id == candidate_id)
                .execution_options(populate_existing=True)
            )
        )
        now = ctx.clock.now()
        sealed: dict[str, str] = {}
        for row in rows:
            if row.frozen_at is not None:
                continue
            sha = digest(row.content)
            result = await session.execute(
                update(Draft)
                .where(Draft.id == row.id, Draft.version == row.version, Draft.frozen_at.is_(None))
                .values(frozen_at=now, sha256=sha)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                await session.rollback()  # saved meanwhile: read it again
                return None
            sealed[row.task_id] = sha
        written = {r.task_id for r in rows}
        for task in await writing_tasks(ctx, session, candidate_id):
            if task.id in written:
                continue
            empty = SHAPES[task.channel]().model_dump()
            sealed[task.id] = digest(empty)
            session.add(
                Draft(
                    candidate_id=candidate_id,
                    task_id=task.id,
                    channel=task.channel.value,
                    content=empty,
                    version=0,
                    saved_at=now,
                    frozen_at=now,
                    sha256=sealed[task.id],
                )
            )
        try:
            await session.flush()
        except IntegrityError:  # a first save of that reply committed meanwhile
            await session.rollback()
            return None
        await audit.record(
            session,
            clock=ctx.clock,
            actor="system:clock",
            action="writing.frozen",
            exam_session_id=candidate.exam_session_id,
            subject=candidate_id,
            details={"drafts": sealed},
        )
        await session.commit()
    return len(sealed)


async def on_timeline(
    ctx: AppContext, candidate_id: str, state: TimelineState, facts: list[TimelineFact]
) -> None:
    if any(isinstance(f, PhaseEnded) and f.phase is PhaseKind.REDACTION for f in facts):
        await freeze(ctx, candidate_id)

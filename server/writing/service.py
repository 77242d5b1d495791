"""Use-cases of the writing phase and of the notepad.

A reply is saved only while the candidate's phase is `redaction` and running; at the
deadline (the PhaseEnded(redaction) fact, also when applied at start-up after a crash) every
draft is frozen with its SHA-256. A refused save is logged with what was typed (for an appeal)
and audit-logged, but never becomes the answer.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Annotated, Any, NotRequired, TypedDict

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit
from server.core.context import AppContext
from server.core.db import insert_first, update_if_unchanged
from server.core.errors import PlateauError
from server.core.events import jury_audience
from server.core.referential import PhaseKind
from server.core.text import Line, Text
from server.exams import timeline_service
from server.exams.models import Candidate
from server.exams.queries import NotFound
from server.exams.timeline_facts import PhaseEnded, TimelineFact
from server.exams.timeline_state import Status, TimelineState
from server.progress import service as progress
from server.scenarios.pack.simulations import WritingTask
from server.scenarios.pack.types import Channel
from server.writing import sms
from server.writing.events import DraftFrozen, DraftSaved
from server.writing.models import Draft, Notepad, SaveLog

NOTEPAD = "notepad"
MAX_TEXT = 20_000


class Counts(TypedDict):
    """A reply's length; for an SMS, its encoding and segments (`sms.count`)."""

    characters: int
    words: int
    encoding: NotRequired[str]
    units: NotRequired[int]
    segments: NotRequired[int]
    per_segment: NotRequired[int]
    non_gsm: NotRequired[list[str]]


class DraftPayload(TypedDict):
    """A reply (`draft_out`; HTTP: `schemas.DraftOut`). The jury's review adds the spelling
    issues of each field, the task's brief and the count of saves (`review.review`)."""

    task_id: str
    channel: str
    content: dict[str, str]  # the fields of the channel's shape (`SHAPES`)
    version: int
    saved_at: str | None
    frozen: bool
    sha256: str | None
    counts: Counts
    max_length: int | None
    brief: str
    replaced: bool
    issues: NotRequired[dict[str, list[dict[str, Any]]]]
    task: NotRequired[dict[str, Any] | None]
    saves: NotRequired[dict[str, int]]  # `save_count`


class DraftsPayload(TypedDict):
    """The candidate's replies (`drafts`; HTTP: `schemas.DraftsOut`); `aid` in the review."""

    frozen: bool
    writable: bool
    drafts: list[DraftPayload]
    aid: NotRequired[dict[str, Any]]


class NotepadPayload(TypedDict):
    """HTTP: `schemas.NotepadOut`."""

    text: str
    version: int
    saved_at: str | None
    writable: bool


def text_fields(raw: Any) -> dict[str, str]:
    """A reply's fields as stored (a JSON column) or dumped from its shape: text only."""
    out: dict[str, str] = {}
    for name, value in dict(raw).items():
        if not isinstance(value, str):
            raise TypeError(f"champ {name!r} : texte attendu, {type(value).__name__} trouvé")
        out[name] = value
    return out


class WritingRefused(PlateauError):
    """A save or a read the exam does not allow now (French message)."""


class StaleDraft(PlateauError):
    """Another tab saved first: the client gets the current draft back, nothing is lost."""

    def __init__(self, current: DraftPayload) -> None:
        super().__init__("Ce texte a été enregistré depuis un autre onglet : rechargez-le.")
        self.extra = {"current": current}


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EmailDraft(_Fields):
    to: Annotated[str, Line(300)] = ""
    subject: Annotated[str, Line(300)] = ""
    body: Annotated[str, Text(MAX_TEXT)] = ""


class LetterDraft(_Fields):
    sender: Annotated[str, Text(1000)] = ""
    recipient: Annotated[str, Text(1000)] = ""
    place_date: Annotated[str, Line(200)] = ""
    object: Annotated[str, Line(300)] = ""
    body: Annotated[str, Text(MAX_TEXT)] = ""
    closing: Annotated[str, Text(2000)] = ""


class SmsDraft(_Fields):
    body: Annotated[str, Text(2000)] = ""


SHAPES: dict[Channel, type[_Fields]] = {
    Channel.EMAIL: EmailDraft,
    Channel.LETTER: LetterDraft,
    Channel.SMS: SmsDraft,
}


def counts(channel: Channel, content: dict[str, str]) -> Counts:
    body = content.get("body", "")
    out: Counts = {"characters": len(body), "words": len(body.split())}
    if channel is Channel.SMS:
        c = sms.count(body)
        out["encoding"] = c.encoding
        out["units"] = c.units
        out["segments"] = c.segments
        out["per_segment"] = c.per_segment
        out["non_gsm"] = list(c.non_gsm)
    return out


def digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def draft_out(task: WritingTask, row: Draft | None) -> DraftPayload:
    content = text_fields(row.content if row else SHAPES[task.channel]().model_dump())
    return {
        "task_id": task.id,
        "channel": task.channel.value,
        "content": content,
        "version": row.version if row else 0,
        "saved_at": row.saved_at.isoformat() if row and row.version else None,
        "frozen": bool(row and row.frozen_at),
        "sha256": row.sha256 if row else None,
        "counts": counts(task.channel, content),
        "max_length": task.candidate.max_length,
        "brief": task.candidate.brief,
        "replaced": task.replaced,  # its simulation was not played: the replacement brief
    }


async def _tasks(ctx: AppContext, session: AsyncSession, candidate_id: str) -> list[WritingTask]:
    # A task whose simulation was not played is replaced (progress.service.played).
    found = await progress.effective_subset(ctx, session, candidate_id)
    return list(found[1].writing_tasks) if found else []


def _writing_reached(state: TimelineState) -> bool:
    """The writing phase has started (it is running, paused or over)."""
    return any(p.phase is PhaseKind.REDACTION and p.started_at is not None for p in state.phases)


async def drafts(
    ctx: AppContext, session: AsyncSession, candidate_id: str, *, for_candidate: bool
) -> DraftsPayload:
    """The replies; a candidate sees the tasks only from the writing phase on."""
    timeline = await timeline_service.load(ctx, session, candidate_id)
    state = timeline.state()
    if for_candidate and (state.status is Status.NOT_STARTED or not _writing_reached(state)):
        raise WritingRefused("Les sujets de rédaction seront disponibles à la phase « Rédaction ».")
    rows = {
        d.task_id: d
        for d in await session.scalars(select(Draft).where(Draft.candidate_id == candidate_id))
    }
    tasks = await _tasks(ctx, session, candidate_id)
    frozen = state.phase is not PhaseKind.REDACTION and _writing_reached(state)
    return {
        "frozen": frozen,
        "writable": state.phase is PhaseKind.REDACTION and state.status is Status.RUNNING,
        "drafts": [draft_out(t, rows.get(t.id)) for t in tasks],
    }


async def _refuse(
    ctx: AppContext,
    session: AsyncSession,
    candidate: Candidate,
    task_id: str,
    reason: str,
    content: dict[str, str],
    actor: str,
) -> None:
    size = len(json.dumps(content, ensure_ascii=False))
    session.add(
        SaveLog(
            candidate_id=candidate.participant_id,
            task_id=task_id,
            at=ctx.clock.now(),
            accepted=False,
            reason=reason,
            content=content,
            size=size,
        )
    )
    await audit.record(
        session,
        clock=ctx.clock,
        actor=actor,
        action="writing.save_refused",
        exam_session_id=candidate.exam_session_id,
        subject=candidate.participant_id,
        details={"task": task_id, "reason": reason, "size": size},
    )
    await session.commit()


async def save_draft(
    ctx: AppContext,
    candidate_id: str,
    task_id: str,
    content: dict[str, Any],
    base_version: int,
    *,
    actor: str,
) -> DraftPayload:
    async with ctx.db.session() as session:
        candidate = await session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFound("Candidat introuvable.")
        task = next((t for t in await _tasks(ctx, session, candidate_id) if t.id == task_id), None)
        if task is None:
            raise NotFound("Sujet de rédaction inconnu.")
        try:
            fields = text_fields(SHAPES[task.channel].model_validate(content).model_dump())
        except ValueError as exc:
            raise WritingRefused(f"Texte refusé : {exc}") from None
        state = (await timeline_service.load(ctx, session, candidate_id)).state()
        reason = None
        if state.phase is not PhaseKind.REDACTION:
            reason = LATE if _writing_reached(state) else "La phase de rédaction n'a pas commencé."
        elif state.status is not Status.RUNNING:
            reason = "L'épreuve est en pause : l'enregistrement reprendra à la reprise."
        if reason:
            await _refuse(ctx, session, candidate, task_id, reason, fields, actor)
            raise WritingRefused(reason)
        row = await session.scalar(
            select(Draft).where(Draft.candidate_id == candidate_id, Draft.task_id == task_id)
        )
        if row is not None and row.frozen_at is not None:
            await _refuse(ctx, session, candidate, task_id, LATE, fields, actor)
            raise WritingRefused(LATE)
        if row is not None and row.version != base_version:
            raise StaleDraft(draft_out(task, row))
        if row is None and base_version != 0:
            raise StaleDraft(draft_out(task, None))
        now = ctx.clock.now()
        written = await _write(session, candidate_id, task, fields, base_version, now)
        if written:
            session.add(
                SaveLog(
                    candidate_id=candidate_id,
                    task_id=task_id,
                    at=now,
                    accepted=True,
                    version=base_version + 1,
                    size=len(json.dumps(fields, ensure_ascii=False)),
                )
            )
            await session.commit()
        # Read again (a new transaction): the saved reply, or why nothing was written.
        row = await session.scalar(
            select(Draft)
            .where(Draft.candidate_id == candidate_id, Draft.task_id == task_id)
            .execution_options(populate_existing=True)
        )
        if not written and row is not None and row.frozen_at is not None:
            await session.refresh(candidate)  # expired by the rollback
            await _refuse(ctx, session, candidate, task_id, LATE, fields, actor)
            raise WritingRefused(LATE)
        if not written:  # another tab saved first
            raise StaleDraft(draft_out(task, row))
        out = draft_out(task, row)
    saved_at = out["saved_at"]
    assert saved_at is not None  # a reply just written (version >= 1) has its time
    ctx.bus.publish(  # after the commit: the jury's review of the replies is live
        jury_audience(candidate_id),
        DraftSaved(
            candidate_id=candidate_id,
            task_id=task_id,
            version=out["version"],
            saved_at=saved_at,
        ),
    )
    return out


LATE = "Le temps de rédaction est écoulé : ce texte n'est plus modifiable."


async def _write(
    session: AsyncSession,
    candidate_id: str,
    task: WritingTask,
    fields: dict[str, str],
    base_version: int,
    now: datetime,
) -> bool:
    """The save itself, checked in the statement: `UPDATE … WHERE version = :base AND frozen_at
    IS NULL` (or the first INSERT, which the freeze's empty reply or another tab's first save
    makes fail on the unique key). False: nothing was written (the transaction is rolled back)."""
    if base_version == 0:
        first = Draft(
            candidate_id=candidate_id,
            task_id=task.id,
            channel=task.channel.value,
            content=fields,
            version=1,
            saved_at=now,
        )
        return await insert_first(session, first)
    return await update_if_unchanged(
        session,
        update(Draft)
        .where(
            Draft.candidate_id == candidate_id,
            Draft.task_id == task.id,
            Draft.version == base_version,
            Draft.frozen_at.is_(None),
        )
        .values(content=fields, version=base_version + 1, saved_at=now),
    )


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
        for task in await _tasks(ctx, session, candidate_id):
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


# ---- the notepad --------------------------------------------------------------------


async def notepad(ctx: AppContext, session: AsyncSession, candidate_id: str) -> NotepadPayload:
    row = await session.get(Notepad, candidate_id)
    state = (await timeline_service.load(ctx, session, candidate_id)).state()
    return {
        "text": row.text if row else "",
        "version": row.version if row else 0,
        "saved_at": row.saved_at.isoformat() if row and row.version else None,
        "writable": _notepad_writable(state),
    }


def _notepad_writable(state: TimelineState) -> bool:
    """Like the paper draft: from the preparation to the end of the writing phase."""
    return state.status in (Status.RUNNING, Status.PAUSED) and state.phase in (
        PhaseKind.PREPARATION,
        PhaseKind.APPELS,
        PhaseKind.REDACTION,
    )


async def save_notepad(
    ctx: AppContext, candidate_id: str, text: str, *, actor: str
) -> NotepadPayload:
    async with ctx.db.session() as session:
        candidate = await session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFound("Candidat introuvable.")
        state = (await timeline_service.load(ctx, session, candidate_id)).state()
        if not _notepad_writable(state):
            reason = "Le bloc-notes n'est modifiable que pendant l'épreuve."
            await _refuse(ctx, session, candidate, NOTEPAD, reason, {"text": text}, actor)
            raise WritingRefused(reason)
        now = ctx.clock.now()
        version = await _write_notepad(session, candidate_id, text, now)
        await session.commit()
        return {"text": text, "version": version, "saved_at": now.isoformat(), "writable": True}


async def _write_notepad(session: AsyncSession, candidate_id: str, text: str, now: datetime) -> int:
    """The notepad is the candidate's alone (the last save wins), but two tabs may save at once:
    `UPDATE … SET version = version + 1`, or the first INSERT — which the key refuses to the
    second tab, whose save then becomes an UPDATE."""
    bump = (
        update(Notepad)
        .where(Notepad.candidate_id == candidate_id)
        .values(text=text, version=Notepad.version + 1, saved_at=now)
        .returning(Notepad.version)
    )
    version = (await session.execute(bump)).scalar()
    if version is not None:
        return int(version)
    try:
        async with session.begin_nested():
            session.add(Notepad(candidate_id=candidate_id, text=text, version=1, saved_at=now))
        return 1
    except IntegrityError:
        version = (await session.execute(bump)).scalar()
        assert version is not None
        return int(version)


async def save_count(session: AsyncSession, candidate_id: str, task_id: str) -> dict[str, int]:
    rows = list(
        await session.scalars(
            select(SaveLog.accepted).where(
                SaveLog.candidate_id == candidate_id, SaveLog.task_id == task_id
            )
        )
    )
    return {"accepted": sum(rows), "refused": len(rows) - sum(rows)}

"""Use-cases of the writing phase and of the notepad.

A reply is saved only while the candidate's phase is `redaction` and running; at the
deadline (the PhaseEnded(redaction) fact, also when applied at start-up after a crash) every
draft is frozen with its SHA-256. A refused save is logged with what was typed (for an appeal)
and audit-logged, but never becomes the answer.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit
from server.core.context import AppContext
from server.core.events import Message, jury_audience
from server.exams import timeline_service
from server.exams.models import Candidate
from server.exams.queries import NotFound
from server.exams.timeline_facts import PhaseEnded, TimelineFact
from server.exams.timeline_state import Status, TimelineState
from server.progress import service as progress
from server.scenarios.pack_simulations import WritingTask
from server.scenarios.pack_types import Channel
from server.scenarios.referential import PhaseKind
from server.writing import sms
from server.writing.models import Draft, Notepad, SaveLog

NOTEPAD = "notepad"
MAX_TEXT = 20_000


class WritingRefused(Exception):
    """A save or a read the exam does not allow now (French message)."""


class StaleDraft(Exception):
    """Another tab saved first: the client gets the current draft back, nothing is lost."""

    def __init__(self, current: dict[str, Any]) -> None:
        super().__init__("Ce texte a été enregistré depuis un autre onglet : rechargez-le.")
        self.extra = {"current": current}


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EmailDraft(_Fields):
    to: str = Field(default="", max_length=300)
    subject: str = Field(default="", max_length=300)
    body: str = Field(default="", max_length=MAX_TEXT)


class LetterDraft(_Fields):
    sender: str = Field(default="", max_length=1000)
    recipient: str = Field(default="", max_length=1000)
    place_date: str = Field(default="", max_length=200)
    object: str = Field(default="", max_length=300)
    body: str = Field(default="", max_length=MAX_TEXT)
    closing: str = Field(default="", max_length=2000)


class SmsDraft(_Fields):
    body: str = Field(default="", max_length=2000)


SHAPES: dict[Channel, type[_Fields]] = {
    Channel.EMAIL: EmailDraft,
    Channel.LETTER: LetterDraft,
    Channel.SMS: SmsDraft,
}


class DraftFrozen(Message):
    type: Literal["writing.frozen"] = "writing.frozen"
    candidate_id: str


class DraftSaved(Message):
    """A reply saved during the writing phase: the jury's review reads it again (live)."""

    type: Literal["writing.saved"] = "writing.saved"
    candidate_id: str
    task_id: str
    version: int
    saved_at: str


def counts(channel: Channel, content: dict[str, Any]) -> dict[str, Any]:
    body = content.get("body", "")
    out: dict[str, Any] = {"characters": len(body), "words": len(body.split())}
    if channel is Channel.SMS:
        c = sms.count(body)
        out.update(
            encoding=c.encoding,
            units=c.units,
            segments=c.segments,
            per_segment=c.per_segment,
            non_gsm=list(c.non_gsm),
        )
    return out


def digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def draft_out(task: WritingTask, row: Draft | None) -> dict[str, Any]:
    content = row.content if row else SHAPES[task.channel]().model_dump()
    return {
        "task_id": task.id,
        "channel": task.channel.value,
        "content": content,
        "version": row.version if row else 0,
        "saved_at": row.saved_at.isoformat() if row else None,
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
) -> dict[str, Any]:
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
    content: dict[str, Any],
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
) -> dict[str, Any]:
    async with ctx.db.session() as session:
        candidate = await session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFound("Candidat introuvable.")
        task = next((t for t in await _tasks(ctx, session, candidate_id) if t.id == task_id), None)
        if task is None:
            raise NotFound("Sujet de rédaction inconnu.")
        try:
            fields = SHAPES[task.channel].model_validate(content).model_dump()
        except ValueError as exc:
            raise WritingRefused(f"Texte refusé : {exc}") from None
        state = (await timeline_service.load(ctx, session, candidate_id)).state()
        reason = None
        if state.phase is not PhaseKind.REDACTION:
            reason = (
                "Le temps de rédaction est écoulé : ce texte n'est plus modifiable."
                if _writing_reached(state)
                else "La phase de rédaction n'a pas commencé."
            )
        elif state.status is not Status.RUNNING:
            reason = "L'épreuve est en pause : l'enregistrement reprendra à la reprise."
        if reason:
            await _refuse(ctx, session, candidate, task_id, reason, fields, actor)
            raise WritingRefused(reason)
        row = await session.scalar(
            select(Draft).where(Draft.candidate_id == candidate_id, Draft.task_id == task_id)
        )
        if row is not None and row.version != base_version:
            raise StaleDraft(draft_out(task, row))
        if row is None and base_version != 0:
            raise StaleDraft(draft_out(task, None))
        now = ctx.clock.now()
        if row is None:
            row = Draft(
                candidate_id=candidate_id,
                task_id=task_id,
                channel=task.channel.value,
                content=fields,
                version=1,
                saved_at=now,
            )
            session.add(row)
        else:
            row.content, row.version, row.saved_at = fields, row.version + 1, now
        session.add(
            SaveLog(
                candidate_id=candidate_id,
                task_id=task_id,
                at=now,
                accepted=True,
                version=row.version,
                size=len(json.dumps(fields, ensure_ascii=False)),
            )
        )
        await session.commit()
        out = draft_out(task, row)
    ctx.bus.publish(
        jury_audience(candidate_id),
        DraftSaved(
            candidate_id=candidate_id,
            task_id=task_id,
            version=out["version"],
            saved_at=out["saved_at"],
        ),
    )
    return out


async def freeze(ctx: AppContext, candidate_id: str) -> int:
    """The deadline: every draft becomes final, with the SHA-256 of its content."""
    async with ctx.db.session() as session:
        candidate = await session.get(Candidate, candidate_id)
        assert candidate is not None
        rows = list(
            await session.scalars(
                select(Draft).where(Draft.candidate_id == candidate_id, Draft.frozen_at.is_(None))
            )
        )
        now = ctx.clock.now()
        for row in rows:
            row.frozen_at, row.sha256 = now, digest(row.content)
        await audit.record(
            session,
            clock=ctx.clock,
            actor="system:clock",
            action="writing.frozen",
            exam_session_id=candidate.exam_session_id,
            subject=candidate_id,
            details={"drafts": {r.task_id: r.sha256 for r in rows}},
        )
        await session.commit()
    ctx.bus.publish(jury_audience(candidate_id), DraftFrozen(candidate_id=candidate_id))
    return len(rows)


async def on_timeline(
    ctx: AppContext, candidate_id: str, state: TimelineState, facts: list[TimelineFact]
) -> None:
    if any(isinstance(f, PhaseEnded) and f.phase is PhaseKind.REDACTION for f in facts):
        await freeze(ctx, candidate_id)


# ---- the notepad --------------------------------------------------------------------


async def notepad(ctx: AppContext, session: AsyncSession, candidate_id: str) -> dict[str, Any]:
    row = await session.get(Notepad, candidate_id)
    state = (await timeline_service.load(ctx, session, candidate_id)).state()
    return {
        "text": row.text if row else "",
        "version": row.version if row else 0,
        "saved_at": row.saved_at.isoformat() if row else None,
        "writable": _notepad_writable(state),
    }


def _notepad_writable(state: TimelineState) -> bool:
    """Like the paper draft: from the preparation to the end of the writing phase."""
    return state.status in (Status.RUNNING, Status.PAUSED) and state.phase in (
        PhaseKind.PREPARATION,
        PhaseKind.APPELS,
        PhaseKind.REDACTION,
    )


async def save_notepad(ctx: AppContext, candidate_id: str, text: str, *, actor: str) -> dict:
    async with ctx.db.session() as session:
        candidate = await session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFound("Candidat introuvable.")
        state = (await timeline_service.load(ctx, session, candidate_id)).state()
        if not _notepad_writable(state):
            reason = "Le bloc-notes n'est modifiable que pendant l'épreuve."
            await _refuse(ctx, session, candidate, NOTEPAD, reason, {"text": text}, actor)
            raise WritingRefused(reason)
        row = await session.get(Notepad, candidate_id)
        now = ctx.clock.now()
        if row is None:
            row = Notepad(candidate_id=candidate_id, text=text, version=1, saved_at=now)
            session.add(row)
        else:
            row.text, row.version, row.saved_at = text, row.version + 1, now
        await session.commit()
        return {
            "text": row.text,
            "version": row.version,
            "saved_at": now.isoformat(),
            "writable": True,
        }


async def save_count(session: AsyncSession, candidate_id: str, task_id: str) -> dict[str, int]:
    rows = list(
        await session.scalars(
            select(SaveLog.accepted).where(
                SaveLog.candidate_id == candidate_id, SaveLog.task_id == task_id
            )
        )
    )
    return {"accepted": sum(rows), "refused": len(rows) - sum(rows)}

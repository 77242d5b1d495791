"""The grid's marks, autosaved and versioned: of two jurors saving one criterion at once one
wins, the other is refused (`StaleMark`, with the current mark)."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit
from server.core.context import AppContext
from server.core.db import insert_first, update_if_unchanged
from server.core.identity import Principal
from server.evaluation import grid
from server.evaluation.events import (
    MarkChanged,
    MarkOut,
    to_jury,
)
from server.evaluation.models import Mark
from server.evaluation.seating import EvaluationRefused, seat

MAX_COMMENT = 4000


class MarkPayload(TypedDict):
    """One criterion as marked (`mark_out`; events and HTTP: `events.MarkOut`)."""

    part: str
    competence: str
    criterion: int
    criterion_text: str
    value: str
    comment: str
    by: str
    updated_at: str
    version: int


class _MarkValues(TypedDict):
    criterion_text: str
    value: str
    comment: str
    by: str
    updated_at: datetime
    version: int


class StaleMark(EvaluationRefused):
    """The criterion was marked by the other juror since this one read it: nothing is written
    (HTTP 409, the current mark in `current`)."""

    code = "conflict"

    def __init__(self, current: Mark | None, competence: str, criterion: int) -> None:
        if current is None:
            told = "vient d'être modifié"
        else:
            told = (
                f"vient d'être noté « {grid.MarkValue(current.value).label} » "
                f"(version {current.version})"
            )
        super().__init__(
            f"Le critère {criterion} de {competence} {told} par l'autre juré : votre note "
            "n'a pas été enregistrée, vérifiez-la ensemble."
        )
        self.extra = {"current": mark_out(current) if current is not None else None}


def mark_out(m: Mark) -> MarkPayload:
    return {
        "part": m.part,
        "competence": m.competence,
        "criterion": m.criterion,
        "criterion_text": m.criterion_text,
        "value": m.value,
        "comment": m.comment,
        "by": m.by,
        "updated_at": m.updated_at.isoformat(),
        "version": m.version,
    }


async def marks(session: AsyncSession, candidate_id: str) -> list[Mark]:
    return list(
        await session.scalars(
            select(Mark)
            .where(Mark.candidate_id == candidate_id)
            .order_by(Mark.part, Mark.competence, Mark.criterion)
        )
    )


async def set_mark(
    ctx: AppContext,
    principal: Principal,
    candidate_id: str,
    part: str,
    competence: str,
    criterion: int,
    value: str,
    comment: str | None = None,
    base_version: int | None = None,
) -> MarkPayload:
    """Autosave of one criterion of one part. `base_version`: the version of the mark the juror
    saw (0: not marked yet); refused (StaleMark) when the other juror saved it since, or this
    juror another value or comment (the same save sent again after a cut lost its answer is
    acknowledged as stored: `_sent_again`). Without
    it, the version read here is the one checked. Either way the write is `UPDATE … WHERE
    version = :read` (or the first INSERT): of two saves at once exactly one wins. No comment
    (None) keeps the one saved."""
    try:
        mark_value = grid.MarkValue(value)
    except ValueError:
        raise EvaluationRefused("Valeur : acquis, non_acquis ou non_observe.") from None
    if comment is not None and len(comment) > MAX_COMMENT:
        raise EvaluationRefused(f"Commentaire trop long ({MAX_COMMENT} caractères au plus).")
    key = (candidate_id, part, competence, criterion)
    async with ctx.db.session() as session:
        s = await seat(ctx, session, candidate_id)
        exam_session_id = s.candidate.exam_session_id
        text = grid.criterion_text(s.structure(), part, competence, criterion)
        if text is None:
            raise EvaluationRefused("Ce critère n'est pas évalué dans cette partie de l'épreuve.")
        if part in s.not_played and mark_value is not grid.MarkValue.NON_OBSERVE:
            raise EvaluationRefused(
                "Cette simulation n'a pas été jouée : ses critères ne peuvent être que "
                "« non observé »."
            )
        row = await session.get(Mark, key)
        read = row.version if row is not None else 0
        if base_version is not None and base_version != read:
            if row is not None and _sent_again(row, base_version, principal, mark_value, comment):
                return mark_out(row)
            raise StaleMark(row, competence, criterion)
        if comment is None:
            comment = row.comment if row is not None else ""
        values: _MarkValues = {
            "criterion_text": text,
            "value": mark_value.value,
            "comment": comment,
            "by": principal.actor,
            "updated_at": ctx.clock.now(),
            "version": read + 1,
        }
        if not await _write_mark(session, key, read, values):
            current = await session.get(Mark, key, populate_existing=True)
            raise StaleMark(current, competence, criterion)
        await audit.record(
            session,
            clock=ctx.clock,
            actor=principal.actor,
            action="evaluation.mark",
            exam_session_id=exam_session_id,
            subject=candidate_id,
            details={
                "part": part,
                "competence": competence,
                "criterion": criterion,
                "value": mark_value.value,
                "comment": comment,
                "version": read + 1,
            },
        )
        await session.commit()
        saved = await session.get(Mark, key, populate_existing=True)
        assert saved is not None
        out = mark_out(saved)
    to_jury(ctx, candidate_id, MarkChanged(candidate_id=candidate_id, mark=MarkOut(**out)))
    return out


def _sent_again(
    row: Mark,
    base_version: int,
    principal: Principal,
    value: grid.MarkValue,
    comment: str | None,
) -> bool:
    """This juror's own save, sent again by the page after a cut lost its answer: the mark
    stored is the one it made from that same base, with the same value and comment. It is
    acknowledged as it stands — nothing written twice, no second audit line or event."""
    return (
        row.version == base_version + 1
        and row.by == principal.actor
        and row.value == value.value
        and (comment is None or row.comment == comment)
    )


async def _write_mark(
    session: AsyncSession, key: tuple[str, str, str, int], read: int, values: _MarkValues
) -> bool:
    """`UPDATE … WHERE version = :read`, or the first INSERT (the primary key refuses a second
    one). False: the other juror wrote first; the transaction is rolled back."""
    candidate_id, part, competence, criterion = key
    if read == 0:
        first = Mark(
            candidate_id=candidate_id,
            part=part,
            competence=competence,
            criterion=criterion,
            **values,
        )
        return await insert_first(session, first)
    return await update_if_unchanged(
        session,
        update(Mark)
        .where(
            Mark.candidate_id == candidate_id,
            Mark.part == part,
            Mark.competence == competence,
            Mark.criterion == criterion,
            Mark.version == read,
        )
        .values(**values),
    )

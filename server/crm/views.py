"""CRM edges: the candidate reads (after the start) and edits (calls phase) their copy; the
jury of that candidate and the organiser read it, its change log and the survey answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from server.auth.domain import Principal, Role
from server.crm import agenda as agenda_service
from server.crm import service, store
from server.crm import survey as survey_service
from server.web.access import CtxDep, Scope, SessionDep, allow

router = APIRouter(prefix="/api/candidates/{candidate_id}/crm", tags=["crm"])

Reader = Annotated[
    Principal, Depends(allow(Role.CANDIDATE, Role.JUROR, Role.ORGANISER, scope=Scope.CANDIDATE))
]
Editor = Annotated[Principal, Depends(allow(Role.CANDIDATE, scope=Scope.CANDIDATE))]
Jury = Annotated[Principal, Depends(allow(Role.JUROR, Role.ORGANISER, scope=Scope.CANDIDATE))]


class In(BaseModel):
    model_config = ConfigDict(extra="ignore")  # the page sends what it showed (totals…)
    client_id: str | None = Field(default=None, max_length=64)


class NoteIn(In):
    channel: str = "telephone"
    summary: str = Field(max_length=4000)


class AppointmentIn(In):
    kind: str = "rendez_vous"
    at: dt.datetime
    contact: str = Field(default="", max_length=200)
    subject: str = Field(max_length=1000)
    representative: str | None = Field(default=None, max_length=200)


class OrderLineIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    ref: str = Field(max_length=100)
    quantity: Any = None


class OrderIn(In):
    lines: list[OrderLineIn] = Field(max_length=100)
    payment_method: str = Field(default="", max_length=200)
    shipping: Any = None
    note: str = Field(default="", max_length=4000)


class InstallmentIn(BaseModel):
    model_config = ConfigDict(extra="ignore")  # the page sends what it showed (its index)
    date: dt.date
    amount: Any


class AgreementIn(In):
    plan: str = Field(max_length=200)
    amount: Any
    first_date: dt.date | None = None
    # The schedule negotiated (dates and amounts); None: the plan's proposal from first_date.
    installments: list[InstallmentIn] | None = Field(default=None, max_length=12)
    payment_method: str = Field(default="", max_length=200)
    invoices: list[str] | None = None
    note: str = Field(default="", max_length=4000)


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: Any


async def _may_read(ctx: CtxDep, session: SessionDep, candidate_id: str, who: Principal) -> None:
    if who.role is Role.CANDIDATE:
        await store.require_started(ctx, session, candidate_id)


@router.get("/records")
async def records(
    candidate_id: str, ctx: CtxDep, session: SessionDep, who: Reader, q: str = ""
) -> list[dict]:
    await _may_read(ctx, session, candidate_id, who)
    return await service.records(ctx, session, candidate_id, q[:200])


@router.get("/records/{record_id}")
async def record(
    candidate_id: str, record_id: str, ctx: CtxDep, session: SessionDep, who: Reader
) -> dict[str, Any]:
    await _may_read(ctx, session, candidate_id, who)
    return await service.record(ctx, session, candidate_id, record_id)


@router.patch("/records/{record_id}")
async def edit(
    candidate_id: str, record_id: str, body: dict[str, Any], ctx: CtxDep, who: Editor
) -> dict[str, Any]:
    return await service.edit(ctx, candidate_id, record_id, body, actor=who.actor)


@router.post("/records/{record_id}/notes")
async def note(
    candidate_id: str, record_id: str, body: NoteIn, ctx: CtxDep, who: Editor
) -> dict[str, Any]:
    return await service.note(
        ctx,
        candidate_id,
        record_id,
        body.channel,
        body.summary,
        client_id=body.client_id,
        actor=who.actor,
    )


@router.post("/records/{record_id}/appointments")
async def appointment(
    candidate_id: str, record_id: str, body: AppointmentIn, ctx: CtxDep, who: Editor
) -> dict[str, Any]:
    return await service.appointment(
        ctx,
        candidate_id,
        record_id,
        kind=body.kind,
        at=body.at,
        contact=body.contact,
        subject=body.subject,
        representative=body.representative,
        client_id=body.client_id,
        actor=who.actor,
    )


@router.post("/records/{record_id}/orders")
async def order(
    candidate_id: str, record_id: str, body: OrderIn, ctx: CtxDep, who: Editor
) -> dict[str, Any]:
    return await service.order(
        ctx,
        candidate_id,
        record_id,
        lines=[line.model_dump() for line in body.lines],
        payment_method=body.payment_method,
        shipping=body.shipping,
        note_text=body.note,
        client_id=body.client_id,
        actor=who.actor,
    )


@router.post("/records/{record_id}/agreements")
async def agreement(
    candidate_id: str, record_id: str, body: AgreementIn, ctx: CtxDep, who: Editor
) -> dict[str, Any]:
    return await service.agreement(
        ctx,
        candidate_id,
        record_id,
        plan=body.plan,
        amount=body.amount,
        first_date=body.first_date,
        installments=(
            [(i.date, i.amount) for i in body.installments]
            if body.installments is not None
            else None
        ),
        payment_method=body.payment_method,
        invoices=body.invoices,
        note_text=body.note,
        client_id=body.client_id,
        actor=who.actor,
    )


@router.get("/agenda")
async def agenda(candidate_id: str, ctx: CtxDep, session: SessionDep, who: Reader) -> dict:
    await _may_read(ctx, session, candidate_id, who)
    return await agenda_service.agenda(ctx, session, candidate_id)


@router.get("/surveys")
async def surveys(candidate_id: str, session: SessionDep, _: Jury) -> dict[str, Any]:
    """Every survey's answers as the candidate typed them: {simulation: {question: answer}}."""
    return await survey_service.all_answers(session, candidate_id)


@router.get("/surveys/{simulation_id}")
async def survey(
    candidate_id: str, simulation_id: str, ctx: CtxDep, session: SessionDep, who: Reader
) -> dict[str, Any]:
    await _may_read(ctx, session, candidate_id, who)
    return await survey_service.survey(ctx, session, candidate_id, simulation_id)


@router.put("/surveys/{simulation_id}/answers/{question_id}")
async def answer(
    candidate_id: str,
    simulation_id: str,
    question_id: str,
    body: AnswerIn,
    ctx: CtxDep,
    who: Editor,
) -> dict[str, Any]:
    return await survey_service.answer(
        ctx, candidate_id, simulation_id, question_id, body.value, actor=who.actor
    )


@router.get("/changes")
async def changes(candidate_id: str, session: SessionDep, _: Jury) -> list[dict[str, Any]]:
    """The change log: what the observer's live feed shows, for the archive."""
    return await service.changes(session, candidate_id)

"""CRM edges: the candidate reads (after the start) and edits (calls phase) their copy; the
jury of that candidate and the organiser read it, its change log and the survey answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from server.core.identity import Principal, Role
from server.core.text import Line
from server.crm import agenda as agenda_service
from server.crm import service, store
from server.crm import survey as survey_service
from server.crm.events import CrmChangeOut
from server.crm.schemas import (
    AgendaOut,
    AgreementIn,
    AnswerIn,
    AnswerOut,
    AppointmentIn,
    ContactNoteIn,
    CrmMutationOut,
    CrmRecordOut,
    OrderIn,
    RecordEdit,
    SurveyAnswersOut,
    SurveyOut,
)
from server.web.access import CtxDep, Scope, SessionDep, allow

router = APIRouter(prefix="/api/candidates/{candidate_id}/crm", tags=["crm"])

Reader = Annotated[
    Principal, Depends(allow(Role.CANDIDATE, Role.JUROR, Role.ORGANISER, scope=Scope.CANDIDATE))
]
Editor = Annotated[Principal, Depends(allow(Role.CANDIDATE, scope=Scope.CANDIDATE))]
Jury = Annotated[Principal, Depends(allow(Role.JUROR, Role.ORGANISER, scope=Scope.CANDIDATE))]
# A record is sent with the keys its row holds, no more (an older row may lack some):
# `response_model_exclude_unset=True` on the routes that answer one.


async def _may_read(ctx: CtxDep, session: SessionDep, candidate_id: str, who: Principal) -> None:
    if who.role is Role.CANDIDATE:
        await store.require_started(ctx, session, candidate_id)


@router.get("/records", response_model_exclude_unset=True)
async def records(
    candidate_id: str,
    ctx: CtxDep,
    session: SessionDep,
    who: Reader,
    q: Annotated[str, Line(200)] = "",
) -> list[CrmRecordOut]:
    await _may_read(ctx, session, candidate_id, who)
    return [
        CrmRecordOut.model_validate(r) for r in await service.records(ctx, session, candidate_id, q)
    ]


@router.get("/records/{record_id}", response_model_exclude_unset=True)
async def record(
    candidate_id: str, record_id: str, ctx: CtxDep, session: SessionDep, who: Reader
) -> CrmRecordOut:
    await _may_read(ctx, session, candidate_id, who)
    return CrmRecordOut.model_validate(await service.record(ctx, session, candidate_id, record_id))


@router.patch("/records/{record_id}", response_model_exclude_unset=True)
async def edit(
    candidate_id: str, record_id: str, body: RecordEdit, ctx: CtxDep, who: Editor
) -> CrmMutationOut:
    fields = body.model_dump(mode="json", exclude_unset=True)
    out = await service.edit(ctx, candidate_id, record_id, fields, actor=who.actor)
    return CrmMutationOut.model_validate(out)


@router.post("/records/{record_id}/notes", response_model_exclude_unset=True)
async def note(
    candidate_id: str, record_id: str, body: ContactNoteIn, ctx: CtxDep, who: Editor
) -> CrmMutationOut:
    out = await service.note(
        ctx,
        candidate_id,
        record_id,
        body.channel,
        body.summary,
        client_id=body.client_id,
        actor=who.actor,
    )
    return CrmMutationOut.model_validate(out)


@router.post("/records/{record_id}/appointments", response_model_exclude_unset=True)
async def appointment(
    candidate_id: str, record_id: str, body: AppointmentIn, ctx: CtxDep, who: Editor
) -> CrmMutationOut:
    out = await service.appointment(
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
    return CrmMutationOut.model_validate(out)


@router.post("/records/{record_id}/orders", response_model_exclude_unset=True)
async def order(
    candidate_id: str, record_id: str, body: OrderIn, ctx: CtxDep, who: Editor
) -> CrmMutationOut:
    out = await service.order(
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
    return CrmMutationOut.model_validate(out)


@router.post("/records/{record_id}/agreements", response_model_exclude_unset=True)
async def agreement(
    candidate_id: str, record_id: str, body: AgreementIn, ctx: CtxDep, who: Editor
) -> CrmMutationOut:
    out = await service.agreement(
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
    return CrmMutationOut.model_validate(out)


@router.get("/agenda")
async def agenda(candidate_id: str, ctx: CtxDep, session: SessionDep, who: Reader) -> AgendaOut:
    await _may_read(ctx, session, candidate_id, who)
    return AgendaOut.model_validate(await agenda_service.agenda(ctx, session, candidate_id))


@router.get("/surveys")
async def surveys(candidate_id: str, session: SessionDep, _: Jury) -> SurveyAnswersOut:
    """Every survey's answers as the candidate typed them: {simulation: {question: answer}}."""
    return SurveyAnswersOut.model_validate(await survey_service.all_answers(session, candidate_id))


@router.get("/surveys/{simulation_id}")
async def survey(
    candidate_id: str, simulation_id: str, ctx: CtxDep, session: SessionDep, who: Reader
) -> SurveyOut:
    await _may_read(ctx, session, candidate_id, who)
    return SurveyOut.model_validate(
        await survey_service.survey(ctx, session, candidate_id, simulation_id)
    )


@router.put("/surveys/{simulation_id}/answers/{question_id}")
async def answer(
    candidate_id: str,
    simulation_id: str,
    question_id: str,
    body: AnswerIn,
    ctx: CtxDep,
    who: Editor,
) -> AnswerOut:
    return AnswerOut.model_validate(
        await survey_service.answer(
            ctx, candidate_id, simulation_id, question_id, body.value, actor=who.actor
        )
    )


@router.get("/changes")
async def changes(candidate_id: str, session: SessionDep, _: Jury) -> list[CrmChangeOut]:
    """The change log: what the observer's live feed shows, for the archive."""
    return [CrmChangeOut.model_validate(c) for c in await service.changes(session, candidate_id)]

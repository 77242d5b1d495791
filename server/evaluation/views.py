"""Evaluation edges: the candidate's jurors (both capacities) and the organiser read; only the
jurors mark, note, propose and sign. A candidate never reaches them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from server.core.identity import Principal, Role
from server.core.text import JsonValue, Line, Text
from server.evaluation import deliberation, service, signing
from server.evaluation.events import DeliberationOut, InterviewOut, MarkOut, NoteOut
from server.evaluation.schemas import EvaluationOut, ReadinessOut
from server.web.access import CtxDep, Scope, SessionDep, allow

router = APIRouter(prefix="/api/candidates/{candidate_id}/evaluation", tags=["evaluation"])
Jury = Annotated[Principal, Depends(allow(Role.JUROR, Role.ORGANISER, scope=Scope.CANDIDATE))]
Juror = Annotated[Principal, Depends(allow(Role.JUROR, scope=Scope.CANDIDATE))]
# A part of the grid has `not_played` (a simulation) or `replaced` (a writing task), a
# blocking reason `any_of` and `label` (a missing piece): what the service leaves out of a
# dict is not sent (`response_model_exclude_unset`).


Key = Annotated[str, Line(40)]  # an id from the grid or the referential


class MarkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: Key
    comment: Annotated[str, Text(service.MAX_COMMENT)] | None = None  # None: kept
    base_version: int | None = Field(default=None, ge=0)  # the version seen (0: none yet)


class PinnedNoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    call_id: Annotated[str, Line(32)] | None = None
    offset_ms: int | None = Field(default=None, ge=0)
    text: Annotated[str, Text(4000)] = Field(min_length=1)
    client_note_id: Annotated[str, Line(64)] | None = None  # a note sent again: pinned once


class InterviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, Text(20_000)]


class VersionSeen(BaseModel):
    """The deliberation version a juror's edit or signature is based on."""

    model_config = ConfigDict(extra="forbid")
    version: int
    proposal: dict[Annotated[str, Line(64)], JsonValue] = Field(max_length=50)


class BasedOn(BaseModel):
    """`base`: the version the juror saw (null: none yet). Given, the server refuses (409) a
    change made on a version the other juror replaced meanwhile; omitted, no check."""

    model_config = ConfigDict(extra="forbid")
    base: VersionSeen | None = None

    def seen(self) -> deliberation.Base:
        if "base" not in self.model_fields_set:
            return deliberation.ANY_BASE
        return self.base.model_dump() if self.base is not None else None


class ProposalIn(BasedOn):
    competences: dict[Key, Key] = Field(default={}, max_length=100)
    ccps: dict[Key, bool | Key] = Field(default={}, max_length=20)
    title: Key | None = None
    justification: Annotated[str, Text(deliberation.MAX_JUSTIFICATION)] = ""
    # Why a competence is proposed « acquise » though none of its criteria was observed.
    reasons: dict[Key, Annotated[str, Text(2000)]] = Field(default={}, max_length=100)


@router.get("", response_model_exclude_unset=True)
async def evaluation(candidate_id: str, ctx: CtxDep, session: SessionDep, _: Jury) -> EvaluationOut:
    data = await service.evaluation_grid(ctx, session, candidate_id)
    data["notes"] = await service.notes(session, candidate_id)
    data["interviews"] = await service.interview_notes(session, candidate_id)
    data["deliberations"] = [
        deliberation.deliberation_out(d)
        for d in await deliberation.deliberations(session, candidate_id)
    ]
    return EvaluationOut.model_validate(data)


@router.put("/marks/{part}/{competence}/{criterion}")
async def mark(
    candidate_id: str,
    part: str,
    competence: str,
    criterion: int,
    body: MarkIn,
    ctx: CtxDep,
    who: Juror,
) -> MarkOut:
    out = await service.set_mark(
        ctx,
        who,
        candidate_id,
        part,
        competence,
        criterion,
        body.value,
        body.comment,
        body.base_version,
    )
    return MarkOut.model_validate(out)


@router.get("/notes")
async def notes(candidate_id: str, session: SessionDep, _: Jury) -> list[NoteOut]:
    return [NoteOut.model_validate(n) for n in await service.notes(session, candidate_id)]


@router.post("/notes", status_code=201)
async def pin_note(candidate_id: str, body: PinnedNoteIn, ctx: CtxDep, who: Juror) -> NoteOut:
    return NoteOut.model_validate(
        await service.pin_note(
            ctx, who, candidate_id, body.call_id, body.offset_ms, body.text, body.client_note_id
        )
    )


@router.put("/interviews/{topic}")
async def interview(
    candidate_id: str, topic: str, body: InterviewIn, ctx: CtxDep, who: Juror
) -> InterviewOut:
    return InterviewOut.model_validate(
        await service.set_interview_note(ctx, who, candidate_id, topic, body.text)
    )


@router.get("/deliberation")
async def deliberations(candidate_id: str, session: SessionDep, _: Jury) -> list[DeliberationOut]:
    return [
        DeliberationOut.model_validate(deliberation.deliberation_out(d))
        for d in await deliberation.deliberations(session, candidate_id)
    ]


@router.get("/deliberation/readiness", response_model_exclude_unset=True)
async def readiness(candidate_id: str, ctx: CtxDep, session: SessionDep, _: Jury) -> ReadinessOut:
    """Before anyone signs: whether the rules can decide, what is missing, what a signature
    would bind (proposal, pieces, decision) and its seal."""
    return ReadinessOut.model_validate(await signing.current_readiness(ctx, session, candidate_id))


@router.put("/deliberation")
async def propose(candidate_id: str, body: ProposalIn, ctx: CtxDep, who: Juror) -> DeliberationOut:
    proposal = body.model_dump(exclude={"base"})
    return DeliberationOut.model_validate(
        await deliberation.propose(ctx, who, candidate_id, proposal, body.seen())
    )


@router.post("/deliberation/sign")
async def sign(
    candidate_id: str, ctx: CtxDep, who: Juror, body: BasedOn | None = None
) -> DeliberationOut:
    base = body.seen() if body is not None else deliberation.ANY_BASE
    return DeliberationOut.model_validate(await deliberation.sign(ctx, who, candidate_id, base))

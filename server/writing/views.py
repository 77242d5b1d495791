"""Writing edges: the candidate's drafts and notepad; the jury's read-only review with the
spelling aid."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from server.core.identity import Principal, Role
from server.core.text import Line, Text
from server.web.access import CtxDep, Scope, SessionDep, allow
from server.writing import review as writing_review
from server.writing import service
from server.writing.schemas import DraftOut, DraftsOut, NotepadOut, ReviewOut

router = APIRouter(prefix="/api/candidates/{candidate_id}", tags=["writing"])

Reader = Annotated[
    Principal, Depends(allow(Role.CANDIDATE, Role.JUROR, Role.ORGANISER, scope=Scope.CANDIDATE))
]
Candidate = Annotated[Principal, Depends(allow(Role.CANDIDATE, scope=Scope.CANDIDATE))]
Jury = Annotated[Principal, Depends(allow(Role.JUROR, Role.ORGANISER, scope=Scope.CANDIDATE))]
# A reply's counts have the SMS fields for an SMS only: a field the service leaves out is not
# sent (`response_model_exclude_unset`).


class DraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    content: dict[Annotated[str, Line(40)], Annotated[str, Text(service.MAX_TEXT)]] = Field(
        max_length=10
    )
    base_version: int = Field(ge=0)


class NotepadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, Text(50_000)]


@router.get("/writing/drafts", response_model_exclude_unset=True)
async def drafts(candidate_id: str, ctx: CtxDep, session: SessionDep, who: Reader) -> DraftsOut:
    return DraftsOut.model_validate(
        await service.drafts(ctx, session, candidate_id, for_candidate=who.role is Role.CANDIDATE)
    )


@router.put("/writing/drafts/{task_id}", response_model_exclude_unset=True)
async def save_draft(
    candidate_id: str, task_id: str, body: DraftIn, ctx: CtxDep, who: Candidate
) -> DraftOut:
    return DraftOut.model_validate(
        await service.save_draft(
            ctx, candidate_id, task_id, body.content, body.base_version, actor=who.actor
        )
    )


@router.get("/notepad")
async def notepad(candidate_id: str, ctx: CtxDep, session: SessionDep, _: Reader) -> NotepadOut:
    return NotepadOut.model_validate(await service.notepad(ctx, session, candidate_id))


@router.put("/notepad")
async def save_notepad(
    candidate_id: str, body: NotepadIn, ctx: CtxDep, who: Candidate
) -> NotepadOut:
    return NotepadOut.model_validate(
        await service.save_notepad(ctx, candidate_id, body.text, actor=who.actor)
    )


@router.get("/writing/review", response_model_exclude_unset=True)
async def review(candidate_id: str, ctx: CtxDep, session: SessionDep, _: Jury) -> ReviewOut:
    """The replies as the jury reads them: read-only, last save, history, the French aid."""
    return ReviewOut.model_validate(await writing_review.review(ctx, session, candidate_id))

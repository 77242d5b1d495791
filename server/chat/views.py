"""The chat transcript for the jury's archive."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from server.chat import service
from server.chat.events import ChatMessageOut
from server.core.identity import Principal, Role
from server.web.access import Scope, SessionDep, allow

router = APIRouter(prefix="/api/candidates/{candidate_id}/chat", tags=["chat"])
Jury = Annotated[Principal, Depends(allow(Role.ORGANISER, Role.JUROR, scope=Scope.CANDIDATE))]


@router.get("")
async def transcript(candidate_id: str, session: SessionDep, _: Jury) -> list[ChatMessageOut]:
    return [
        ChatMessageOut.model_validate(m) for m in await service.transcript(session, candidate_id)
    ]

"""Organiser edges: the session's Safe Exam Browser setting and its `.seb` file."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from server.core.identity import Principal, Role
from server.exams import queries
from server.lockdown import service
from server.lockdown.lifecycle import candidates_of, close_unverified
from server.lockdown.schemas import SebIn, SebOut
from server.lockdown.seb_config import CONTENT_TYPE
from server.web.access import CtxDep, Scope, SessionDep, allow

router = APIRouter(prefix="/api/sessions/{session_id}/seb", tags=["lockdown"])

OrganiserOfSession = Annotated[Principal, Depends(allow(Role.ORGANISER, scope=Scope.SESSION))]


def _out(state: service.SebState) -> SebOut:
    return SebOut(**asdict(state), locked_phases=[p.label for p in service.LOCKED_PHASES])


@router.get(
    "",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {}}, "description": "Le fichier .seb."}},
)
async def download_seb(session_id: str, session: SessionDep, _: OrganiserOfSession) -> Response:
    """The `.seb` file the workstations open (double click, or SEB's « ouvrir »)."""
    name, content = service.seb_download(await queries.get_exam(session, session_id))
    return Response(
        content,
        media_type=CONTENT_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/settings")
async def seb_settings(session_id: str, session: SessionDep, _: OrganiserOfSession) -> SebOut:
    return _out(service.state_of(await queries.get_exam(session, session_id)))


@router.put("")
async def set_seb(
    session_id: str,
    body: SebIn,
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    who: OrganiserOfSession,
) -> SebOut:
    state = await service.configure(
        session,
        exam=await queries.get_exam(session, session_id),
        required=body.required,
        origin=body.origin,
        quit_password=body.quit_password,
        default_origin=f"{request.url.scheme}://{request.url.netloc}",
        actor=who.actor,
        clock=ctx.clock,
    )
    await session.commit()
    if state.required:
        await close_unverified(ctx, candidates_of(session_id))
    return _out(state)

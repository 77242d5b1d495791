"""Organiser edges: sessions, candidates, jury, proctors, access codes, the live overview.
Each calls one use-case of `server/exams/service.py`; domain errors (NotFound, SetupError)
become HTTP answers in server/web/errors.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from server.core.identity import Principal, Role
from server.core.public_url import sign_in_url
from server.exams import service
from server.exams.schemas import (
    AssignmentSet,
    CandidateCreate,
    CandidateOut,
    CodeOut,
    PersonOut,
    ProctorExtensionIn,
    ProctorExtensionOut,
    SessionCreate,
    SessionDetail,
    SessionOut,
    SessionOverview,
    StaffCreate,
)
from server.exams.setup import CodeLine
from server.web.access import CtxDep, Scope, SessionDep, allow

router = APIRouter(prefix="/api/sessions", tags=["sessions"])

Organiser = Annotated[Principal, Depends(allow(Role.ORGANISER))]
OrganiserOfSession = Annotated[Principal, Depends(allow(Role.ORGANISER, scope=Scope.SESSION))]
StaffOfSession = Annotated[
    Principal, Depends(allow(Role.ORGANISER, Role.PROCTOR, scope=Scope.SESSION))
]


def _code_out(line: CodeLine, base_url: str = "") -> CodeOut:
    return CodeOut(
        participant_id=line.participant_id,
        role=line.role,
        role_label=line.role.label,
        display_name=line.display_name,
        code=line.code,
        sign_in_url=sign_in_url(base_url, line.code) if base_url else "",
    )


def workstations_url(ctx: CtxDep, request: Request) -> str:
    """The address printed on the codes sheet: PLATEAU_PUBLIC_URL (the CLI sets it to the
    server's LAN address when unset); a bare app (tests) falls back to the request's."""
    return ctx.settings.public_url or str(request.base_url).rstrip("/")


@router.get("")
async def list_sessions(ctx: CtxDep, session: SessionDep, _: Organiser) -> list[SessionOut]:
    return await service.list_sessions(ctx, session)


@router.post("", status_code=201)
async def create_session(
    body: SessionCreate, ctx: CtxDep, session: SessionDep, who: Organiser
) -> SessionOut:
    return await service.create_session(
        ctx,
        session,
        centre=body.centre,
        day=body.day,
        title_id=body.title_id,
        format_id=body.format_id,
        pack_id=body.pack_id,
        actor=who.actor,
    )


@router.get("/{session_id}")
async def get_session(
    session_id: str, ctx: CtxDep, session: SessionDep, _: StaffOfSession
) -> SessionDetail:
    return await service.session_detail(ctx, session, session_id)


@router.get("/{session_id}/overview")
async def session_overview(
    session_id: str, ctx: CtxDep, session: SessionDep, _: StaffOfSession
) -> SessionOverview:
    """Everything the organiser's and proctor's consoles show; the WebSocket sends changes."""
    return await service.session_overview(ctx, session, session_id)


@router.post("/{session_id}/candidates", status_code=201)
async def add_candidate(
    session_id: str,
    body: CandidateCreate,
    ctx: CtxDep,
    session: SessionDep,
    who: OrganiserOfSession,
) -> CandidateOut:
    return await service.add_candidate(
        ctx,
        session,
        session_id,
        last_name=body.last_name,
        first_name=body.first_name,
        pathway=body.pathway,
        actor=who.actor,
    )


@router.post("/{session_id}/staff", status_code=201)
async def add_staff(
    session_id: str,
    body: StaffCreate,
    ctx: CtxDep,
    session: SessionDep,
    who: OrganiserOfSession,
) -> PersonOut:
    return await service.add_staff(
        ctx, session, session_id, role=body.role, display_name=body.display_name, actor=who.actor
    )


@router.put("/{session_id}/candidates/{candidate_id}/jury", status_code=204)
async def assign_juror(
    session_id: str,
    candidate_id: str,
    body: AssignmentSet,
    ctx: CtxDep,
    session: SessionDep,
    who: OrganiserOfSession,
) -> None:
    await service.assign_juror(
        ctx,
        session,
        session_id,
        candidate_id,
        juror_id=body.juror_id,
        capacity=body.capacity,
        actor=who.actor,
    )


@router.get("/{session_id}/codes")
async def access_codes(
    session_id: str, request: Request, ctx: CtxDep, session: SessionDep, _: OrganiserOfSession
) -> list[CodeOut]:
    lines = await service.access_codes(ctx, session, session_id)
    base = workstations_url(ctx, request)
    return [_code_out(line, base) for line in lines]


@router.post("/{session_id}/participants/{participant_id}/code", status_code=201)
async def renew_code(
    session_id: str,
    participant_id: str,
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    who: OrganiserOfSession,
) -> CodeOut:
    line = await service.renew_code(ctx, session, session_id, participant_id, actor=who.actor)
    return _code_out(line, workstations_url(ctx, request))


@router.put("/{session_id}/proctor-extension")
async def set_proctor_extension(
    session_id: str,
    body: ProctorExtensionIn,
    ctx: CtxDep,
    session: SessionDep,
    who: OrganiserOfSession,
) -> ProctorExtensionOut:
    """Whether proctors may extend a phase, and by how many minutes at most (null: never)."""
    minutes = await service.set_proctor_extension(
        ctx, session, session_id, minutes=body.minutes, actor=who.actor
    )
    return ProctorExtensionOut(proctor_extension_minutes=minutes)

"""Organiser edges: sessions, candidates, jury, proctors, access codes, the live overview.
Domain errors (NotFound, SetupError) become HTTP answers in server/web/errors.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from server.auth.domain import Principal, Role
from server.core.public_url import sign_in_url
from server.exams import proctor_extension, queries, setup
from server.exams.overview import session_overview as build_overview
from server.exams.packs import freeze_pack_for_session
from server.exams.schemas import (
    AssignmentSet,
    CandidateCreate,
    CandidateOut,
    CodeOut,
    In,
    PersonOut,
    SessionCreate,
    SessionDetail,
    SessionOut,
    StaffCreate,
)
from server.web.access import CtxDep, Scope, SessionDep, allow

router = APIRouter(prefix="/api/sessions", tags=["sessions"])

Organiser = Annotated[Principal, Depends(allow(Role.ORGANISER))]
OrganiserOfSession = Annotated[Principal, Depends(allow(Role.ORGANISER, scope=Scope.SESSION))]
StaffOfSession = Annotated[
    Principal, Depends(allow(Role.ORGANISER, Role.PROCTOR, scope=Scope.SESSION))
]


def _code_out(line: setup.CodeLine, base_url: str = "") -> CodeOut:
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
    return await queries.list_sessions(session, ctx.titles)


@router.post("", status_code=201)
async def create_session(
    body: SessionCreate, ctx: CtxDep, session: SessionDep, who: Organiser
) -> SessionOut:
    snapshot_id = None
    if body.pack_id:
        snapshot_id = await freeze_pack_for_session(
            ctx, session, body.pack_id, body.title_id, body.format_id
        )
    exam = await setup.create_exam_session(
        session,
        titles=ctx.titles,
        centre=body.centre,
        day=body.day,
        title_id=body.title_id,
        format_id=body.format_id,
        pack_snapshot_id=snapshot_id,
        actor=who.actor,
        clock=ctx.clock,
    )
    await session.commit()
    return (await queries.session_detail(session, exam.id, ctx.titles)).session


@router.get("/{session_id}")
async def get_session(
    session_id: str, ctx: CtxDep, session: SessionDep, _: StaffOfSession
) -> SessionDetail:
    return await queries.session_detail(session, session_id, ctx.titles)


@router.get("/{session_id}/overview")
async def session_overview(
    session_id: str, ctx: CtxDep, session: SessionDep, _: StaffOfSession
) -> dict[str, Any]:
    """Everything the organiser's and proctor's consoles show; the WebSocket sends changes."""
    return await build_overview(ctx, session, session_id)


@router.post("/{session_id}/candidates", status_code=201)
async def add_candidate(
    session_id: str,
    body: CandidateCreate,
    ctx: CtxDep,
    session: SessionDep,
    who: OrganiserOfSession,
) -> CandidateOut:
    cand, _ = await setup.add_candidate(
        session,
        exam=await queries.get_exam(session, session_id),
        last_name=body.last_name,
        first_name=body.first_name,
        pathway=body.pathway,
        secret=ctx.settings.secret_key,
        actor=who.actor,
        clock=ctx.clock,
    )
    await session.commit()
    out = await queries.candidates_of(session, session_id)
    return next(c for c in out if c.id == cand.participant_id)


@router.post("/{session_id}/staff", status_code=201)
async def add_staff(
    session_id: str,
    body: StaffCreate,
    ctx: CtxDep,
    session: SessionDep,
    who: OrganiserOfSession,
) -> PersonOut:
    person, _ = await setup.add_staff(
        session,
        exam=await queries.get_exam(session, session_id),
        role=body.role,
        display_name=body.display_name,
        secret=ctx.settings.secret_key,
        actor=who.actor,
        clock=ctx.clock,
    )
    await session.commit()
    return PersonOut(id=person.id, role=Role(person.role), display_name=person.display_name)


@router.put("/{session_id}/candidates/{candidate_id}/jury", status_code=204)
async def assign_juror(
    session_id: str,
    candidate_id: str,
    body: AssignmentSet,
    ctx: CtxDep,
    session: SessionDep,
    who: OrganiserOfSession,
) -> None:
    cand = await queries.get_candidate(session, candidate_id)
    if cand.exam_session_id != session_id:
        raise queries.NotFound("Ce candidat n'appartient pas à cette session.")
    await setup.assign_juror(
        session,
        candidate=cand,
        juror_id=body.juror_id,
        capacity=body.capacity,
        actor=who.actor,
        clock=ctx.clock,
    )
    await session.commit()


@router.get("/{session_id}/codes")
async def access_codes(
    session_id: str, request: Request, ctx: CtxDep, session: SessionDep, _: OrganiserOfSession
) -> list[CodeOut]:
    exam = await queries.get_exam(session, session_id)
    lines = await setup.access_codes(session, exam=exam, secret=ctx.settings.secret_key)
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
    line = await setup.renew_code(
        session,
        participant_id=participant_id,
        exam_session_id=session_id,
        secret=ctx.settings.secret_key,
        actor=who.actor,
        clock=ctx.clock,
        live=ctx.live_sessions,
    )
    await session.commit()
    return _code_out(line, workstations_url(ctx, request))


class ProctorExtensionIn(In):
    minutes: int | None = Field(default=None, ge=1, le=proctor_extension.MAX_MINUTES)


@router.put("/{session_id}/proctor-extension")
async def set_proctor_extension(
    session_id: str,
    body: ProctorExtensionIn,
    ctx: CtxDep,
    session: SessionDep,
    who: OrganiserOfSession,
) -> dict[str, int | None]:
    """Whether proctors may extend a phase, and by how many minutes at most (null: never)."""
    minutes = await proctor_extension.set_limit(
        session,
        exam_session_id=session_id,
        minutes=body.minutes,
        actor=who.actor,
        clock=ctx.clock,
        bus=ctx.bus,
    )
    return {"proctor_extension_minutes": minutes}

"""The exam sessions' actions as the organiser's edges call them: sessions created and read,
candidates and staff added, corrected or removed, jurors assigned, access codes renewed, the
proctor's extension set, the pack chosen (`setup`, `people`, `packs`, `overview` behind)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.core.identity import Capacity, Role
from server.core.referential import Pathway
from server.exams import (
    overview,
    packs,
    people,
    proctor_extension,
    queries,
    setup,
)
from server.exams.people import Change
from server.exams.schemas import (
    CandidateOut,
    PersonOut,
    SessionDetail,
    SessionOut,
    SessionOverview,
)
from server.exams.setup import CodeLine


async def list_sessions(ctx: AppContext, session: AsyncSession) -> list[SessionOut]:
    return await queries.list_sessions(session, ctx.titles)


async def create_session(
    ctx: AppContext,
    session: AsyncSession,
    *,
    centre: str,
    day: date,
    title_id: str,
    format_id: str,
    pack_id: str | None,
    actor: str,
) -> SessionOut:
    """A new exam session (its pack frozen now when one is chosen)."""
    snapshot_id = None
    if pack_id:
        snapshot_id = await packs.freeze_pack_for_session(
            ctx, session, pack_id, title_id, format_id
        )
    exam = await setup.create_exam_session(
        session,
        titles=ctx.titles,
        centre=centre,
        day=day,
        title_id=title_id,
        format_id=format_id,
        pack_snapshot_id=snapshot_id,
        actor=actor,
        clock=ctx.clock,
    )
    await session.commit()
    return (await queries.session_detail(session, exam.id, ctx.titles)).session


async def session_detail(ctx: AppContext, session: AsyncSession, session_id: str) -> SessionDetail:
    return await queries.session_detail(session, session_id, ctx.titles)


async def session_overview(
    ctx: AppContext, session: AsyncSession, session_id: str
) -> SessionOverview:
    """Everything the organiser's and proctor's consoles show; the WebSocket sends changes."""
    return await overview.session_overview(ctx, session, session_id)


async def add_candidate(
    ctx: AppContext,
    session: AsyncSession,
    session_id: str,
    *,
    last_name: str,
    first_name: str,
    pathway: Pathway,
    actor: str,
) -> CandidateOut:
    cand, _ = await setup.add_candidate(
        session,
        exam=await queries.get_exam(session, session_id),
        last_name=last_name,
        first_name=first_name,
        pathway=pathway,
        secret=ctx.settings.secret_key,
        actor=actor,
        clock=ctx.clock,
    )
    await session.commit()
    return await candidate_out(session, session_id, cand.participant_id)


async def candidate_out(session: AsyncSession, session_id: str, candidate_id: str) -> CandidateOut:
    out = await queries.candidates_of(session, session_id)
    return next(c for c in out if c.id == candidate_id)


async def add_staff(
    ctx: AppContext,
    session: AsyncSession,
    session_id: str,
    *,
    role: Role,
    display_name: str,
    actor: str,
) -> PersonOut:
    person, _ = await setup.add_staff(
        session,
        exam=await queries.get_exam(session, session_id),
        role=role,
        display_name=display_name,
        secret=ctx.settings.secret_key,
        actor=actor,
        clock=ctx.clock,
    )
    await session.commit()
    return PersonOut(id=person.id, role=Role(person.role), display_name=person.display_name)


async def assign_juror(
    ctx: AppContext,
    session: AsyncSession,
    session_id: str,
    candidate_id: str,
    *,
    juror_id: str,
    capacity: Capacity,
    actor: str,
) -> None:
    cand = await queries.get_candidate(session, candidate_id)
    if cand.exam_session_id != session_id:
        raise queries.NotFound("Ce candidat n'appartient pas à cette session.")
    await setup.assign_juror(
        session,
        candidate=cand,
        juror_id=juror_id,
        capacity=capacity,
        actor=actor,
        clock=ctx.clock,
        bus=ctx.bus,
    )
    await session.commit()


async def access_codes(ctx: AppContext, session: AsyncSession, session_id: str) -> list[CodeLine]:
    exam = await queries.get_exam(session, session_id)
    return await setup.access_codes(session, exam=exam, secret=ctx.settings.secret_key)


async def renew_code(
    ctx: AppContext, session: AsyncSession, session_id: str, participant_id: str, *, actor: str
) -> CodeLine:
    line = await setup.renew_code(
        session,
        participant_id=participant_id,
        exam_session_id=session_id,
        secret=ctx.settings.secret_key,
        actor=actor,
        clock=ctx.clock,
        live=ctx.live_sessions,
    )
    await session.commit()
    return line


async def set_proctor_extension(
    ctx: AppContext, session: AsyncSession, session_id: str, *, minutes: int | None, actor: str
) -> int | None:
    """Whether proctors may extend a phase, and by how many minutes at most (None: never)."""
    return await proctor_extension.set_limit(
        session,
        exam_session_id=session_id,
        minutes=minutes,
        actor=actor,
        clock=ctx.clock,
        bus=ctx.bus,
    )


async def correct_candidate(
    ctx: AppContext,
    session: AsyncSession,
    session_id: str,
    candidate_id: str,
    *,
    last_name: str | None,
    first_name: str | None,
    pathway: Pathway | None,
    actor: str,
) -> Change:
    """Corrects a candidate's names (any time) or pathway (before the start)."""
    change = await people.correct_candidate(
        session,
        candidate_id=candidate_id,
        exam_session_id=session_id,
        last_name=last_name,
        first_name=first_name,
        pathway=pathway,
        actor=actor,
        clock=ctx.clock,
    )
    await session.commit()
    return change


async def correct_staff(
    ctx: AppContext,
    session: AsyncSession,
    session_id: str,
    participant_id: str,
    *,
    display_name: str,
    actor: str,
) -> Change:
    """Corrects a juror's or proctor's displayed name."""
    change = await people.correct_staff(
        session,
        participant_id=participant_id,
        exam_session_id=session_id,
        display_name=display_name,
        actor=actor,
        clock=ctx.clock,
    )
    await session.commit()
    return change


async def remove_participant(
    ctx: AppContext,
    session: AsyncSession,
    session_id: str,
    participant_id: str,
    *,
    reason: str,
    actor: str,
) -> tuple[Change, int]:
    """Removes someone who has not started; their code and open pages stop working. Returns
    the change and how many pages were closed."""
    change = await people.remove_participant(
        session,
        participant_id=participant_id,
        exam_session_id=session_id,
        reason=reason,
        actor=actor,
        clock=ctx.clock,
        live=ctx.live_sessions,
        bus=ctx.bus,
    )
    closed = ctx.live_sessions.open_count(participant_id)  # closed when the commit lands
    await session.commit()
    return change, closed


async def choose_pack(
    ctx: AppContext, session: AsyncSession, session_id: str, pack_id: str, *, actor: str
) -> SessionOut:
    """The scenario pack of a session created without one (or changed before any start)."""
    exam = await queries.get_exam(session, session_id)
    await packs.choose_pack(ctx, session, exam, pack_id, actor=actor)
    await session.commit()
    return (await queries.session_detail(session, session_id, ctx.titles)).session

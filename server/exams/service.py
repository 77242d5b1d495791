"""The exams package's use-cases as its edges call them (`views`, `people_views`,
`jury_views`, `timeline_views`, `ws`): one function per action, keyword-only
arguments, the AsyncSession passed in and committed here. Behind it the modules of the
package keep one concept each — `setup` (sessions, people, codes), `people` (corrections and
removals), `packs`, `queries`, `overview`, `proctor_extension` and the timeline
(`timeline`, pure, driven by `timeline_service`)."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.core.identity import Capacity, Principal, Role
from server.core.referential import Pathway
from server.exams import (
    overview,
    packs,
    people,
    proctor_extension,
    queries,
    setup,
    timeline_service,
)
from server.exams.closure import PROCTOR_PHASES, StopReason
from server.exams.models import Candidate, JuryAssignment
from server.exams.people import Change as Change  # the façade takes and gives it
from server.exams.schemas import (
    AssignmentOut,
    CandidateOut,
    PersonOut,
    SessionDetail,
    SessionOut,
    SessionOverview,
)
from server.exams.setup import CodeLine as CodeLine  # the façade gives it (the codes sheet)
from server.exams.timeline import Timeline, TimelineError
from server.exams.timeline_facts import Accommodation, TimelineFact
from server.exams.timeline_state import TimelineState

# ---- sessions, people, access codes -------------------------------------------------------


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


# ---- the jury and the consoles ------------------------------------------------------------


async def assignments_of(session: AsyncSession, juror_id: str) -> list[AssignmentOut]:
    """The candidates a juror is assigned to, in the session's order."""
    rows = await session.execute(
        select(JuryAssignment.capacity, Candidate)
        .join(Candidate, Candidate.participant_id == JuryAssignment.candidate_id)
        .where(JuryAssignment.juror_id == juror_id)
        .order_by(Candidate.position, Candidate.last_name, Candidate.first_name)
    )
    return [
        AssignmentOut(
            candidate_id=cand.participant_id,
            name=f"{cand.first_name} {cand.last_name.upper()}",
            capacity=Capacity(capacity),
            position=cand.position,
        )
        for capacity, cand in rows
    ]


async def exam_snapshot(
    ctx: AppContext, session: AsyncSession, principal: Principal
) -> dict[str, Any]:
    """What a page gets on connect: a candidate its own clock (not the proctor's incident
    list), the staff the candidates they may see with their names."""
    ids = await overview.visible_candidates(session, principal)
    data = await overview.candidate_overview(ctx, session, ids)
    if principal.role is Role.CANDIDATE:
        if not data:
            return {}
        mine = timeline_service.candidate_view(data[principal.subject_id].timeline)
        return {"timeline": mine.model_dump(mode="json")}
    names = {
        c.participant_id: f"{c.first_name} {c.last_name.upper()}"
        for c in [await session.get(Candidate, cid) for cid in ids]
        if c is not None
    }
    candidates = {cid: live.model_dump(mode="json") for cid, live in data.items()}
    return {"candidates": candidates, "names": names}


async def report_incident(
    ctx: AppContext, *, candidate_id: str, kind: str, detail: str, actor: str
) -> None:
    """A technical or lockdown incident of the candidate's exam (ValueError: unknown kind)."""
    await overview.report_incident(
        ctx, candidate_id=candidate_id, kind=kind, detail=detail, actor=actor
    )


# ---- the timeline ---------------------------------------------------------------------------


async def timeline_of(
    ctx: AppContext, session: AsyncSession, candidate_id: str, *, for_candidate: bool
) -> TimelineState:
    state = (await timeline_service.load(ctx, session, candidate_id)).state()
    return timeline_service.candidate_view(state) if for_candidate else state


async def _run(
    ctx: AppContext, candidate_id: str, command: timeline_service.Command, actor: str
) -> TimelineState:
    return await timeline_service.run(ctx, candidate_id, command, actor=actor)


async def start(ctx: AppContext, candidate_id: str, *, actor: str) -> TimelineState:
    return await _run(ctx, candidate_id, lambda t: t.start(by=actor), actor)


async def plan_start(
    ctx: AppContext, session: AsyncSession, candidate_id: str, at: datetime | None, *, actor: str
) -> None:
    """Staggered starts: the scheduler starts the candidate at `at`."""
    await timeline_service.plan_start(ctx, session, candidate_id, at, actor=actor)


async def pause(ctx: AppContext, candidate_id: str, reason: str, *, actor: str) -> TimelineState:
    return await _run(ctx, candidate_id, lambda t: t.pause(reason, by=actor), actor)


async def resume(ctx: AppContext, candidate_id: str, *, actor: str) -> TimelineState:
    return await _run(ctx, candidate_id, lambda t: t.resume(by=actor), actor)


async def proctor_extension_refusal(
    session: AsyncSession, candidate_id: str, minutes: int
) -> str | None:
    """Why a proctor may not extend this candidate's phase by `minutes` (None: they may)."""
    limit = await proctor_extension.limit_for(session, candidate_id)
    return proctor_extension.refusal(limit, minutes)


async def extend(
    ctx: AppContext,
    candidate_id: str,
    minutes: int,
    reason: str,
    *,
    actor: str,
    proctor: bool,
) -> TimelineState:
    """Extends the running phase; a proctor only during the phases they supervise."""

    def command(t: Timeline) -> list[TimelineFact]:
        why = proctor_extension.phase_refusal(t.state().phase) if proctor else None
        if why:
            raise TimelineError(why)
        return t.extend(minutes, reason, by=actor)

    return await _run(ctx, candidate_id, command, actor)


async def set_accommodation(
    ctx: AppContext,
    candidate_id: str,
    *,
    tiers_temps: bool,
    extra_percent: int,
    extra_minutes: int,
    note: str,
    actor: str,
) -> TimelineState:
    ratio = Fraction(1, 3) if tiers_temps else Fraction(extra_percent, 100)
    accommodation = Accommodation(
        extra_ratio=ratio,
        extra_minutes=extra_minutes,
        note=note or ("Tiers-temps" if tiers_temps else ""),
    )

    def command(t: Timeline) -> list[TimelineFact]:
        return t.set_accommodation(accommodation, by=actor)

    return await _run(ctx, candidate_id, command, actor)


async def open_interview(ctx: AppContext, candidate_id: str, *, actor: str) -> TimelineState:
    return await _run(ctx, candidate_id, lambda t: t.open_interview(by=actor), actor)


async def close_interview(ctx: AppContext, candidate_id: str, *, actor: str) -> TimelineState:
    return await _run(ctx, candidate_id, lambda t: t.close_interview(by=actor), actor)


async def end_phase_early(
    ctx: AppContext,
    candidate_id: str,
    reason: StopReason,
    comment: str,
    *,
    actor: str,
    proctor: bool,
) -> TimelineState:
    """Ends the running timed phase now (a proctor: during the phases they supervise)."""
    only = PROCTOR_PHASES if proctor else None
    return await _run(
        ctx,
        candidate_id,
        lambda t: t.end_phase_early(reason, comment, by=actor, only=only),
        actor,
    )


async def close_exam(
    ctx: AppContext,
    candidate_id: str,
    reason: StopReason,
    comment: str,
    *,
    actor: str,
    proctor: bool,
) -> TimelineState:
    """Closes the candidate's exam now (abandon, fraud, breakdown, jury's request)."""
    only = PROCTOR_PHASES if proctor else None
    return await _run(
        ctx,
        candidate_id,
        lambda t: t.close_exam(reason, comment, by=actor, only=only),
        actor,
    )

"""The scenario pack a session uses: frozen into the database when the session is created,
read back (and cached: a snapshot never changes) for everything the exam needs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit
from server.core.context import AppContext
from server.exams.models import Candidate, ExamSession
from server.exams.people import has_started
from server.exams.queries import NotFound
from server.exams.setup import SetupError
from server.scenarios import service as pack_service
from server.scenarios.catalogue import loaded_packs
from server.scenarios.pack.formats import PackFormatError
from server.scenarios.pack.models import FormatSubset, ScenarioPack


async def freeze_pack_for_session(
    ctx: AppContext, session: AsyncSession, pack_id: str, title_id: str, format_id: str
) -> str:
    pack = loaded_packs(ctx).get(pack_id)
    if pack is None:
        raise NotFound(f"Pack de scénarios inconnu : {pack_id}.")
    if pack.title != title_id:
        raise SetupError(f"Le pack {pack_id} est un sujet du titre {pack.title}, pas {title_id}.")
    try:
        pack.for_format(ctx.titles[title_id].format(format_id))
    except (PackFormatError, KeyError) as exc:
        raise SetupError(f"Le pack {pack_id} ne sert pas le format {format_id} : {exc}") from None
    snapshot = await pack_service.import_pack(session, pack, clock=ctx.clock)
    return snapshot.id


async def snapshot_pack(ctx: AppContext, session: AsyncSession, snapshot_id: str) -> ScenarioPack:
    cache = ctx.services.pack_snapshots  # opaque to the core: checked on the way out
    pack = cache.get(snapshot_id)
    if not isinstance(pack, ScenarioPack):
        pack = cache[snapshot_id] = await pack_service.get_snapshot(session, snapshot_id)
    return pack


async def session_subset(
    ctx: AppContext, session: AsyncSession, exam: ExamSession
) -> tuple[ScenarioPack, FormatSubset] | None:
    """The frozen pack of a session and the part of it the session's format uses."""
    if exam.pack_snapshot_id is None:
        return None
    pack = await snapshot_pack(ctx, session, exam.pack_snapshot_id)
    return pack, pack.for_format(ctx.titles[exam.title_id].format(exam.format_id))


async def candidate_subset(
    ctx: AppContext, session: AsyncSession, candidate_id: str
) -> tuple[ScenarioPack, FormatSubset] | None:
    cand = await session.get(Candidate, candidate_id)
    if cand is None:
        raise NotFound("Candidat introuvable.")
    exam = await session.get(ExamSession, cand.exam_session_id)
    assert exam is not None
    return await session_subset(ctx, session, exam)


async def choose_pack(
    ctx: AppContext, session: AsyncSession, exam: ExamSession, pack_id: str, *, actor: str
) -> str:
    """The subject of a session created without one (or changed before anyone started): the
    pack is frozen into the session as at creation. Refused once a candidate has begun."""
    candidates = list(
        await session.scalars(
            select(Candidate.participant_id).where(Candidate.exam_session_id == exam.id)
        )
    )
    if await has_started(session, candidates):
        raise SetupError(
            "Des candidats ont commencé leur épreuve : le sujet de la session ne change plus."
        )
    before = exam.pack_snapshot_id
    snapshot_id = await freeze_pack_for_session(
        ctx, session, pack_id, exam.title_id, exam.format_id
    )
    if snapshot_id == before:
        raise SetupError("Ce pack est déjà celui de la session.")
    exam.pack_snapshot_id = snapshot_id
    await audit.record(
        session,
        clock=ctx.clock,
        actor=actor,
        action="session.pack_choose",
        exam_session_id=exam.id,
        details={"pack": pack_id, "pack_snapshot": snapshot_id, "before": before},
    )
    await session.flush()
    return snapshot_id

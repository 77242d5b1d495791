"""The survey form: the pack's questionnaire and the candidate's answers, saved as typed
(open answers verbatim, never interpreted), one row per question, upserted idempotently."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.crm import store
from server.crm.domain import check_answer
from server.crm.models import SurveyAnswer
from server.exams.queries import NotFound
from server.scenarios.pack.simulations import Simulation, Survey


async def _simulation(
    ctx: AppContext, session: AsyncSession, candidate_id: str, simulation_id: str
) -> tuple[Simulation, Survey]:
    _, sub = await store.subset(ctx, session, candidate_id)
    sim = next((s for s in sub.simulations if s.id == simulation_id), None)
    if sim is None or sim.candidate.survey is None:
        raise NotFound("Pas de questionnaire pour cette simulation.")
    return sim, sim.candidate.survey


async def answers(session: AsyncSession, candidate_id: str, simulation_id: str) -> dict[str, Any]:
    rows = await session.scalars(
        select(SurveyAnswer).where(
            SurveyAnswer.candidate_id == candidate_id, SurveyAnswer.simulation_id == simulation_id
        )
    )
    return {a.question_id: a.value for a in rows if a.value is not None}


async def all_answers(session: AsyncSession, candidate_id: str) -> dict[str, dict[str, Any]]:
    """Every survey of the candidate: {simulation id: {question id: answer}} (jury, archive)."""
    rows = await session.scalars(
        select(SurveyAnswer)
        .where(SurveyAnswer.candidate_id == candidate_id)
        .order_by(SurveyAnswer.simulation_id, SurveyAnswer.question_id)
    )
    out: dict[str, dict[str, Any]] = {}
    for a in rows:
        if a.value is not None:
            out.setdefault(a.simulation_id, {})[a.question_id] = a.value
    return out


async def survey(
    ctx: AppContext, session: AsyncSession, candidate_id: str, simulation_id: str
) -> dict[str, Any]:
    _, questionnaire = await _simulation(ctx, session, candidate_id, simulation_id)
    return {
        "simulation_id": simulation_id,
        "survey": questionnaire.model_dump(mode="json"),
        "answers": await answers(session, candidate_id, simulation_id),
    }


async def answer(
    ctx: AppContext,
    candidate_id: str,
    simulation_id: str,
    question_id: str,
    value: Any,
    *,
    actor: str,
) -> dict[str, Any]:
    """Saved as typed, validated by the question's type; the same answer again changes
    nothing (no log row, no event); `null` or "" clears it."""
    async with ctx.db.session() as session:
        await store.require_editable(ctx, session, candidate_id)
        sim, questionnaire = await _simulation(ctx, session, candidate_id, simulation_id)
        question = questionnaire.question(question_id)
        if question is None:
            raise NotFound(f"Question inconnue : {question_id}.")
        value = check_answer(question, value)
        row = await session.get(SurveyAnswer, (candidate_id, simulation_id, question_id))
        old = row.value if row else None
        if old == value:
            return {"simulation_id": simulation_id, "question_id": question_id, "value": value}
        if row is None:
            row = SurveyAnswer(
                candidate_id=candidate_id,
                simulation_id=simulation_id,
                question_id=question_id,
                value=value,
                saved_at=ctx.clock.now(),
            )
            session.add(row)
        else:
            row.value, row.saved_at = value, ctx.clock.now()
        change = await store.log(
            ctx,
            session,
            candidate_id,
            record_id=sim.candidate.crm_record,
            kind="survey_answer",
            field=f"{simulation_id}.{question_id}",
            old=old,
            new=value,
            client_id=None,
            actor=actor,
        )
        await session.commit()
        now = await answers(session, candidate_id, simulation_id)
    store.announce(
        ctx, candidate_id, change, survey={"simulation_id": simulation_id, "answers": now}
    )
    return {"simulation_id": simulation_id, "question_id": question_id, "value": value}

"""The exam subject as each role may see it: the candidate's dossier (from the start of the
preparation, never a juror card, and no inbound call before it rings) and the jury's run sheet."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.core.errors import PlateauError
from server.core.referential import PhaseKind
from server.exams import timeline_service
from server.exams.queries import NotFound
from server.exams.timeline_state import Status, TimelineState
from server.progress import service as progress
from server.scenarios.pack.types import SimulationKind


class NotYet(PlateauError, PermissionError):
    """The subject is sealed until the candidate's preparation starts."""


def phase_reached(timeline: TimelineState, phase: PhaseKind) -> bool:
    """The phase has started (it is running, paused or over)."""
    return any(p.phase is phase and p.started_at is not None for p in timeline.phases)


async def candidate_subject(
    ctx: AppContext, session: AsyncSession, candidate_id: str
) -> dict[str, Any]:
    """The candidate-visible pack, each part from the phase that uses it: the dossier and the
    outbound and chat simulations from the préparation; inbound simulations never (their
    caller and record reach the candidate when the phone rings, the screen pop); the written
    briefs from the start of the rédaction only (they name callers and tell how calls end)."""
    timeline = await timeline_service.load(ctx, session, candidate_id)
    if timeline.status is Status.NOT_STARTED:
        raise NotYet("Le dossier sera disponible au début de la préparation.")
    found = await progress.effective_subset(ctx, session, candidate_id)
    if found is None:
        raise NotFound("Aucun sujet n'est associé à cette session.")
    pack, subset = found
    view = pack.candidate_view(timeline.format)
    data = view.model_dump(mode="json")
    # A writing task whose simulation was not played: its stand-alone replacement.
    data["writing_tasks"] = [w.public().model_dump(mode="json") for w in subset.writing_tasks]
    data["simulations"] = [
        s for s in data["simulations"] if s["kind"] != SimulationKind.INBOUND_CALL.value
    ]
    sealed = not phase_reached(timeline.state(), PhaseKind.REDACTION)
    if sealed:
        data["writing_tasks"] = []
    data["writing_sealed"] = sealed
    data["format_name"] = timeline.format.name
    return data


async def jury_subject(ctx: AppContext, session: AsyncSession, candidate_id: str) -> dict[str, Any]:
    """The run sheet: every simulation of the session's format with its juror card, the
    writing tasks with their marking notes, and the competences and criteria to watch."""
    found = await progress.effective_subset(ctx, session, candidate_id)
    if found is None:
        raise NotFound("Aucun sujet n'est associé à cette session.")
    pack, subset = found
    title = ctx.titles[pack.title]
    sims: list[dict[str, Any]] = []
    for order, sim in enumerate(subset.simulations, start=1):
        sims.append(
            {
                "order": order,
                **sim.model_dump(mode="json"),
                "kind_label": sim.kind.label,
                "competence_names": {c: title.competence(c).name for c in sim.competences},
            }
        )
    return {
        "pack": {"id": pack.id, "name": pack.name, "version": pack.version},
        "simulations": sims,
        "writing_tasks": [w.model_dump(mode="json") for w in subset.writing_tasks],
    }

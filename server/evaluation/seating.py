"""A candidate seated for the evaluation: the session, the title, the format and the pack as it
was played (`Seat`, read by `seat`), and the refusal of a mark, a note or a signature the
evaluation does not allow (`EvaluationRefused`, French message)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.core.errors import PlateauError
from server.core.referential import ExamFormat, Title
from server.evaluation import grid
from server.exams.models import Candidate, ExamSession
from server.exams.queries import NotFound
from server.progress import service as progress
from server.scenarios.pack.models import FormatSubset


class EvaluationRefused(PlateauError):
    """A mark, note or signature the evaluation does not allow (French message)."""


@dataclass(frozen=True)
class Seat:
    """A candidate with what the grid needs: the session, the title, the format, the pack as
    it was played (writing tasks replaced where their simulation was not played, and the
    simulations not played with their reason)."""

    candidate: Candidate
    exam: ExamSession
    title: Title
    exam_format: ExamFormat
    subset: FormatSubset | None
    not_played: dict[str, str] = field(default_factory=dict)

    def structure(self) -> list[grid.Part]:
        if self.subset is None:
            raise NotFound("Aucun sujet n'est associé à cette session : pas de grille.")
        return grid.parts(self.title, self.exam_format, self.subset, self.not_played)


async def seat(ctx: AppContext, session: AsyncSession, candidate_id: str) -> Seat:
    candidate = await session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound("Candidat introuvable.")
    exam = await session.get(ExamSession, candidate.exam_session_id)
    assert exam is not None
    title = ctx.titles[exam.title_id]
    found = await progress.played(ctx, session, candidate_id)
    return Seat(
        candidate,
        exam,
        title,
        title.format(exam.format_id),
        found.subset if found else None,
        found.not_played if found else {},
    )

"""A closed exam's effect on the decision (server/exams/closure.py): after an abandon, an
exclusion for fraud or a technical breakdown the jury takes no decision at this session; after a
closure at the jury's request it deliberates on what was evaluated."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from server.certification.errors import CertificationRefused
from server.core import localtime
from server.core.context import AppContext
from server.exams import timeline_service


async def refuse_if_no_decision(ctx: AppContext, session: AsyncSession, candidate_id: str) -> None:
    """CertificationRefused when the candidate's exam was closed for a reason that leaves no
    decision to take."""
    closure = (await timeline_service.load(ctx, session, candidate_id)).closure
    if closure is not None and not closure.decision_allowed:
        when = localtime.date_time(closure.at, ctx.settings.zone)
        raise CertificationRefused(
            f"Épreuve close le {when} ({closure.reason_label}) : {closure.outcome}"
        )

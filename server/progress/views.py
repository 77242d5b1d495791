"""The simulations played, for the candidate's jurors and the organiser (the simulations'
titles are staff labels: never for a candidate)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from server.core.identity import Principal, Role
from server.progress import service
from server.progress.schemas import SimulationsOut
from server.web.access import CtxDep, Scope, SessionDep, allow

router = APIRouter(prefix="/api/candidates/{candidate_id}/simulations", tags=["progress"])
Jury = Annotated[Principal, Depends(allow(Role.JUROR, Role.ORGANISER, scope=Scope.CANDIDATE))]


@router.get("")
async def simulations(
    candidate_id: str, ctx: CtxDep, session: SessionDep, _: Jury
) -> SimulationsOut:
    """Per simulation: à faire / en cours / jouée / non jouée (with its reason); the time left
    in the calls phase, what the remaining simulations need and whether it fits."""
    return SimulationsOut.model_validate(await service.progress_out(ctx, session, candidate_id))

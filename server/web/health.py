"""`GET /api/health`: each dependency's state (see `server/core/health.py`); 503 when this
server cannot run an exam. Public: monitors and load balancers poll it without signing in;
it tells states and counts, nothing an attacker could use (no address, no error text)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict

from server.core.health import checks_of
from server.web.access import CtxDep, public

router = APIRouter()


class DependencyHealth(BaseModel):
    """One dependency: its `status` ("ok" or "down") and what it counts (e.g. `down_for_s`,
    the media workers' numbers): those vary with the dependency and are passed through."""

    model_config = ConfigDict(extra="allow")
    status: str


class HealthOut(BaseModel):
    status: Literal["ok", "degraded", "down"]  # down: this server cannot run an exam (503)
    time: str  # the server's clock, ISO 8601 (`datetime.isoformat()`)
    dependencies: dict[str, DependencyHealth]  # database, media, redis…


@router.get(
    "/api/health",
    dependencies=[Depends(public("supervision : état de la base, de Redis et des workers média"))],
    responses={
        503: {
            "model": HealthOut,
            "description": "Ce serveur ne peut pas faire passer "
            "d'examen (base de données ou serveur audio indisponible).",
        }
    },
)
async def health(ctx: CtxDep, response: Response) -> HealthOut:
    report = await checks_of(ctx).report(ctx)
    response.status_code = report.http_status
    response.headers["Cache-Control"] = "no-store"
    return HealthOut.model_validate(
        {
            "status": report.status,
            "time": ctx.clock.now().isoformat(),
            "dependencies": report.dependencies,
        }
    )

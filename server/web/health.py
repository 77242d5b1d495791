"""`GET /api/health`: each dependency's state (see `server/core/health.py`); 503 when this
server cannot run an exam. Public: monitors and load balancers poll it without signing in;
it tells states and counts, nothing an attacker could use (no address, no error text)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from server.core.health import checks_of
from server.web.access import CtxDep, public

router = APIRouter()


@router.get(
    "/api/health",
    dependencies=[Depends(public("supervision : état de la base, de Redis et des workers média"))],
)
async def health(ctx: CtxDep) -> JSONResponse:
    report = await checks_of(ctx).report(ctx)
    body = {
        "status": report.status,
        "time": ctx.clock.now().isoformat(),
        "dependencies": report.dependencies,
    }
    return JSONResponse(body, report.http_status, headers={"Cache-Control": "no-store"})

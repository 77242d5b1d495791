"""The FastAPI application: one process, HTTP edges, one WebSocket per page.

The composition root: every package's contribution is listed here, in order, and assembled by
`create_app` (server/web/composition.py); nothing is registered by importing a module."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from server.auth.contribution import CONTRIBUTION as AUTH
from server.certification.contribution import CONTRIBUTION as CERTIFICATION
from server.chat.contribution import CONTRIBUTION as CHAT
from server.core import audit, replicas
from server.core.audit_seal import AuditSeal
from server.core.bus import build_bus
from server.core.clock import Clock, SystemClock
from server.core.config import Settings
from server.core.context import AppContext
from server.core.db import Database
from server.core.replicas import shared_state
from server.core.services import Services
from server.core.tokens import TokenService
from server.crm.contribution import CONTRIBUTION as CRM
from server.documents.contribution import CONTRIBUTION as DOCUMENTS
from server.evaluation.contribution import CONTRIBUTION as EVALUATION
from server.exams.contribution import CONTRIBUTION as EXAMS
from server.lockdown.contribution import CONTRIBUTION as LOCKDOWN
from server.lockdown.seb_check import SebGuard
from server.progress.contribution import CONTRIBUTION as PROGRESS
from server.scenarios.catalogue import load_catalogue
from server.scenarios.contribution import CONTRIBUTION as SCENARIOS
from server.telephony.contribution import CONTRIBUTION as TELEPHONY
from server.web.composition import Contribution, Stage, StartUp, assemble
from server.web.contribution import CONTRIBUTION as WEB
from server.web.errors import install_error_handlers
from server.web.input_edge import InputEdge
from server.web.responses import ReadableJSONResponse
from server.web.security_headers import SecurityHeaders
from server.writing.contribution import CONTRIBUTION as WRITING

log = logging.getLogger(__name__)

# The replicas' shared state (the bus, the clock's leadership): first up, last down.
REPLICAS = Contribution(
    name="replicas",
    startup=(StartUp(Stage.SHARED, replicas.start_replica),),
    shutdown=(replicas.stop_replica,),
)
# Every package's contribution. The order is that of the timeline's listeners and of the
# start-up hooks within a stage; shutdown runs in the reverse order.
CONTRIBUTIONS: tuple[Contribution, ...] = (
    REPLICAS,
    AUTH,
    EXAMS,
    SCENARIOS,
    TELEPHONY,
    WRITING,
    CHAT,
    CRM,
    EVALUATION,
    DOCUMENTS,
    CERTIFICATION,
    PROGRESS,
    LOCKDOWN,
    WEB,
)
# ASGI middleware around every route, outermost last (Starlette's add_middleware order).
MIDDLEWARE: tuple[Callable[[ASGIApp], ASGIApp], ...] = (InputEdge, SebGuard, SecurityHeaders)


def build_context(
    settings: Settings,
    *,
    clock: Clock | None = None,
    pooled: bool = True,
    contributions: Sequence[Contribution] = CONTRIBUTIONS,
) -> AppContext:
    """The services' context, wired by `contributions` (the timeline's listeners, the lock
    checks and seal parts of a deliberation…), so that a script that locks a deliberation or
    ends a phase without an app behaves as the app does."""
    clock = clock or SystemClock()
    catalogue = load_catalogue(settings.scenarios_dir)
    db = Database(
        settings.database_url,
        pooled=pooled,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
    )
    if settings.secret_key:  # every audit entry is sealed; the checkpoint lives in the data dir
        audit.attach_seal(
            db.sessionmaker, AuditSeal.from_secret(settings.secret_key, settings.data_dir)
        )
    limiter, presence, redis = shared_state(settings, clock)
    return AppContext(
        settings=settings,
        db=db,
        clock=clock,
        tokens=TokenService(settings.secret_key, settings.session_hours * 3600),
        limiter=limiter,
        bus=build_bus(settings),
        titles=catalogue.titles,
        packs=catalogue.packs,
        presence=presence,
        services=Services(pack_problems=catalogue.problems, replica_redis=redis),
        wiring=assemble(contributions).wiring,
    )


def create_app(
    ctx: AppContext, *, contributions: Sequence[Contribution] = CONTRIBUTIONS
) -> FastAPI:
    """The app of exactly these contributions: their routers, WebSocket commands and snapshot
    parts (`app.state.edges`), the services' hooks (`ctx.wiring`), their start-up and shutdown
    hooks."""
    assembly = assemble(contributions)
    ctx.wiring = assembly.wiring

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for hook in assembly.startup:
            await hook(ctx)
        try:
            yield
        finally:
            for hook in assembly.shutdown:
                try:
                    await hook(ctx)
                except Exception:  # noqa: BLE001 - shut everything down regardless
                    log.exception("shutdown hook failed")
            await ctx.db.dispose()

    app = FastAPI(
        title="Plateau",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        default_response_class=ReadableJSONResponse,
    )
    app.state.ctx = ctx
    app.state.edges = assembly.edges
    install_error_handlers(app)
    # The pages' files first: the router tries its routes in order, and a page loads some
    # sixty modules, each of which would otherwise be tried against every API route first
    # (half of a module's serving time; no API route lies under /static).
    app.mount("/static", StaticFiles(directory=ctx.settings.web_dir), name="static")
    for router in assembly.routers:
        app.include_router(router)
    for middleware in MIDDLEWARE:
        app.add_middleware(middleware)
    return app


def describe(app: FastAPI) -> list[dict[str, Any]]:
    return [{"path": getattr(r, "path", "?"), "name": getattr(r, "name", "?")} for r in app.routes]

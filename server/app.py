"""The FastAPI application: one process, HTTP edges, one WebSocket per page."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from server.auth.tokens import TokenService
from server.core import audit
from server.core.audit_seal import AuditSeal
from server.core.bus import build_bus
from server.core.clock import Clock, SystemClock
from server.core.config import Settings
from server.core.context import AppContext
from server.core.db import Database
from server.core.replicas import shared_state
from server.scenarios.catalogue import load_catalogue
from server.web.errors import install_error_handlers
from server.web.responses import ReadableJSONResponse

log = logging.getLogger(__name__)


def build_context(
    settings: Settings, *, clock: Clock | None = None, pooled: bool = True
) -> AppContext:
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
    limiter, presence, services = shared_state(settings, clock)
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
        services={"pack_problems": catalogue.problems, **services},
    )


def create_app(ctx: AppContext) -> FastAPI:
    from server import routes  # noqa: F401  (imports every package's edges and hooks)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for hook in routes.STARTUP:
            await hook(ctx)
        try:
            yield
        finally:
            for hook in reversed(routes.SHUTDOWN):
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
    install_error_handlers(app)
    for router in routes.ROUTERS:
        app.include_router(router)
    for middleware in routes.MIDDLEWARE:
        app.add_middleware(middleware)
    app.mount("/static", StaticFiles(directory=ctx.settings.web_dir), name="static")
    return app


def describe(app: FastAPI) -> list[dict[str, Any]]:
    return [{"path": getattr(r, "path", "?"), "name": getattr(r, "name", "?")} for r in app.routes]

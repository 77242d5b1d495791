"""Every edge of the application and every start-up/shutdown hook, in one place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from starlette.types import ASGIApp

from server.auth import lifecycle as auth_lifecycle
from server.auth.views import router as auth_router
from server.certification import service as certification_service  # noqa: F401  (decision on lock)
from server.certification.views import router as certification_router
from server.chat import ws as chat_ws  # noqa: F401  (registers WebSocket commands)
from server.chat.views import router as chat_router
from server.core import replicas
from server.core.context import AppContext
from server.crm import ws as crm_ws  # noqa: F401  (registers the snapshot part)
from server.crm.views import router as crm_router
from server.documents.views import router as documents_router
from server.evaluation import ws as evaluation_ws  # noqa: F401  (registers WebSocket commands and parts)
from server.evaluation.views import router as evaluation_router
from server.exams import lifecycle as exams_lifecycle
from server.exams import ws as exams_ws  # noqa: F401  (registers WebSocket commands and parts)
from server.exams.jury_views import router as jury_router
from server.exams.people_views import router as people_router
from server.exams.subject_views import router as subject_router
from server.exams.timeline_views import router as timeline_router
from server.exams.views import router as sessions_router
from server.lockdown import lifecycle as lockdown_lifecycle
from server.lockdown.seb_check import SebGuard
from server.lockdown.views import router as lockdown_router
from server.progress import lifecycle as progress_lifecycle
from server.progress.views import router as progress_router
from server.scenarios.views import router as catalogue_router
from server.telephony import lifecycle as telephony_lifecycle
from server.telephony import ring_sweep
from server.telephony import ws as telephony_ws  # noqa: F401  (registers WebSocket commands)
from server.telephony.views import router as telephony_router
from server.web.health import router as health_router
from server.web.input_edge import InputEdge
from server.web.pages import router as pages_router
from server.web.security_headers import SecurityHeaders
from server.web.ws import router as ws_router
from server.writing import lifecycle as writing_lifecycle
from server.writing.views import router as writing_router

Hook = Callable[[AppContext], Awaitable[None]]

ROUTERS: list[APIRouter] = [
    auth_router,
    sessions_router,
    people_router,
    catalogue_router,
    timeline_router,
    subject_router,
    telephony_router,
    writing_router,
    chat_router,
    crm_router,
    evaluation_router,
    documents_router,
    certification_router,
    pages_router,
    health_router,
    ws_router,
    jury_router,
    lockdown_router,
    progress_router,
]
# ASGI middleware around every route, outermost last (Starlette's add_middleware order).
MIDDLEWARE: list[Callable[[ASGIApp], ASGIApp]] = [InputEdge, SebGuard, SecurityHeaders]
STARTUP: list[Hook] = [
    replicas.start_replica,  # the shared bus first: every other hook may publish
    exams_lifecycle.give_back_outage,  # before any deadline missed meanwhile is applied
    telephony_lifecycle.start_media,
    writing_lifecycle.start_writing,
    progress_lifecycle.start_progress,  # before the clock: it applies the deadlines missed
    exams_lifecycle.start_clock,
    lockdown_lifecycle.start_lockdown,
    auth_lifecycle.start_revocation_watch,
    ring_sweep.start_ring_sweep,
]
SHUTDOWN: list[Hook] = [
    ring_sweep.stop_ring_sweep,
    telephony_lifecycle.stop_media,
    exams_lifecycle.stop_clock,
    auth_lifecycle.stop_revocation_watch,
    replicas.stop_replica,
]

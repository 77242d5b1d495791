"""Edge: candidates' requests during the locked phases must come from Safe Exam Browser running
the session's configuration.

An ASGI middleware in front of the candidate page (`/candidat`), the API and the WebSocket
handshake. For a signed-in candidate whose session requires SEB, a request proves the
configuration by one of SEB's two published means:
- the `X-SafeExamBrowser-ConfigKeyHash` header SEB adds to the page's requests:
  SHA-256(request URL without fragment + Config Key);
- SEB's JavaScript API (`SafeExamBrowser.security.configKey`: the same hash for the candidate
  page's URL), which the page forwards in `X-Plateau-SEB-PageKey` (HTTP) or `?seb=` (WebSocket):
  SEB for macOS/iOS adds no header in the modern WebView the softphone's WebRTC needs.
During a locked phase a request without a valid proof is refused (a French page or JSON) and a
`seb_missing` incident is recorded for the candidate, at most once a minute. Outside the locked
phases, and for sessions without SEB, nothing changes.
"""

from __future__ import annotations

import hmac
import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from server.core.context import AppContext
from server.core.identity import Role
from server.core.tokens import SESSION_COOKIE
from server.exams import overview, timeline_service
from server.exams.models import ExamSession
from server.exams.queries import NotFound
from server.exams.timeline_state import Status
from server.lockdown import service
from server.lockdown.seb_config import CANDIDATE_PAGE, request_hash

log = logging.getLogger(__name__)

CONFIG_KEY_HEADER = "x-safeexambrowser-configkeyhash"
PAGE_KEY_HEADER = "x-plateau-seb-pagekey"
PAGE_KEY_QUERY = "seb"
SEB_USER_AGENT = "SEB/"
VERIFIED = "plateau.seb_verified"  # set on the scope of a request that proved the configuration
REFUSAL = "Ouvrez cette page dans Safe Exam Browser avec la configuration de la session."
INCIDENT_GAP = timedelta(minutes=1)
POLICY_VIOLATION = 1008

REFUSAL_PAGE = f"""<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Safe Exam Browser requis — Plateau</title>
  <link rel="stylesheet" href="/static/css/plateau.css">
</head>
<body class="candidate">
  <main class="cand-view waiting">
    <div class="waiting-card" role="alert">
      <h1>Safe Exam Browser requis</h1>
      <p>{REFUSAL}</p>
      <p class="muted">Le surveillant a été prévenu. Demandez-lui de l'aide si besoin.</p>
    </div>
  </main>
</body>
</html>
"""


def guarded(path: str) -> bool:
    """The candidate page, the API (not sign-in) and the WebSocket; not the static files."""
    if path in (CANDIDATE_PAGE, "/ws"):
        return True
    return path.startswith("/api/") and not path.startswith("/api/auth/") and path != "/api/health"


def _same(presented: str, expected: str) -> bool:
    return hmac.compare_digest(presented.strip().lower().encode(), expected.encode())


def proof_failure(conn: HTTPConnection, req: service.SebRequirement) -> str | None:
    """None when the request proves the session's SEB configuration, else why not (French)."""
    header = conn.headers.get(CONFIG_KEY_HEADER)
    page_key = conn.headers.get(PAGE_KEY_HEADER) or conn.query_params.get(PAGE_KEY_QUERY)
    if header and _same(header, request_hash(str(conn.url), req.config_key)):
        return None
    if page_key and _same(page_key, request_hash(req.origin + CANDIDATE_PAGE, req.config_key)):
        return None
    if header or page_key:
        return "clé de configuration Safe Exam Browser incorrecte (autre fichier .seb ?)"
    return "sans Safe Exam Browser (aucune clé de configuration)"


async def _locked(ctx: AppContext, session: AsyncSession, candidate_id: str) -> bool:
    try:
        state = (await timeline_service.load(ctx, session, candidate_id)).state()
    except NotFound:
        return False
    return state.phase in service.LOCKED_PHASES and state.status in (
        Status.RUNNING,
        Status.PAUSED,
    )


async def refusal_for(ctx: AppContext, conn: HTTPConnection) -> str | None:
    """Why this request is refused, or None to let it through (marking it verified if so)."""
    token = conn.cookies.get(SESSION_COOKIE)
    claims = ctx.tokens.read(token) if token else None
    if claims is None or claims.role is not Role.CANDIDATE or claims.exam_session_id is None:
        return None  # not a candidate: the route's own access rule answers
    async with ctx.db.session() as session:
        exam = await session.get(ExamSession, claims.exam_session_id)
        req = service.requirement(exam) if exam is not None else None
        if req is None:
            return None
        reason = proof_failure(conn, req)
        if reason is None:
            conn.scope[VERIFIED] = True
            return None
        if _seb_page_without_header(conn):
            return None
        if not await _locked(ctx, session, claims.subject_id):
            return None
    await _report(ctx, claims.subject_id, f"{_what(conn)} : {reason}")
    return reason


def _seb_page_without_header(conn: HTTPConnection) -> bool:
    """SEB for macOS/iOS (modern WebView) loads the page without a header: the page, which
    holds no exam data, is served; its API calls and WebSocket prove the configuration."""
    no_key = not conn.headers.get(CONFIG_KEY_HEADER)
    return (
        conn.url.path == CANDIDATE_PAGE
        and no_key
        and SEB_USER_AGENT in conn.headers.get("user-agent", "")
    )


def _what(conn: HTTPConnection) -> str:
    if conn.scope["type"] == "websocket":
        return f"WebSocket {conn.url.path}"
    return f"{conn.scope.get('method', 'GET')} {conn.url.path}"


async def _report(ctx: AppContext, candidate_id: str, detail: str) -> None:
    """One `seb_missing` incident per candidate per minute, not one per request (a page load
    makes many)."""
    last = ctx.services.seb_incident_at
    now = ctx.clock.now()
    seen = last.get(candidate_id)
    if seen is not None and now - seen < INCIDENT_GAP:
        return
    last[candidate_id] = now
    try:
        await overview.report_incident(
            ctx,
            candidate_id=candidate_id,
            kind="seb_missing",
            detail=detail,
            actor=f"{Role.CANDIDATE.value}:{candidate_id}",
        )
    except (NotFound, ValueError):
        log.warning("SEB incident not recorded for %s", candidate_id)


def _refusal_response(conn: HTTPConnection) -> Response:
    wants_page = conn.url.path == CANDIDATE_PAGE or (
        not conn.url.path.startswith("/api/") and "text/html" in conn.headers.get("accept", "")
    )
    if wants_page:
        return HTMLResponse(REFUSAL_PAGE, status_code=403, headers={"Cache-Control": "no-store"})
    return JSONResponse({"detail": REFUSAL, "code": "seb_required"}, status_code=403)


class SebGuard:
    """The ASGI middleware (listed in server/app.py `MIDDLEWARE`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not guarded(scope["path"]):
            await self.app(scope, receive, send)
            return
        ctx: AppContext = scope["app"].state.ctx
        conn = HTTPConnection(scope)
        if await refusal_for(ctx, conn) is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await WebSocketClose(POLICY_VIOLATION, "Safe Exam Browser requis")(scope, receive, send)
        else:
            await _refusal_response(conn)(scope, receive, send)

"""What the web package adds to the app (assembled by server/app.py): the pages, the health
check and the WebSocket edge."""

from __future__ import annotations

from server.web import messages
from server.web.composition import Contribution
from server.web.health import router as health_router
from server.web.pages import router as pages_router
from server.web.ws import router as ws_router

CONTRIBUTION = Contribution(
    name="web",
    routers=(pages_router, health_router, ws_router),
    events=messages.EVENTS,  # the edge's own: snapshot, replies, presence
)

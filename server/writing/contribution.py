"""What the writing package adds to the app (assembled by server/app.py)."""

from __future__ import annotations

from server.web.composition import Contribution
from server.writing import events, lifecycle, service
from server.writing.views import router

CONTRIBUTION = Contribution(
    name="writing",
    routers=(router,),
    events=events.EVENTS,
    listeners=(service.on_timeline,),  # the phase's deadline freezes the drafts
    on_elected=(lifecycle.freeze_overdue,),
)

"""What the certification package adds to the app (assembled by server/app.py): the decision
taken when a deliberation locks, and its part of what a signature binds."""

from __future__ import annotations

from server.certification import events, service
from server.certification.views import router
from server.web.composition import Contribution

CONTRIBUTION = Contribution(
    name="certification",
    routers=(router,),
    events=events.EVENTS,
    lock_checks=(service.on_lock,),
    seal_parts=(service.seal_part,),
)

"""What the CRM package adds to the app (assembled by server/app.py)."""

from __future__ import annotations

from server.crm import events, ws
from server.crm.views import router
from server.web.composition import Contribution

CONTRIBUTION = Contribution(
    name="crm",
    routers=(router,),
    events=events.EVENTS,
    snapshot_parts=(("crm", ws.crm_snapshot),),
)

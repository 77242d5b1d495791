"""What the evaluation package adds to the app (assembled by server/app.py)."""

from __future__ import annotations

from server.evaluation import events, ws
from server.evaluation.views import router
from server.web.composition import Contribution

CONTRIBUTION = Contribution(
    name="evaluation",
    routers=(router,),
    commands=ws.WS_COMMANDS,
    events=events.EVENTS,
    snapshot_parts=(("evaluation", ws.evaluation_snapshot),),
)

"""What the exams package adds to the app (assembled by server/app.py)."""

from __future__ import annotations

from server.exams import events, lifecycle, ws
from server.exams.jury_views import router as jury_router
from server.exams.people_views import router as people_router
from server.exams.timeline_views import router as timeline_router
from server.exams.views import router as sessions_router
from server.web.composition import Contribution, Stage, StartUp

CONTRIBUTION = Contribution(
    name="exams",
    routers=(sessions_router, people_router, timeline_router, jury_router),
    commands=ws.WS_COMMANDS,
    events=events.EVENTS,
    snapshot_parts=(("clock", ws.clock_snapshot), ("exam", ws.exam_snapshot)),
    startup=(
        StartUp(Stage.RECOVER, lifecycle.give_back_outage),  # before any missed deadline
        StartUp(Stage.CLOCK, lifecycle.start_clock),
    ),
    shutdown=(lifecycle.stop_clock,),
)

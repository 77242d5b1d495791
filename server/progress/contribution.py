"""What the progress package adds to the app (assembled by server/app.py)."""

from __future__ import annotations

from server.progress import events, lifecycle, service
from server.progress.subject_views import router as subject_router
from server.progress.views import router
from server.web.composition import Contribution, Stage, StartUp

CONTRIBUTION = Contribution(
    name="progress",
    routers=(router, subject_router),  # what was played; the subject as each role sees it
    events=events.EVENTS,
    listeners=(service.on_timeline,),  # the end of the calls phase records what was not played
    on_elected=(lifecycle.sweep_unplayed,),
    startup=(StartUp(Stage.SERVICES, lifecycle.start_progress),),  # before the clock
)

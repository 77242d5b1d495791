"""What the auth package adds to the app (assembled by server/app.py)."""

from __future__ import annotations

from server.auth import lifecycle
from server.auth.views import router
from server.web.composition import Contribution, Stage, StartUp

CONTRIBUTION = Contribution(
    name="auth",
    routers=(router,),
    startup=(StartUp(Stage.WATCHES, lifecycle.start_revocation_watch),),
    shutdown=(lifecycle.stop_revocation_watch,),
)

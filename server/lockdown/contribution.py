"""What the lockdown package adds to the app (assembled by server/app.py). Its middleware
(`SebGuard`) is placed by the app among the others, whose order matters."""

from __future__ import annotations

from server.lockdown import lifecycle
from server.lockdown.views import router
from server.web.composition import Contribution

CONTRIBUTION = Contribution(
    name="lockdown",
    routers=(router,),
    listeners=(lifecycle.on_timeline,),  # a locked phase closes the unverified sockets
)

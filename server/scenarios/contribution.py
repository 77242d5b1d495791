"""What the scenarios package adds to the app (assembled by server/app.py)."""

from __future__ import annotations

from server.scenarios.views import router
from server.web.composition import Contribution

CONTRIBUTION = Contribution(name="scenarios", routers=(router,))

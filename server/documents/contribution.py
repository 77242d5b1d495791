"""What the documents package adds to the app (assembled by server/app.py)."""

from __future__ import annotations

from server.documents.views import router
from server.web.composition import Contribution

CONTRIBUTION = Contribution(name="documents", routers=(router,))

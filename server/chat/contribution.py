"""What the chat package adds to the app (assembled by server/app.py)."""

from __future__ import annotations

from server.chat import events, ws
from server.chat.views import router
from server.web.composition import Contribution

CONTRIBUTION = Contribution(
    name="chat",
    routers=(router,),
    commands=ws.WS_COMMANDS,
    events=events.EVENTS,
    snapshot_parts=(("chat", ws.chat_snapshot),),
)

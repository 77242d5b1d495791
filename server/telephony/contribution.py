"""What the telephony package adds to the app (assembled by server/app.py)."""

from __future__ import annotations

from server.telephony import call_phase, events, lifecycle, ring_sweep, ws
from server.telephony.views import router
from server.web.composition import Contribution, Stage, StartUp

CONTRIBUTION = Contribution(
    name="telephony",
    routers=(router,),
    commands=ws.WS_COMMANDS,
    events=events.EVENTS,
    snapshot_parts=(("calls", ws.calls_snapshot),),
    listeners=(call_phase.on_timeline,),  # calls held on a pause, ended with the phase
    startup=(
        StartUp(Stage.SERVICES, lifecycle.start_media),
        StartUp(Stage.WATCHES, ring_sweep.start_ring_sweep),
    ),
    shutdown=(ring_sweep.stop_ring_sweep, lifecycle.stop_media),
)

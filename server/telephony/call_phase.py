"""The exam's clock acting on calls: a pause holds the live call, a minute before the end of
the calls phase both parties are warned, at its end the call is ended (a ringing one missed)."""

from __future__ import annotations

import logging

from server.core.context import AppContext
from server.core.events import candidate_audience, jury_audience
from server.core.referential import PhaseKind
from server.exams.timeline_facts import Paused, PhaseEnded, TimelineFact, WarningEmitted
from server.exams.timeline_state import TimelineState
from server.telephony.call_lifecycle import act
from server.telephony.call_records import live_call
from server.telephony.call_state import CallAction, CallState, Party
from server.telephony.errors import CallMediaRefused, CallRefused
from server.telephony.events import CallWarning

log = logging.getLogger(__name__)


async def on_timeline(
    ctx: AppContext, candidate_id: str, state: TimelineState, facts: list[TimelineFact]
) -> None:
    """A pause holds the call; a minute before the end of the calls phase both parties are
    warned; at its end the call is ended (a ringing one is missed)."""
    for fact in facts:
        if isinstance(fact, Paused):
            await _settle(ctx, candidate_id, pause=True)
        elif (
            isinstance(fact, WarningEmitted)
            and fact.phase is PhaseKind.APPELS
            and fact.minutes == 1
        ):
            ctx.bus.publish(
                [candidate_audience(candidate_id), jury_audience(candidate_id)],
                CallWarning(
                    candidate_id=candidate_id,
                    message="Fin de la phase d'appels dans une minute : concluez l'appel.",
                ),
            )
        elif isinstance(fact, PhaseEnded) and fact.phase is PhaseKind.APPELS:
            await _settle(ctx, candidate_id, pause=False)


async def _settle(ctx: AppContext, candidate_id: str, *, pause: bool) -> None:
    """Holds (a pause) or ends (the end of the phase) the candidate's live call. Someone may act
    on the call at the same instant (the candidate answers as the phase ends): the version
    check refuses one of the two; the call is then read again and settled from its new state."""
    for _attempt in range(4):
        async with ctx.db.session() as session:
            row = await live_call(session, candidate_id)
        if row is None:
            return
        if pause:
            if row.state != CallState.ACTIVE.value:
                return
            action, actor = CallAction.HOLD, "system:pause"
        else:
            ringing = row.state == CallState.RINGING.value
            action, actor = (CallAction.MISS if ringing else CallAction.HANG_UP), "system:clock"
        try:
            await act(ctx, row.id, action, party=Party.SYSTEM, actor=actor, enforce_phase=False)
            return
        except CallMediaRefused:
            return  # reported as an incident; trying again would only repeat it
        except CallRefused:
            continue  # the call changed meanwhile (a race, or its new state): read it again
    log.error("could not settle the live call of %s", candidate_id)

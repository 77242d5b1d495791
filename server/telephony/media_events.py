"""The media plane seen from the calls: the port itself, what it reports (peer connection
states, a room moved to another worker) and what it refuses, told to the pages."""

from __future__ import annotations

import logging
from typing import Any, cast

from server.core.context import AppContext
from server.core.events import candidate_audience, jury_audience
from server.exams import overview
from server.telephony.call_state import CallAction
from server.telephony.errors import VERBS_FR
from server.telephony.events import MediaAlert, PeerState, Renegotiate
from server.telephony.ports import MediaError, MediaPort

log = logging.getLogger(__name__)


def media(ctx: AppContext) -> MediaPort:
    """The media plane (`ctx.services.media`, typed loosely in the core that sits below this
    package)."""
    port = ctx.services.media
    if port is None:
        raise RuntimeError("the media layer starts with the app (start_media)")
    return cast(MediaPort, port)


async def media_refused(
    ctx: AppContext, candidate_id: str, action: CallAction, call_id: str, exc: MediaError
) -> None:
    """The media plane refused (e.g. its capacity is reached): a technical incident of the
    candidate's exam (persisted, audited, on the organiser's and proctor's consoles, in the
    appeal archive), and the jurors' phones say why."""
    log.error("media refused %s on call %s: %s", action, call_id, exc)
    await overview.report_incident(
        ctx,
        candidate_id=candidate_id,
        kind="media_refused",
        detail=f"Impossible de {VERBS_FR[action]} (appel {call_id}) : {exc}",
        actor="system:media",
    )
    ctx.bus.publish(
        [jury_audience(candidate_id)], MediaAlert(candidate_id=candidate_id, message=str(exc))
    )


def on_media_replaced(ctx: AppContext) -> Any:
    def replaced(room_id: str) -> None:
        ctx.bus.publish(
            [candidate_audience(room_id), jury_audience(room_id)], Renegotiate(candidate_id=room_id)
        )

    return replaced


def on_peer_state(ctx: AppContext) -> Any:
    """The media layer reports a page's peer connection state: tell that candidate's pages."""

    def report(room_id: str, role: str, state: str) -> None:
        ctx.bus.publish(
            [candidate_audience(room_id), jury_audience(room_id)],
            PeerState(candidate_id=room_id, role=str(role), state=state),
        )

    return report

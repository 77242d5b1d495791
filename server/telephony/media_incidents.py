"""A media worker died under a call (workers mode): a technical incident of the candidate's
exam — persisted, audited, on the organiser's and the proctor's consoles and in the appeal
archive — and the jurors' phones say it too, like a call the media plane refused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from server.core.context import AppContext
from server.core.events import jury_audience
from server.exams import overview
from server.telephony.service import MediaAlert

if TYPE_CHECKING:
    from server.telephony.workers.placement import Failover

FAILOVER_FR = "Serveur audio perdu : appel rétabli sur un autre serveur"
LOST_FR = "Serveur audio perdu : aucun autre serveur disponible, l'appel n'a plus d'audio"


def describe(event: Failover) -> tuple[str, str]:
    """(incident kind, French detail) of a failover."""
    if event.resumed_at is None:
        return "media_lost", f"{LOST_FR} (appel {event.call_id})."
    cut = (event.resumed_at - event.lost_at).total_seconds()
    return "media_failover", (
        f"{FAILOVER_FR} (appel {event.call_id}, repris {cut:.1f} s après la perte ; "
        "l'interruption est notée dans l'enregistrement)."
    )


def on_media_failover(ctx: AppContext) -> Callable[[Failover], Awaitable[None]]:
    async def report(event: Failover) -> None:
        if event.call_id is None:  # no call: the pages renegotiate, nothing is lost
            return
        kind, detail = describe(event)
        ctx.bus.publish(
            [jury_audience(event.room_id)], MediaAlert(candidate_id=event.room_id, message=detail)
        )
        await overview.report_incident(
            ctx, candidate_id=event.room_id, kind=kind, detail=detail, actor="system:media"
        )

    return report

"""A media worker died under a call (workers mode): a technical incident of the candidate's
exam — persisted, audited, on the organiser's and the proctor's consoles and in the appeal
archive — and the jurors' phones say it too, like a call the media plane refused."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from server.core.context import AppContext
from server.core.events import jury_audience
from server.exams import overview
from server.telephony.events import MediaAlert
from server.telephony.recorder import StorageEvent

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


def describe_storage(call_id: str, event: StorageEvent) -> tuple[str, str]:
    """(incident kind, French detail) of what the recordings' disk did during a call."""
    at = f"à {event.t:.1f} s de l'enregistrement"
    if event.kind == "fault":
        kind = f"recording_{event.fault.value if event.fault else 'write_error'}"
        what = overview.INCIDENT_LABELS[kind]
        return kind, (
            f"{what} (appel {call_id}, {at}). L'appel continue ; l'audio perdu est noté dans "
            "l'enregistrement, qui reprend dès que le disque accepte à nouveau d'écrire."
        )
    if event.kind == "resumed":
        return "recording_resumed", (
            f"Enregistrement repris (appel {call_id}, {at}) : la partie perdue est un silence "
            "noté dans l'enregistrement."
        )
    return "recording_fallback", (
        f"{overview.INCIDENT_LABELS['recording_fallback']} (appel {call_id}, {at}) : "
        "l'enregistrement continue sans perte dans PLATEAU_RECORDINGS_FALLBACK_DIR."
    )


def on_recording_storage(ctx: AppContext) -> Callable[[str, str, StorageEvent], None]:
    """The recordings' disk refused (or took back) a call's audio: a technical incident on
    the organiser's, the proctor's and the jurors' consoles, and the jurors' phones say it."""
    tasks = ctx.services.storage_incidents

    async def report(room_id: str, kind: str, detail: str) -> None:
        ctx.bus.publish([jury_audience(room_id)], MediaAlert(candidate_id=room_id, message=detail))
        await overview.report_incident(
            ctx, candidate_id=room_id, kind=kind, detail=detail, actor="system:recorder"
        )

    def heard(room_id: str, call_id: str, event: StorageEvent) -> None:
        kind, detail = describe_storage(call_id, event)
        task = asyncio.ensure_future(report(room_id, kind, detail))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    return heard

"""The `MediaPort` the app gets, chosen by `PLATEAU_MEDIA_MODE`:
- `workers` (the default of `plateau serve`): `RemoteMediaPort`, rooms placed on the media
  workers registered in Redis;
- `inprocess` (the default of the demo and the tests): `AiortcMedia` in the web process, behind
  admission control."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from server.core.clock import Clock
from server.core.config import Settings
from server.telephony.ports import MediaPort, PeerRole
from server.telephony.recorder import StorageEvent
from server.telephony.workers.placement import OnFailover
from server.telephony.workers.remote import OnReplaced, RemoteMediaPort
from server.telephony.workers.settings import MediaSettings

if TYPE_CHECKING:
    from server.core.services import WorkerSupervisor

StorageListener = Callable[[str, str, StorageEvent], None]


async def build_media_port(
    settings: Settings,
    clock: Clock,
    *,
    on_peer_state: Callable[[str, PeerRole, str], None] | None = None,
    on_replaced: OnReplaced | None = None,
    on_failover: OnFailover | None = None,
    on_storage: StorageListener | None = None,
    media: MediaSettings | None = None,
    supervisor: WorkerSupervisor | None = None,
) -> MediaPort:
    """Call `await port.close()` at shutdown. `on_replaced(room_id)` (workers mode): the room
    moved to another worker, its pages must send a new offer (`rtc.offer`); `on_failover`:
    the incident to report; `on_storage(room_id, call_id, event)`: what a recording's disk
    did (full, back, fallback). `supervisor`: the local workers this server started (their
    exits are evidence of death; only they and independent workers are used)."""
    media = media or MediaSettings()
    if media.chosen_mode(settings.default_media_mode) == "workers":
        from server.telephony.workers.registry import Registry

        port = RemoteMediaPort(
            Registry.from_url(
                media.redis_url, media.namespace, media.ttl_s, resubscribe_s=media.resubscribe_s
            ),
            media.api_token(settings.secret_key),
            clock=clock,
            on_replaced=on_replaced,
            on_peer_state=on_peer_state,
            on_failover=on_failover,
            on_storage=on_storage,
            watch_s=media.watch_s,
            probe_s=media.probe_s,
            dead_after_s=media.dead_after_s,
            owner=supervisor.owner if supervisor is not None else None,
            owns_registry=True,
        )
        await port.start()
        if supervisor is not None:
            supervisor.add_exit_listener(port.worker_exited)
        return port
    from server.telephony.aiortc_media import AiortcMedia
    from server.telephony.storage import fallback_for
    from server.telephony.workers.admission import AdmittingMedia
    from server.telephony.workers.hooks import prepare_runtime

    prepare_runtime()
    local = AiortcMedia(
        clock,
        on_peer_state=on_peer_state,
        on_storage=on_storage,
        fallback_of=lambda path: fallback_for(settings, path),
    )
    return AdmittingMedia(local, media.rooms_per_worker)

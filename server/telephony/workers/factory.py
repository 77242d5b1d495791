"""The `MediaPort` the app gets, chosen by `PLATEAU_MEDIA_MODE`:
- `workers` (the default of `plateau serve`): `RemoteMediaPort`, rooms placed on the media
  workers registered in Redis;
- `inprocess` (the default of the demo and the tests): `AiortcMedia` in the web process, behind
  admission control."""

from __future__ import annotations

from collections.abc import Callable

from server.core.clock import Clock
from server.core.config import Settings
from server.telephony.ports import MediaPort, PeerRole
from server.telephony.workers.remote import OnReplaced, RemoteMediaPort
from server.telephony.workers.settings import MediaSettings


async def build_media_port(
    settings: Settings,
    clock: Clock,
    *,
    on_peer_state: Callable[[str, PeerRole, str], None] | None = None,
    on_replaced: OnReplaced | None = None,
    media: MediaSettings | None = None,
) -> MediaPort:
    """Call `await port.close()` at shutdown. `on_replaced(room_id)` (workers mode): the room
    moved to another worker, its pages must send a new offer (`rtc.offer`)."""
    media = media or MediaSettings()
    if media.mode_for(settings.mode) == "workers":
        from server.telephony.workers.registry import Registry

        port = RemoteMediaPort(
            Registry.from_url(media.redis_url, media.namespace, media.ttl_s),
            media.api_token(settings.secret_key),
            clock=clock,
            on_replaced=on_replaced,
            on_peer_state=on_peer_state,
            watch_s=media.watch_s,
            owns_registry=True,
        )
        await port.start()
        return port
    from server.telephony.aiortc_media import AiortcMedia
    from server.telephony.workers.admission import AdmittingMedia
    from server.telephony.workers.hooks import prepare_runtime

    prepare_runtime()
    return AdmittingMedia(AiortcMedia(clock, on_peer_state=on_peer_state), media.rooms_per_worker)

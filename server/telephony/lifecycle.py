"""Start-up and shutdown of the media layer (tests may put a FakeMedia in ctx.services)."""

from __future__ import annotations

from server.core.context import AppContext
from server.telephony import call_lifecycle, media_events, media_incidents


async def start_media(ctx: AppContext) -> None:
    if ctx.services.media is None:
        from server.telephony.workers.factory import build_media_port

        ctx.services.media = await build_media_port(
            ctx.settings,
            ctx.clock,
            on_peer_state=media_events.on_peer_state(ctx),
            on_replaced=media_events.on_media_replaced(ctx),
            on_failover=media_incidents.on_media_failover(ctx),
            on_storage=media_incidents.on_recording_storage(ctx),
            supervisor=ctx.services.media_supervisor,
        )
    await call_lifecycle.rearm_ring_timeouts(ctx)


async def stop_media(ctx: AppContext) -> None:
    """Ctrl-C: every recording is finished and every peer connection closed."""
    for task in list(ctx.services.ring_timeouts):
        task.cancel()
    port, ctx.services.media = ctx.services.media, None
    supervisor = ctx.services.media_supervisor
    exited = getattr(port, "worker_exited", None)  # the worker processes' port only
    if supervisor is not None and exited is not None:
        supervisor.remove_exit_listener(exited)
    if port is not None:
        await port.close()

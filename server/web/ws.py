"""The one WebSocket each page holds: authenticated by cookie, typed messages both ways."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth import service as auth_service
from server.core.context import AppContext
from server.core.errors import PlateauError
from server.core.events import (
    Message,
    Subscription,
    jury_audience,
    person_audience,
    staff_audience,
)
from server.core.french_errors import french_errors, french_summary
from server.core.identity import Principal, Role
from server.core.presence import Presence
from server.core.revocation import AccessChanged
from server.core.text import dumps
from server.core.tokens import SESSION_COOKIE
from server.web import ws_frames
from server.web.composition import Edges
from server.web.messages import (
    Ack,
    ErrorReply,
    Heartbeat,
    Me,
    PresenceChanged,
    Resync,
    Snapshot,
    TimeReply,
    TimeSync,
)
from server.web.snapshots import audiences_of, build_state, organiser_audiences
from server.web.ws_registry import CommandError

log = logging.getLogger(__name__)
router = APIRouter()
POLICY_VIOLATION = 1008
SESSION_REVOKED = 4401  # the page goes back to the sign-in instead of reconnecting
DB_DOWN_FR = (
    "La base de données ne répond pas pour le moment : réessayez dans un instant (la page "
    "reste connectée)."
)
ACCESS_CHANGED = AccessChanged.type_name()
_SWITCHED = Heartbeat(server_time=datetime.min.replace(tzinfo=UTC))  # a marker, never sent


def _origin_ok(ws: WebSocket) -> bool:
    """Refuse cross-site WebSocket hijacking: the page must come from this server."""
    origin = ws.headers.get("origin")
    if origin is None:
        return True  # not a browser (tests, tools): the cookie still authenticates
    host = ws.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


async def _authenticate(ctx: AppContext, ws: WebSocket) -> tuple[Principal, int] | None:
    """The principal and the session generation its cookie carries."""
    token = ws.cookies.get(SESSION_COOKIE)
    claims = ctx.tokens.read(token) if token else None
    if claims is None:
        return None
    async with ctx.db.session() as session:
        principal = await auth_service.principal_from_claims(session, claims, now=ctx.clock.now())
    return (principal, claims.generation) if principal is not None else None


class Connection:
    """One page's socket: sends the snapshot, then numbered events and heartbeats."""

    def __init__(self, ctx: AppContext, edges: Edges, ws: WebSocket, principal: Principal) -> None:
        self.ctx = ctx
        self.edges = edges
        self.ws = ws
        self.principal = principal
        self.seq = 0
        self.sub: Subscription | None = None
        self._send_lock = asyncio.Lock()

    async def send(self, message: Message, *, numbered: bool = True) -> None:
        async with self._send_lock:
            await self._send_locked(message, numbered=numbered)

    async def _send_locked(self, message: Message, *, numbered: bool = True) -> None:
        data: dict[str, object] = message.model_dump(mode="json")
        if numbered:
            self.seq += 1
            data["seq"] = self.seq
        text = dumps(data, where="WebSocket", separators=(",", ":"))  # stored text made readable
        await self.ws.send_text(text)

    async def refuse(self, code: str, message: str, request_id: str | None = None) -> None:
        await self.send(
            ErrorReply(code=code, message=message, request_id=request_id), numbered=False
        )

    async def send_snapshot(self) -> None:
        """Snapshot then deltas, without a window: the new subscription buffers every event
        from before the state is read; the snapshot goes out (numbered 1), then that buffer, in
        order. An event the snapshot already reflects may come again after it (pages apply
        state, not increments); none published meanwhile is lost."""
        ctx = self.ctx
        async with ctx.db.session() as session:
            audiences = await self._audiences(session)
        sub = ctx.bus.subscribe(audiences)  # before the state is read
        try:
            async with ctx.db.session() as session:
                # Read again now that the subscription hears this person's notices: what they
                # may see, changed in between, is seen here; changed later, it is heard
                # (server/core/revocation.py).
                while (again := await self._audiences(session)) != audiences:
                    ctx.bus.unsubscribe(sub)
                    audiences, sub = again, ctx.bus.subscribe(again)
                state = await build_state(ctx, session, self.principal, self.edges.snapshot_parts)
        except BaseException:
            ctx.bus.unsubscribe(sub)
            raise
        me = Me(
            role=self.principal.role.value,
            subject_id=self.principal.subject_id,
            display_name=self.principal.display_name,
            exam_session_id=self.principal.exam_session_id,
        )
        async with self._send_lock:  # the pump sends nothing of the new subscription before
            old, self.sub = self.sub, sub
            if old is not None:
                ctx.bus.unsubscribe(old)
                old.offer(_SWITCHED)  # wakes the pump up on the new subscription
            self.seq = 0
            await self._send_locked(Snapshot(server_time=ctx.clock.now(), me=me, state=state))

    async def _audiences(self, session: AsyncSession) -> set[str]:
        """What this page may hear now, read from the database, with the person's own notices
        (what they may see changed: `person:<id>`)."""
        if self.principal.role is Role.ORGANISER:
            wanted = self.ws.query_params.get("session")
            audiences = await organiser_audiences(session, wanted) if wanted else set()
        else:
            audiences = await audiences_of(session, self.principal)
        return audiences | {person_audience(self.principal.subject_id)}

    async def pump_events(self) -> None:
        while True:
            assert self.sub is not None
            sub = self.sub
            try:
                event = await asyncio.wait_for(sub.queue.get(), self.ctx.settings.ws_heartbeat_s)
            except TimeoutError:
                await self.send(Heartbeat(server_time=self.ctx.clock.now()), numbered=False)
                continue
            if sub.overflowed and sub is self.sub:
                await self.send_snapshot()
                continue
            if getattr(event, "type", None) == ACCESS_CHANGED and sub is self.sub:
                # What this person may see changed: signed out (removed…), the page is closed
                # now, on whichever replica it is; otherwise the audiences are read again (the
                # new subscription replaces this one, whose later events are dropped), the new
                # state goes out, then the notice that says why.
                if await _authenticate(self.ctx, self.ws) is None:
                    self.ctx.bus.unsubscribe(sub)
                    self.revoke()
                    return
                await self.send_snapshot()
                await self.send(event)  # type: ignore[arg-type]
                continue
            async with self._send_lock:
                if sub is not self.sub or event is _SWITCHED:
                    continue  # a new snapshot replaced this subscription: its events follow
                await self._send_locked(event)  # type: ignore[arg-type]

    async def handle(self, raw: dict[str, object]) -> None:
        """One command object (`ws_frames` checked the frame and its request_id)."""
        kind = raw.get("type")
        request_id = ws_frames.request_id_of(raw)
        payload = {k: v for k, v in raw.items() if k != "request_id"}
        try:
            if kind == "time_sync":
                msg = TimeSync.model_validate(payload)
                await self.send(
                    TimeReply(client_time=msg.client_time, server_time=self.ctx.clock.now()),
                    numbered=False,
                )
            elif kind == "resync":
                Resync.model_validate(payload)
                await self.send_snapshot()
            elif isinstance(kind, str) and kind in self.edges.commands:
                command = self.edges.commands[kind]
                if self.principal.role not in command.roles:
                    raise CommandError("forbidden", "Action refusée pour votre rôle.")
                reply = await command.run(self.ctx, self.principal, payload)
                if request_id:
                    result = {} if reply is None else reply.model_dump()
                    await self.send(Ack(request_id=request_id, result=result), numbered=False)
            else:  # never the input echoed back
                raise CommandError("unknown_type", "Type de message inconnu.")
        except ValidationError as exc:
            errors = french_errors(exc.errors()[:5])
            await self.refuse("invalid", french_summary(errors), request_id)
        except CommandError as exc:
            await self.refuse(exc.code, exc.message, request_id)
        except PlateauError as exc:  # a domain refusal (server/core/errors.py), as over HTTP
            await self.refuse(exc.code, str(exc), request_id)
        except (DBAPIError, OSError) as exc:  # the page stays connected and is told why
            log.warning("command %s: database unavailable (%s)", str(kind)[:40], exc)
            await self.refuse("unavailable", DB_DOWN_FR, request_id)
        except Exception:  # a server bug: logged, answered, the socket kept
            log.exception("WebSocket : la commande %s a échoué", str(kind)[:40])
            await self.refuse(
                "internal", "Erreur du serveur : l'action n'a pas été faite.", request_id
            )

    def revoke(self) -> None:
        """The person's sessions were revoked (live_sessions): close this socket now."""

        async def close() -> None:
            with contextlib.suppress(RuntimeError):
                await self.ws.close(code=SESSION_REVOKED, reason="session révoquée")

        self._closing = asyncio.get_running_loop().create_task(close())

    def close(self) -> None:
        if self.sub is not None:
            self.ctx.bus.unsubscribe(self.sub)
            self.sub = None


def _announce_presence(ctx: AppContext, principal: Principal, presence: Presence) -> None:
    """Staff see who is connected; a candidate's jury sees the candidate's connection."""
    if principal.exam_session_id is None:
        return
    audiences = [staff_audience(principal.exam_session_id)]
    if principal.role is Role.CANDIDATE:
        audiences.append(jury_audience(principal.subject_id))
    ctx.bus.publish(
        audiences,
        PresenceChanged(
            subject_id=principal.subject_id,
            role=principal.role.value,
            connected=presence.connected,
            since=presence.since,
        ),
    )


@router.websocket("/ws")
async def websocket_endpoint(ws: WebSocket) -> None:
    ctx: AppContext = ws.app.state.ctx
    if not _origin_ok(ws):
        await ws.close(code=POLICY_VIOLATION, reason="origine refusée")
        return
    found = await _authenticate(ctx, ws)
    if found is None:
        await ws.close(code=POLICY_VIOLATION, reason="non connecté")
        return
    principal, generation = found
    await ws.accept()
    conn = Connection(ctx, ws.app.state.edges, ws, principal)
    untrack = ctx.live_sessions.track(principal.subject_id, generation, conn.revoke)
    connections = ctx.services.ws_connections
    connections.add(conn)
    presence = await ctx.presence.connect(principal.subject_id, ctx.clock.now())
    _announce_presence(ctx, principal, presence)
    pump: asyncio.Task[None] | None = None
    try:
        await conn.send_snapshot()
        pump = asyncio.create_task(conn.pump_events())
        while (raw := await ws_frames.next_command(ws, conn.refuse)) is not None:
            await conn.handle(raw)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        untrack()
        connections.discard(conn)
        conn.close()
        gone = await ctx.presence.disconnect(principal.subject_id, ctx.clock.now())
        if gone is not None:
            _announce_presence(ctx, principal, gone)
        if pump is not None:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pump

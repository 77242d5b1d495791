"""Who is connected right now, and since when (memory only: rebuilt as pages reconnect).

One web process: `PresenceTracker`, in its memory. Replicas (`PLATEAU_REDIS_URL`):
`RedisPresence`, the same counts in Redis per replica, so the organiser's console on any
replica sees a candidate connected to another; a replica that died (its heartbeat key
expired) no longer counts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from server.core.tasks import cancel_and_wait, swallowed

log = logging.getLogger(__name__)
HEARTBEAT_S = 1.0
REPLICA_TTL_S = 5


@dataclass
class Presence:
    connected: bool
    since: datetime
    sockets: int = 0


class PresenceTracker:
    def __init__(self) -> None:
        self._by_subject: dict[str, Presence] = {}

    async def connect(self, subject_id: str, now: datetime) -> Presence:
        p = self._by_subject.get(subject_id)
        if p is None or not p.connected:
            p = Presence(True, now, 0)
            self._by_subject[subject_id] = p
        p.sockets += 1
        return p

    async def disconnect(self, subject_id: str, now: datetime) -> Presence | None:
        p = self._by_subject.get(subject_id)
        if p is None:
            return None
        p.sockets = max(0, p.sockets - 1)
        if p.sockets == 0:
            p.connected, p.since = False, now
        return p

    async def get(self, subject_id: str) -> Presence | None:
        return self._by_subject.get(subject_id)


# KEYS: sockets hash, state key; ARGV: prefix, this replica, delta, now (ISO).
# Returns [connected, since, live sockets] after the change (delta 0: a read).
CHANGE = """
local sockets, state = KEYS[1], KEYS[2]
local prefix, me, delta, now = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local function live_total()
  local total, all = 0, redis.call('HGETALL', sockets)
  for i = 1, #all, 2 do
    local n = tonumber(all[i + 1])
    if all[i] == me or redis.call('EXISTS', prefix .. ':replica:' .. all[i]) == 1 then
      total = total + n
    elseif n ~= 0 then
      redis.call('HDEL', sockets, all[i])
    end
  end
  return total
end
local before = live_total()
local current = redis.call('GET', state)
if delta ~= 0 then
  local n = redis.call('HINCRBY', sockets, me, delta)
  if n <= 0 then redis.call('HDEL', sockets, me) end
end
local after = live_total()
if delta ~= 0 and (before == 0) ~= (after == 0) then
  current = cjson.encode({after > 0 and 1 or 0, now})
  redis.call('SET', state, current)
end
if not current then return {0, '', after} end
local decoded = cjson.decode(current)
return {after > 0 and 1 or 0, decoded[2], after}
"""


def replica_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class RedisPresence:
    def __init__(
        self,
        redis: Redis,
        prefix: str,
        replica: str | None = None,
        *,
        heartbeat_s: float = HEARTBEAT_S,
    ) -> None:
        self._redis = redis
        self._heartbeat_s = heartbeat_s  # real seconds, well within REPLICA_TTL_S
        self._prefix = prefix
        self.replica = replica or replica_id()
        self._script = redis.register_script(CHANGE)
        self._task: asyncio.Task[None] | None = None
        self._local = PresenceTracker()  # this replica's own sockets, if Redis is away

    async def start(self) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self._beat()
        self._task = asyncio.create_task(self._heartbeat(), name="presence-heartbeat")

    async def close(self) -> None:
        await cancel_and_wait(self._task)
        with contextlib.suppress(RedisError, OSError):
            await self._redis.delete(f"{self._prefix}:replica:{self.replica}")

    async def _beat(self) -> None:
        await self._redis.set(f"{self._prefix}:replica:{self.replica}", "1", ex=REPLICA_TTL_S)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self._heartbeat_s)
            with swallowed(RedisError, OSError):
                await self._beat()

    async def _change(self, subject_id: str, delta: int, now: datetime | None) -> Presence | None:
        base = f"{self._prefix}:presence"
        keys = [f"{base}:sockets:{subject_id}", f"{base}:{subject_id}"]
        stamp = now.isoformat() if now else ""
        raw: Any = await self._script(keys=keys, args=[self._prefix, self.replica, delta, stamp])
        connected, since, sockets = int(raw[0]), raw[1], int(raw[2])
        if not since:
            return None
        since = since.decode() if isinstance(since, bytes) else since
        return Presence(bool(connected), datetime.fromisoformat(since), sockets)

    async def connect(self, subject_id: str, now: datetime) -> Presence:
        local = await self._local.connect(subject_id, now)
        try:
            p = await self._change(subject_id, 1, now)
        except RedisError:  # Redis away: this replica's own view, the page still connects
            log.warning("présence partagée indisponible (Redis)", exc_info=True)
            return local
        assert p is not None
        return p

    async def disconnect(self, subject_id: str, now: datetime) -> Presence | None:
        local = await self._local.disconnect(subject_id, now)
        try:
            return await self._change(subject_id, -1, now)
        except RedisError:
            log.warning("présence partagée indisponible (Redis)", exc_info=True)
            return local

    async def get(self, subject_id: str) -> Presence | None:
        try:
            return await self._change(subject_id, 0, None)
        except RedisError:
            return await self._local.get(subject_id)

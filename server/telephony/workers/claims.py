"""Which worker carries each room, agreed in Redis between web replicas (issue 21).

The candidate's page may be on one web replica and the jurors' on another: both must put the
room on the same worker. The first replica to place a room claims it (`SET NX`); another that
chose elsewhere follows the claim. When the worker dies, the first replica to re-place the room
moves the claim (compare-and-set from the dead worker), the others follow it. Redis away: each
replica places on its own (as one web process does), and says nothing more than the registry
already logs."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.exceptions import RedisError

Worker = tuple[str, str]  # worker id, instance
CLAIM_TTL_S = 24 * 3600

MOVE = """
local current = redis.call('GET', KEYS[1])
if current then
  local replaceable = false
  for i = 2, #ARGV - 1 do
    if current == ARGV[i] then replaceable = true end
  end
  if not replaceable then return current end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[#ARGV])
return ARGV[1]
"""


def _encode(worker: Worker) -> str:
    return f"{worker[0]}|{worker[1]}"


def _decode(raw: bytes | str | None) -> Worker | None:
    if raw is None:
        return None
    text = raw.decode() if isinstance(raw, bytes) else raw
    worker_id, _, instance = text.partition("|")
    return (worker_id, instance)


class RoomClaims:
    def __init__(self, redis: Redis, namespace: str) -> None:
        self._redis = redis
        self._namespace = namespace
        self._move = redis.register_script(MOVE)

    def _key(self, room_id: str) -> str:
        return f"{self._namespace}:room:{room_id}"

    async def claim(self, room_id: str, mine: Worker) -> Worker | None:
        """The worker agreed for a new room: `mine` if no replica claimed it first, else the
        other's; None if Redis did not answer."""
        try:
            if await self._redis.set(self._key(room_id), _encode(mine), nx=True, ex=CLAIM_TTL_S):
                return mine
            return _decode(await self._redis.get(self._key(room_id))) or mine
        except (RedisError, OSError):
            return None

    async def move(self, room_id: str, replacing: set[Worker], mine: Worker) -> Worker | None:
        """After a death: `mine` if the claim still named one of `replacing` (or nothing),
        else where another replica already moved the room; None if Redis did not answer."""
        try:
            raw = await self._move(
                keys=[self._key(room_id)],
                args=[_encode(mine), *(_encode(w) for w in replacing), CLAIM_TTL_S],
            )
        except (RedisError, OSError):
            return None
        return _decode(raw)

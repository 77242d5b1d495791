"""Where a room is (which worker instance), how the next one is chosen, and the failover
event the web process reports when a room's worker died."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from server.telephony.ports import PeerRole
from server.telephony.workers.call_segments import CallSegments
from server.telephony.workers.registry import WorkerInfo


@dataclass
class Placement:
    worker_id: str
    instance: str
    call: CallSegments | None = None
    roles: set[PeerRole] = field(default_factory=set)
    orphan: bool = False  # its worker died and no other could take it yet


@dataclass(frozen=True)
class Failover:
    """A room's worker died. `resumed_at` None: no other worker could take it (yet)."""

    room_id: str
    call_id: str | None  # the call in progress, if any
    lost_worker: str
    why: str  # the evidence of the death
    lost_at: datetime
    resumed_at: datetime | None
    moved_to: str | None


OnFailover = Callable[[Failover], Awaitable[None] | None]


def least_loaded(
    usable: Iterable[WorkerInfo],
    placements: Iterable[Placement],
    exclude: set[tuple[str, str]],
) -> WorkerInfo | None:
    """The usable worker with the fewest rooms (then calls) for its capacity, counting the
    rooms this process placed there since its registration was written; None if none."""
    placed: dict[tuple[str, str], list[Placement]] = {}
    for p in placements:
        placed.setdefault((p.worker_id, p.instance), []).append(p)

    def score(info: WorkerInfo) -> tuple[float, float, str]:
        mine = placed.get((info.worker_id, info.instance), [])
        calls = max(info.calls, sum(1 for p in mine if p.call is not None))
        rooms = max(info.rooms, len(mine))
        return (rooms / info.capacity, calls / info.capacity, info.worker_id)

    candidates = [w for w in usable if (w.worker_id, w.instance) not in exclude]
    return min(candidates, key=score, default=None)

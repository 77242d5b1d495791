"""Two web replicas placing the same room (issue 21): the candidate's page on one, the
jurors' on the other; whichever places it first, both put it on the same worker, and after
that worker's death both follow it to the same new one."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from server.telephony.ports import PeerRole
from server.telephony.workers.remote import RemoteMediaPort
from tests.telephony.workers.test_remote import OFFER, SERVER, Cluster, cluster, eventually

__all__ = ["cluster"]  # the fixture, shared with test_remote.py


def _port(cluster: Cluster) -> RemoteMediaPort:
    return RemoteMediaPort(
        cluster.registry,
        "t",
        watch_s=0.05,
        probe_s=0.05,
        dead_after_s=0.5,
        owner=SERVER,
        client_factory=cluster.client,  # type: ignore[arg-type]
        on_replaced=cluster.replaced.append,
        on_failover=cluster.failovers.append,
    )


@pytest.fixture
async def replicas(cluster: Cluster) -> AsyncIterator[list[RemoteMediaPort]]:
    ports = [_port(cluster), _port(cluster)]
    yield ports
    for port in ports:
        await port.close()


async def test_two_replicas_put_a_room_on_one_worker_and_follow_it_on_a_death(
    cluster: Cluster, replicas: list[RemoteMediaPort]
) -> None:
    a, b = replicas
    for worker in ("w1", "w2", "w3"):
        await cluster.add(worker, capacity=4)
    for port in replicas:
        await port.start()
    await a.attach_peer("busy", PeerRole.CANDIDATE, OFFER)  # a's own load: it prefers w2 now
    assert a.placements()["busy"] == "w1"
    await a.attach_peer("room", PeerRole.CANDIDATE, OFFER)  # the candidate's page, on a
    await b.attach_peer("room", PeerRole.CLIENT, OFFER)  # the juror's, on b (which prefers w1)
    assert a.placements()["room"] == b.placements()["room"] == "w2"
    await a.start_call("room", "c1", None)

    cluster.workers["http://w2"].dead = True  # both replicas see it die and re-place the room
    await eventually(lambda: a.placements()["room"] != "w2" and b.placements()["room"] != "w2")
    assert a.placements()["room"] == b.placements()["room"]

"""The event bus across replicas (issue 21): two buses on one Redis stand for two web
processes; a socket on either hears every event of its audiences, numbered per audience, in
the same order, whichever replica published it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Literal

import pytest
import redis.asyncio as aredis

from server.core.events import Message, Subscription
from server.core.redis_bus import Gap, RedisEventBus

CAND, JURY, STAFF = "candidate:c1", "jury:c1", "staff:s1"


class Said(Message):
    type: Literal["said"] = "said"
    n: int
    by: str


@pytest.fixture
async def replicas(replica_redis_url: str, redis_prefix: str) -> AsyncIterator[list[RedisEventBus]]:
    # named after the test's prefix: a test that cuts connections cuts only its own (the Redis
    # is the machine's, shared by the tests running beside it)
    named = f"{replica_redis_url}?client_name={redis_prefix}"
    buses = [RedisEventBus(named, prefix=redis_prefix) for _ in range(2)]
    for bus in buses:
        await bus.start()
    try:
        yield buses
    finally:
        for bus in buses:
            await bus.close()


async def received(sub: Subscription, count: int) -> list[dict]:
    out = []
    for _ in range(count):
        event = await asyncio.wait_for(sub.queue.get(), 30)
        out.append(event.model_dump(mode="json"))
    return out


async def test_every_replica_hears_every_event_of_its_audiences_in_one_order(
    replicas: list[RedisEventBus],
) -> None:
    a, b = replicas
    on_a, on_b = a.subscribe([STAFF]), b.subscribe([STAFF])
    for n in range(60):  # both replicas publish, interleaved
        (a if n % 2 else b).publish(STAFF, Said(n=n, by="a" if n % 2 else "b"))
        if n % 7 == 0:
            await asyncio.sleep(0)
    heard_a, heard_b = await received(on_a, 60), await received(on_b, 60)
    assert heard_a == heard_b  # the same events in the same order on both replicas
    assert [e["aseq"][STAFF] for e in heard_a] == list(range(1, 61))  # numbered without gaps
    assert sorted(e["n"] for e in heard_a) == list(range(60))
    by_a = [e["n"] for e in heard_a if e["by"] == "a"]
    assert by_a == sorted(by_a)  # each replica's own events keep their order
    assert on_a.queue.empty() and on_b.queue.empty()


async def test_an_event_to_several_audiences_reaches_a_socket_once_with_only_its_numbers(
    replicas: list[RedisEventBus],
) -> None:
    a, b = replicas
    juror = b.subscribe([CAND, JURY])
    candidate = b.subscribe([CAND])
    other = b.subscribe(["candidate:c2"])
    a.publish([CAND, JURY], Said(n=1, by="a"))
    a.publish(JURY, Said(n=2, by="a"))
    assert await received(juror, 2) == [
        {"type": "said", "n": 1, "by": "a", "aseq": {CAND: 1, JURY: 1}},
        {"type": "said", "n": 2, "by": "a", "aseq": {JURY: 2}},
    ]
    # the candidate's socket never learns of the jury's audience
    assert await received(candidate, 1) == [{"type": "said", "n": 1, "by": "a", "aseq": {CAND: 1}}]
    await asyncio.sleep(0.2)
    assert candidate.queue.empty() and juror.queue.empty() and other.queue.empty()


async def test_a_socket_back_on_another_replica_replays_from_its_numbers_or_must_resync(
    replicas: list[RedisEventBus], replica_redis_url: str, redis_prefix: str
) -> None:
    a, b = replicas
    watch = b.subscribe([CAND, JURY])
    for n in range(5):
        a.publish([CAND, JURY] if n % 2 else [JURY], Said(n=n, by="a"))
    seen = await received(watch, 5)
    last = {CAND: 1, JURY: 2}  # what a page saw before its replica died: events 0..1
    assert seen[1]["aseq"] == last
    replay = await a.replay(last)
    assert [e.model_dump(mode="json")["n"] for e in replay] == [2, 3, 4]
    assert await a.positions([CAND, JURY, "jury:none"]) == {CAND: 2, JURY: 5, "jury:none": 0}
    client = aredis.Redis.from_url(replica_redis_url)
    try:  # the log was trimmed past what the page saw: it must resync from a snapshot
        await client.xtrim(f"{redis_prefix}:bus:log:{JURY}", maxlen=1, approximate=False)
    finally:
        await client.aclose()
    with pytest.raises(Gap):
        await a.replay(last)


async def test_a_replica_that_lost_its_redis_connection_catches_up_from_the_logs(
    replicas: list[RedisEventBus], replica_redis_url: str, redis_prefix: str
) -> None:
    a, b = replicas
    sub = await _heard_then_cut(a, b, replica_redis_url, redis_prefix)
    for n in range(1, 20):  # published while the replicas are cut off: not lost
        a.publish(STAFF, Said(n=n, by="a"))
    heard = await received(sub, 19)
    assert [e["n"] for e in heard] == list(range(1, 20))
    assert [e["aseq"][STAFF] for e in heard] == list(range(2, 21))


async def _heard_then_cut(
    a: RedisEventBus,
    b: RedisEventBus,
    replica_redis_url: str,
    redis_prefix: str,
    *,
    retry_s: float | None = None,
) -> Subscription:
    """A socket of STAFF on `b` hears `a`'s first event (b has heard everything published so
    far); then both replicas' pub/sub connections are cut (b tries again after `retry_s`)."""
    staff = b.subscribe([STAFF])
    a.publish(STAFF, Said(n=0, by="a"))
    assert [e["n"] for e in await received(staff, 1)] == [0]
    if retry_s is not None:
        b._retry_s = retry_s
    await _cut_pubsub(replica_redis_url, redis_prefix)
    return staff


async def _cut_pubsub(replica_redis_url: str, redis_prefix: str) -> None:
    """Kill this test's replicas' pub/sub connections (not the other tests')."""
    client = aredis.Redis.from_url(replica_redis_url)
    try:
        ours = [
            c["id"]
            for c in await client.client_list(_type="pubsub")
            if c.get("name") == redis_prefix
        ]
        assert len(ours) >= 2
        for client_id in ours:
            await client.client_kill_filter(_id=client_id)
    finally:
        await client.aclose()


async def test_a_socket_that_subscribes_while_its_replica_is_cut_off_misses_nothing(
    replicas: list[RedisEventBus], replica_redis_url: str, redis_prefix: str
) -> None:
    """A page that connects (a new audience on this replica) while the replica's pub/sub
    connection is down hears what was published to that audience meanwhile, and nothing it
    already had before it subscribed."""
    a, b = replicas
    a.publish(CAND, Said(n=0, by="a"))  # before the page subscribes: its snapshot has it
    # b stays cut off while the page subscribes and a publishes
    staff = await _heard_then_cut(a, b, replica_redis_url, redis_prefix, retry_s=2.0)
    page = b.subscribe([CAND, STAFF])
    a.publish(CAND, Said(n=1, by="a"))
    a.publish([CAND, STAFF], Said(n=2, by="a"))  # once, with both its numbers
    heard = await received(page, 2)
    assert [(e["n"], e["aseq"]) for e in heard] == [(1, {CAND: 2}), (2, {CAND: 3, STAFF: 2})]
    assert [e["n"] for e in await received(staff, 1)] == [2]
    a.publish(CAND, Said(n=3, by="a"))  # and the live feed goes on, numbered on
    assert [(e["n"], e["aseq"]) for e in await received(page, 1)] == [(3, {CAND: 4})]
    assert page.queue.empty() and staff.queue.empty()


async def test_a_socket_that_subscribes_while_cut_off_resyncs_if_the_log_lost_what_it_missed(
    replicas: list[RedisEventBus], replica_redis_url: str, redis_prefix: str
) -> None:
    a, b = replicas
    await _heard_then_cut(a, b, replica_redis_url, redis_prefix, retry_s=2.0)
    page = b.subscribe([CAND])
    a.publish(CAND, Said(n=1, by="a"))
    await asyncio.wait_for(a._drained(), 30)
    client = aredis.Redis.from_url(replica_redis_url)
    try:  # the audience's log no longer holds it (trimmed, or Redis's data lost)
        await client.delete(f"{redis_prefix}:bus:log:{CAND}")
    finally:
        await client.aclose()
    lost = await received(page, 1)
    assert lost[0]["type"] == "lost" and page.overflowed


async def test_a_socket_subscribed_before_the_replica_first_reached_redis_resyncs(
    replica_redis_url: str, redis_prefix: str
) -> None:
    """What was published before this replica first heard the channel is unknown to it: a
    subscription made before then is marked lost (its page resyncs from a snapshot)."""
    bus = RedisEventBus(replica_redis_url, prefix=redis_prefix)
    early = bus.subscribe([CAND])
    await bus.start()
    try:
        assert (await received(early, 1))[0]["type"] == "lost" and early.overflowed
        later = bus.subscribe([CAND])
        bus.publish(CAND, Said(n=1, by="a"))
        assert [e["n"] for e in await received(later, 1)] == [1]
    finally:
        await bus.close()

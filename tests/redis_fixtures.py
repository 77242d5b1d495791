"""Redis for the replicas' shared state (issue 21): its own database number and a key prefix per
test. Imported by the conftest of each area that needs it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis

REPLICA_REDIS_URL = os.environ.get("PLATEAU_TEST_REPLICA_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture(scope="session")
def replica_redis_url() -> str:
    try:
        client = redis.Redis.from_url(REPLICA_REDIS_URL, socket_connect_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError as exc:
        pytest.skip(f"Redis non testé : injoignable à {REPLICA_REDIS_URL} ({exc})")
    return REPLICA_REDIS_URL


@pytest.fixture
def redis_prefix(replica_redis_url: str) -> Iterator[str]:
    prefix = f"plateau-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    client = redis.Redis.from_url(replica_redis_url)
    try:
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
    finally:
        client.close()

"""Fixtures of this area."""

from tests.redis_fixtures import redis_prefix, replica_redis_url

__all__ = ["redis_prefix", "replica_redis_url"]

"""The organiser's password is hashed at argon2's recommended cost in production (the tests
hash at the smallest cost, tests/conftest.py: this pins what they leave out)."""

from __future__ import annotations

from argon2 import PasswordHasher, Type

from server.auth import service


def test_production_hashes_with_argon2id_at_rfc_9106_low_memory_cost(
    cheap_password_hashing: PasswordHasher,
) -> None:
    production = cheap_password_hashing
    assert production.type is Type.ID
    assert production.time_cost >= 3
    assert production.memory_cost >= 64 * 1024  # KiB
    assert production.parallelism >= 1
    assert production.check_needs_rehash(service._hasher.hash("mot-de-passe-solide-1"))

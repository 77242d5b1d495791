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


def test_unknown_usernames_are_verified_against_a_hash_of_production_cost(
    cheap_password_hashing: PasswordHasher,
) -> None:
    """The dummy hash is a constant (no argon2 run at import, in every process that imports the
    service) made with production's parameters: an unknown username costs what a known one
    does."""
    production = cheap_password_hashing
    dummy = service.PRODUCTION_DUMMY_HASH
    assert not production.check_needs_rehash(dummy)  # production's type and parameters
    assert production.verify(dummy, "plateau-dummy-password")

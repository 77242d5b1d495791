"""A pooled database serves any event loop: its pool belongs to the first loop that uses it (the
app's), and a session opened on another loop (a second TestClient, a script's `asyncio.run`)
gets a connection of its own, closed with the session, instead of a pooled connection bound to
a loop that is not running (asyncpg: "attached to a different loop")."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import text

from server.core.db import Database

# PostgreSQL as well as SQLite: the database is the subject
pytestmark = pytest.mark.postgres


async def _one(db: Database) -> int:
    async with db.session() as s:
        return int(await s.scalar(text("SELECT 1")) or 0)


async def _health(db: Database) -> int:
    async with db.engine.connect() as conn:
        return int(await conn.scalar(text("SELECT 1")) or 0)


def test_a_pooled_database_serves_another_loop_while_its_own_runs(migrated_url: str) -> None:
    db = Database(migrated_url)  # pooled
    home = asyncio.new_event_loop()
    thread = threading.Thread(target=home.run_forever, daemon=True)
    thread.start()
    try:
        assert asyncio.run_coroutine_threadsafe(_one(db), home).result(60) == 1  # pooled now
        for _ in range(3):  # each on a loop of its own, the home loop still running
            assert asyncio.run(_one(db)) == 1
            assert asyncio.run(_health(db)) == 1
        assert asyncio.run_coroutine_threadsafe(_one(db), home).result(60) == 1
        assert asyncio.run_coroutine_threadsafe(_health(db), home).result(60) == 1
        asyncio.run_coroutine_threadsafe(db.dispose(), home).result(60)
    finally:
        home.call_soon_threadsafe(home.stop)
        thread.join(60)
        home.close()

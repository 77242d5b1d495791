"""A hang-up while the database is blocked for three times the commands' patience (SQLite's
write lock, or PostgreSQL's `LOCK TABLE calls`, held by another connection, as a long
transaction or a stuck process would): the call's audio ends at once, both pages see the call
ended and are told why it is not written yet, and once the database answers the call is
written ended — dated at the juror's click — and the pages are told.
Hold and resume the same way. A command the socket cannot serve for lack of a database
leaves the page connected with a French reason."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from server.core.audit import AuditEntry
from server.core.clock import FakeClock
from server.core.config import Settings
from server.scenarios.pack.types import SimulationKind
from server.telephony import call_control
from server.telephony.fake_media import FakeMedia
from server.telephony.models import CallRow
from tests.harness import Harness, running_app
from tests.telephony.test_calls import PACK, _next, _reply, _sims, _to_calls_phase

# The database blocked this long: longer than the commands' patience (what the test is about),
# and no longer, for nothing waits for a fixed time meanwhile (the steps wait for events).
LOCK_S = 3 * call_control.DB_PATIENCE_S
WAIT_S = 90  # generous, for a busy machine; nothing here is a timing assertion


def _send(ws: Any, msg: dict[str, Any], rid: str) -> dict[str, Any]:
    ws.send_json({**msg, "request_id": rid})
    reply = _reply(ws, rid)
    assert reply["type"] == "ack", reply
    return dict(reply["result"])


def _call_event(ws: Any, state: str, pending: bool) -> dict[str, Any]:
    return _next(
        ws,
        lambda m: (
            m.get("type") == "call"
            and m["call"]["state"] == state
            and bool(m["call"].get("pending")) is pending
        ),
    )["call"]


def _pending(ws: Any, pending: bool) -> dict[str, Any]:
    return _next(ws, lambda m: m.get("type") == "call.pending" and m["pending"] is pending)


def _row(h: Harness, call_id: str) -> CallRow:
    async def read() -> CallRow:
        async with h.ctx.db.session() as session:
            row = await session.get(CallRow, call_id)
            assert row is not None
            return row

    return h.call(read)  # type: ignore[no-any-return]


def _audited(h: Harness, action: str) -> int:
    async def count() -> int:
        async with h.ctx.db.session() as session:
            rows = await session.scalars(select(AuditEntry).where(AuditEntry.action == action))
            return len(list(rows))

    return h.call(count)  # type: ignore[no-any-return]


class WriteLock:
    """Another connection holding SQLite's write lock (BEGIN EXCLUSIVE) until `release()`."""

    def __init__(self, settings: Settings) -> None:
        path = settings.database_url.split("///", 1)[1]
        self._conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        self._conn.execute("BEGIN EXCLUSIVE")

    def release(self) -> None:
        self._conn.execute("COMMIT")
        self._conn.close()


class TableLock:
    """PostgreSQL: another connection holding `LOCK TABLE calls` (reads and writes wait)
    until `release()`, on an event loop of its own."""

    def __init__(self, settings: Settings) -> None:
        url = make_url(settings.database_url).set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        try:
            self._conn: Any = self._run(self._lock())
        except BaseException:
            self._stop_loop()  # no lock taken: its loop must not outlive the test
            raise

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=WAIT_S)

    async def _lock(self) -> Any:
        conn = await asyncpg.connect(self._dsn)
        await conn.execute("BEGIN; LOCK TABLE calls IN ACCESS EXCLUSIVE MODE")
        return conn

    def release(self) -> None:
        async def unlock() -> None:
            await self._conn.execute("COMMIT")
            await self._conn.close()

        self._run(unlock())
        self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=WAIT_S)
        self._loop.close()


def _block(settings: Settings) -> WriteLock | TableLock:
    return (
        WriteLock(settings) if settings.database_url.startswith("sqlite") else TableLock(settings)
    )


def _answered_call(h: Harness, client_ws: Any, cand_ws: Any) -> str:
    cand = h.day.ids["cand_a"]
    sim = _sims(h, SimulationKind.INBOUND_CALL)[0]
    ring = {"type": "call.ring", "candidate_id": cand, "simulation_id": sim.id}
    call_id = str(_send(client_ws, ring, "ring")["id"])
    assert _send(cand_ws, {"type": "call.answer", "call_id": call_id}, "a")["state"] == "en_ligne"
    return call_id


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_hang_up_while_the_database_is_blocked_ends_the_call_everywhere(
    settings: Settings, clock: FakeClock
) -> None:
    media = FakeMedia()
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        cand = h.day.ids["cand_a"]
        _to_calls_phase(h)
        with h.sockets("client_a", "cand_a") as (client_ws, cand_ws):
            call_id = _answered_call(h, client_ws, cand_ws)
            h.clock.advance(40)
            clicked_at = h.clock.now()
            lock = _block(settings)
            started = time.monotonic()
            try:
                hangup = {"type": "call.hangup", "call_id": call_id}
                ended = _send(client_ws, hangup, "x")  # answered without the database
                assert ended["state"] == "termine" and ended["pending"] is True
                assert "base de données" in ended["pending_message"]
                assert media.room(cand).call is None  # the audio ended at once
                for ws in (client_ws, cand_ws):  # both pages see it, and why
                    assert _call_event(ws, "termine", pending=True)["ended_by"] == "client"
                    assert "dès qu'elle répondra" in _pending(ws, True)["message"]
                h.clock.advance(15)  # the database comes back later than the click
                time.sleep(max(0.0, LOCK_S - (time.monotonic() - started)))
                if settings.database_url.startswith("sqlite"):  # PostgreSQL: reads wait too
                    assert _row(h, call_id).state == "en_ligne"  # nothing written meanwhile
            finally:
                lock.release()
            for ws in (client_ws, cand_ws):  # once it answers: written, and the pages told
                assert "répond à nouveau" in _pending(ws, False)["message"]
                written = _call_event(ws, "termine", pending=False)
                assert written["ended_at"] == clicked_at.isoformat()
        row = _row(h, call_id)
        assert (row.state, row.ended_by, row.ended_at) == ("termine", "client", clicked_at)
        assert row.needs_wrap_up
        assert _audited(h, "call.hang_up") == 1
        assert media.room(cand).ended == [call_id]  # ended once on the media plane


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_hold_and_resume_while_the_database_is_blocked_are_applied_in_order(
    settings: Settings, clock: FakeClock
) -> None:
    media = FakeMedia()
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        cand = h.day.ids["cand_a"]
        _to_calls_phase(h)
        with h.sockets("client_a", "cand_a") as (client_ws, cand_ws):
            call_id = _answered_call(h, client_ws, cand_ws)
            lock = WriteLock(settings)
            try:
                held = _send(cand_ws, {"type": "call.hold", "call_id": call_id}, "h")
                assert held["state"] == "en_attente" and held["pending"] is True
                assert media.room(cand).call.held  # the audio is on hold at once
                h.clock.advance(30)
                resumed = _send(cand_ws, {"type": "call.resume", "call_id": call_id}, "r")
                assert resumed["state"] == "en_ligne" and resumed["pending"] is True
                assert not media.room(cand).call.held
            finally:
                lock.release()
            deadline = time.monotonic() + WAIT_S
            while _row(h, call_id).held_seconds != 30:
                assert time.monotonic() < deadline, "hold then resume written in order"
                time.sleep(0.1)
        row = _row(h, call_id)
        assert row.state == "en_ligne" and row.hold_started_at is None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_command_without_a_database_leaves_the_page_connected_with_a_reason(
    settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    db = Path(settings.database_url.split("///", 1)[1])
    away = tmp_path / "away"
    away.mkdir()
    # a connection per session: the file's disappearance is met by a new connection only (a
    # pooled one holds the moved file open)
    with running_app(settings, clock, pack_id=PACK, media=FakeMedia(), pooled=False) as h:
        _to_calls_phase(h)
        with h.sockets("cand_a") as (cand_ws,):
            for f in db.parent.glob(db.name + "*"):  # the database file is gone
                shutil.move(f, away / f.name)
            try:
                cand_ws.send_json({"type": "call.dial", "number": "0102030405", "request_id": "d"})
                reply = _reply(cand_ws, "d")
            finally:
                for f in db.parent.glob(db.name + "*"):  # an empty one was created meanwhile
                    f.unlink()
                for f in away.iterdir():
                    shutil.move(f, db.parent / f.name)
            assert reply["type"] == "error" and reply["code"] == "unavailable"
            assert "base de données" in reply["message"]
            cand_ws.send_json({"type": "time_sync", "client_time": 0, "request_id": "t"})
            assert _next(cand_ws, lambda m: m.get("type") == "time")  # still connected


class SlowMedia(FakeMedia):
    """A media plane slower than the commands' patience (a recording long to finish)."""

    async def end_call(self, room_id: str) -> Any:
        await asyncio.sleep(3.0)
        return await super().end_call(room_id)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_slow_media_plane_with_the_database_up_is_waited_for_not_done_twice(
    settings: Settings, clock: FakeClock
) -> None:
    media = SlowMedia()
    with running_app(settings, clock, pack_id=PACK, media=media) as h:
        cand = h.day.ids["cand_a"]
        _to_calls_phase(h)
        with h.sockets("client_a", "cand_a") as (client_ws, cand_ws):
            call_id = _answered_call(h, client_ws, cand_ws)
            ended = _send(client_ws, {"type": "call.hangup", "call_id": call_id}, "x")
            assert ended["state"] == "termine" and "pending" not in ended
        assert media.room(cand).ended == [call_id]  # ended once
        h.login("observer_a")
        (rec,) = h.client.get(f"/api/candidates/{cand}/recordings").json()  # and stored
        assert rec["call_id"] == call_id

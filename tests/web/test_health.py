"""`/api/health` reports each dependency on its own and answers 503 when the server cannot
run an exam: the database gone (its file moved away on SQLite; on PostgreSQL, the
connection cut by a proxy in front of it), or no media worker; Redis alone down is
"degraded". Public, and it tells nothing but states and counts. Polled, it reads the
database at most once a second."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from server.core import health
from server.core.clock import FakeClock
from server.core.config import Settings
from server.telephony.fake_media import FakeMedia
from tests.harness import Harness, running_app

# PostgreSQL as well as SQLite: the database is the subject
pytestmark = pytest.mark.postgres


def wait_for_status(h: Harness, status: int, what: str, timeout: float = 30.0) -> dict:
    """Poll the route (its report is at most a second old) until it answers `status`."""
    deadline = time.monotonic() + timeout
    while True:
        response = h.client.get("/api/health")
        if response.status_code == status:
            return dict(response.json())
        assert time.monotonic() < deadline, f"still waiting for {what}: {response.json()}"
        time.sleep(0.1)


def test_everything_up_is_ok_and_public(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock, media=FakeMedia()) as h:
        h.login("anonymous")
        response = h.client.get("/api/health")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok"
        assert body["dependencies"] == {
            "database": {"status": "ok"},
            "media": {"status": "ok", "mode": "inprocess"},
        }
        assert response.headers["cache-control"] == "no-store"


class TcpProxy:
    """A TCP relay in front of a server, in a thread of its own: `cut()` drops every
    connection and refuses new ones (the database is gone), `restore()` listens again."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server: asyncio.Server | None = None
        self.port = 0
        self.pipes: set[asyncio.StreamWriter] = set()
        self.restore()

    def _run(self, coro):  # noqa: ANN001, ANN202
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.pipes |= {writer, up_writer}

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, ConnectionError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))

    def restore(self) -> None:
        async def listen() -> None:
            self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
            self.port = self.server.sockets[0].getsockname()[1]

        self._run(listen())

    def cut(self) -> None:
        async def close() -> None:
            assert self.server is not None
            self.server.close()
            for writer in list(self.pipes):
                writer.transport.abort()
            self.pipes.clear()

        self._run(close())

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@contextlib.contextmanager
def outage_switch(settings: Settings) -> Iterator[tuple[Settings, object, object]]:
    """(settings to run the app with, cut(), restore()) for the test's database."""
    url = make_url(settings.database_url)
    if url.drivername.startswith("sqlite"):
        db = Path(str(url.database))
        away = db.with_name("away")
        away.mkdir()

        def cut() -> None:  # the file is gone (a disk unmounted, a volume lost)
            for f in db.parent.glob(db.name + "*"):
                shutil.move(f, away / f.name)

        def restore() -> None:
            for f in db.parent.glob(db.name + "*"):  # an empty one was created meanwhile
                f.unlink()
            for f in away.iterdir():
                shutil.move(f, db.parent / f.name)

        yield settings, cut, restore
        return
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    try:
        proxied = url.set(host="127.0.0.1", port=proxy.port)
        yield (
            settings.model_copy(update={"database_url": proxied.render_as_string(False)}),
            proxy.cut,
            proxy.restore,
        )
    finally:
        proxy.stop()


def test_a_database_outage_is_503_and_logged_once_each_way(
    settings: Settings, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="server.core.health")
    with (
        outage_switch(settings) as (app_settings, cut, restore),
        # a connection per session: on SQLite the outage is the file's disappearance, which
        # only a new connection meets (a pooled one holds the moved file open)
        running_app(app_settings, clock, media=FakeMedia(), pooled=False) as h,
    ):
        assert h.client.get("/api/health").status_code == 200
        cut()  # type: ignore[operator]
        body = wait_for_status(h, 503, "the database outage to show")
        assert body["status"] == "down"
        assert body["dependencies"]["database"]["status"] == "down"
        assert body["dependencies"]["media"]["status"] == "ok"  # each dependency on its own
        for _ in range(3):  # polled on: still down, nothing more in the log
            time.sleep(health.CACHE_S)
            assert h.client.get("/api/health").status_code == 503
        restore()  # type: ignore[operator]
        body = wait_for_status(h, 200, "the database to be back")
        assert body["dependencies"]["database"] == {"status": "ok"}
    lines = [r.getMessage() for r in caplog.records if r.name == "server.core.health"]
    assert len(lines) == 2, lines
    assert "the database is unreachable" in lines[0] and "the database is back" in lines[1]


def test_the_report_is_read_once_a_second_however_often_it_is_polled(
    settings: Settings, clock: FakeClock
) -> None:
    with running_app(settings, clock, media=FakeMedia()) as h:
        checks = health.checks_of(h.ctx)
        first = h.call(checks.report, h.ctx)
        polled = [h.call(checks.report, h.ctx) for _ in range(20)]
        fresh = [r for r in polled if r.checked_at != first.checked_at]
        # 20 polls in a row: at most the ones a second or more after the first re-read it
        assert all(r.checked_at - first.checked_at >= health.CACHE_S for r in fresh)

"""The database: one async engine, sessions passed into services, one declarative Base."""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TypeVar

from sqlalchemy import DateTime, MetaData, String, TypeDecorator, Update, event, inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import NullPool
from sqlalchemy.util import LRUCache

from server.core.clock import as_utc

R = TypeVar("R")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both SQLite (naive storage) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: every instant must be timezone-aware")
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


def new_id() -> str:
    return uuid.uuid4().hex


def id_column_type() -> String:
    return String(32)


class CompiledSql:
    """The compiled SQL of every engine of this process that speaks the same dialect: its class
    and its server's version. SQLAlchemy caches compiled statements per engine (keyed by the
    dialect object); engines of one kind compile them alike, so they share them here instead of
    compiling again: the pooled engine and the one a session on another loop gets, a CLI
    command's, each app a test starts (a tenth of their CPU went to compiling again). Only the
    compiled form is shared, never a statement's parameters (SQLAlchemy keeps them apart)."""

    def __init__(self, size: int = 2000) -> None:
        self._entries: LRUCache[tuple[object, ...], object] = LRUCache(size)

    @staticmethod
    def _key(key: tuple[object, ...]) -> tuple[object, ...]:
        dialect = key[0]  # SQLAlchemy's key: (dialect, statement key, columns, flags...)
        kind = (type(dialect), getattr(dialect, "server_version_info", None))
        return (kind, *key[1:])

    def get(self, key: tuple[object, ...], default: object = None) -> object:
        return self._entries.get(self._key(key), default)

    def __setitem__(self, key: tuple[object, ...], value: object) -> None:
        self._entries[self._key(key)] = value

    def __len__(self) -> int:
        return len(self._entries)


COMPILED_SQL = CompiledSql()


class Database:
    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        pooled: bool = True,
        pool_size: int = 20,
        max_overflow: int = 30,
        pool_timeout: float = 30.0,
    ) -> None:
        """`pooled=False` opens a connection per session (short-lived CLI commands). Otherwise
        a pool of `pool_size` connections, `max_overflow` more under load, a request waiting at
        most `pool_timeout` seconds.

        The pool belongs to the first event loop that uses it (the server's): asyncpg's
        connections are bound to the loop that opened them. A session opened on any other loop
        (a script's `asyncio.run`, a test's second client) gets a connection of its own,
        closed with the session."""
        self.url = url
        self.pooled = pooled
        kwargs: dict[str, object] = {"echo": echo}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 30}
        self._kwargs = kwargs
        if pooled:
            kwargs = {
                **kwargs,
                "pool_size": pool_size,
                "max_overflow": max_overflow,
                "pool_timeout": pool_timeout,
            }
        else:
            kwargs = {**kwargs, "poolclass": NullPool}
        self._home_engine = self._create(kwargs)
        self._home: weakref.ReferenceType[asyncio.AbstractEventLoop] | None = None
        self._elsewhere: AsyncEngine | None = None  # a connection per session, other loops
        self.sessionmaker = async_sessionmaker(self._home_engine, expire_on_commit=False)

    def _create(self, kwargs: dict[str, object]) -> AsyncEngine:
        engine = create_async_engine(
            self.url, execution_options={"compiled_cache": COMPILED_SQL}, **kwargs
        )
        if self.url.startswith("sqlite"):
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine

    @property
    def engine(self) -> AsyncEngine:
        """The engine for the running event loop: the pooled one on its own loop (or outside
        any loop), a connection per session on any other."""
        if not self.pooled:
            return self._home_engine
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self._home_engine
        if self._home is None:
            self._home = weakref.ref(loop)
        if self._home() is loop:
            return self._home_engine
        if self._elsewhere is None:
            self._elsewhere = self._create({**self._kwargs, "poolclass": NullPool})
        return self._elsewhere

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessionmaker(bind=self.engine) as session:
            yield session

    async def dispose(self) -> None:
        await self._home_engine.dispose()
        if self._elsewhere is not None:
            await self._elsewhere.dispose()


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# ---- one winner of two racing writers ------------------------------------------------------


async def insert_first(session: AsyncSession, row: object) -> bool:
    """The first row of its key. False: another writer's committed meanwhile (the key refused
    this one) and the transaction is rolled back."""
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        return False
    return True


async def insert_or_theirs(session: AsyncSession, row: R) -> tuple[R, bool]:
    """The first row of its key, written: (row, True). If another writer's row with that key
    was committed meanwhile, the transaction is rolled back (every object of the session is
    to be read again) and theirs is read: (theirs, False) — for a save that is then written
    over it, as a later save would be."""
    if await insert_first(session, row):
        return row, True
    key = inspect(type(row)).primary_key_from_instance(row)
    theirs = await session.get(type(row), tuple(key))
    assert theirs is not None  # the key refused ours: it holds theirs
    return theirs, False


async def update_if_unchanged(session: AsyncSession, statement: Update) -> bool:
    """A versioned `UPDATE … WHERE version = :read`: True if it changed exactly one row; False
    (the transaction rolled back) if another writer changed the row since it was read."""
    result = await session.execute(statement.execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        return False
    return True

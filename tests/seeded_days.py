"""The standard exam day seeded once per test process and kind of database, then written back
as rows into each test's database (tests/harness.py `seed_exam_day`).

Seeding goes through the services (accounts, a session, seven people, four assignments, each
step in the audit chain): 0.05–0.09 s of CPU, in some 400 tests. Writing the same rows back
costs 0.02–0.04 s (benchmarks/results/suite_durations.md, 2026-12-07 fifth session).

The rows are those the seeding added or changed (table by table), kept with what those tables
held before; they are written back only into a database in the very same state (the same row
count in every table, the same rows in the tables the seeding touches), with the same clock,
settings, format, pack and date: otherwise the day is seeded as before. On PostgreSQL the
sequences of the tables written move past the rows written."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Integer, Table, delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.db import Base

Day = TypeVar("Day")
Rows = dict[str, list[dict[str, Any]]]  # table name -> rows, in primary key order


@dataclass(frozen=True)
class SeededDay:
    before: Rows  # the tables the seeding changed, as they were
    after: Rows  # the same tables, as the seeding left them
    day: Any  # what the seeding returned
    keep: tuple[Any, ...]  # the objects whose id() is in the key, kept alive


_SEEDED: dict[Hashable, SeededDay] = {}


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


async def _counts(s: AsyncSession) -> tuple[int, ...]:
    tables = _tables()
    counts = select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))
    return tuple((await s.execute(counts)).one())


async def _rows(s: AsyncSession, names: list[str]) -> Rows:
    by_name = Base.metadata.tables
    out: Rows = {}
    for name in names:
        table = by_name[name]
        query = select(table).order_by(*table.primary_key.columns)
        out[name] = [dict(row._mapping) for row in await s.execute(query)]
    return out


async def _write_back(s: AsyncSession, seeded: SeededDay) -> None:
    tables = [t for t in _tables() if t.name in seeded.after]
    for table in reversed(tables):
        await s.execute(delete(table))
    for table in tables:
        if seeded.after[table.name]:
            await s.execute(insert(table), copy.deepcopy(seeded.after[table.name]))
    if s.bind.dialect.name == "postgresql":
        for table in tables:
            for column in table.primary_key.columns:
                if column.autoincrement is True and isinstance(column.type, Integer):
                    await s.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                            f"'{column.name}'), (SELECT max({column.name}) FROM {table.name}))"
                        )
                    )


async def seeded_once(
    s: AsyncSession,
    key: tuple[Hashable, ...],
    keep: tuple[Any, ...],
    seed: Callable[[], Awaitable[Day]],
) -> Day:
    """`seed()` (which commits its rows through `s`), or the rows it wrote last time in a
    database in the same state, written back; `key` says what else the rows depend on (the
    clock's instant, settings, parameters), `keep` holds the objects it names by id()."""
    counts = await _counts(s)
    full_key = (s.bind.dialect.name, *key, counts)
    known = _SEEDED.get(full_key)
    if known is not None and await _rows(s, list(known.before)) == known.before:
        await _write_back(s, known)
        await s.commit()
        return copy.deepcopy(known.day)  # type: ignore[no-any-return]
    names = [t.name for t in _tables()]
    held = [name for name, count in zip(names, counts, strict=True) if count]
    before = await _rows(s, held)
    day = await seed()
    after_counts = await _counts(s)
    after = await _rows(s, [n for n, c in zip(names, after_counts, strict=True) if c])
    changed = [n for n in names if before.get(n, []) != after.get(n, [])]
    _SEEDED[full_key] = SeededDay(
        before={n: before.get(n, []) for n in changed},
        after={n: after.get(n, []) for n in changed},
        day=copy.deepcopy(day),
        keep=keep,
    )
    return day

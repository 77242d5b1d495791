"""The server's heartbeat: the last instant it was alive *and* could write to its database, one
row kept up to date every second. After a kill, a crash or a database outage, the gap between
that instant and the next successful beat is the outage (`server/exams/outages.py`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, select, update
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, Database, UtcDateTime

ROW = 1


class ServerHeartbeat(Base):
    __tablename__ = "server_heartbeat"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


async def last_beat(db: Database) -> datetime | None:
    async with db.session() as session:
        found: datetime | None = await session.scalar(
            select(ServerHeartbeat.at).where(ServerHeartbeat.id == ROW)
        )
    return found


async def beat(db: Database, at: datetime) -> None:
    """One short transaction: the row moves to `at` (never backwards)."""
    async with db.session() as session:
        result = await session.execute(
            update(ServerHeartbeat)
            .where(ServerHeartbeat.id == ROW, ServerHeartbeat.at < at)
            .values(at=at)
        )
        if result.rowcount == 0 and await session.get(ServerHeartbeat, ROW) is None:  # type: ignore[attr-defined]
            session.add(ServerHeartbeat(id=ROW, at=at))
        await session.commit()

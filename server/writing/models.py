"""Written replies, the notepad, and every accepted or refused save."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, UtcDateTime, new_id


class Draft(Base):
    __tablename__ = "writing_drafts"
    __table_args__ = (UniqueConstraint("candidate_id", "task_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(20))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime())
    frozen_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sha256: Mapped[str | None] = mapped_column(String(64))


class SaveLog(Base):
    """Every save the server accepted (a reply's history) or refused (late, wrong phase):
    a refused save keeps what was typed, for an appeal, but never becomes the answer."""

    __tablename__ = "writing_saves"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[str] = mapped_column(String(100))  # "notepad" for the notepad
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    accepted: Mapped[bool]
    version: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    size: Mapped[int] = mapped_column(Integer)


class Notepad(Base):
    __tablename__ = "notepads"

    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime())

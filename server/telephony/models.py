"""Calls, their events and their recordings, as the database keeps them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, UtcDateTime, new_id


class CallRow(Base):
    __tablename__ = "calls"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), index=True
    )
    simulation_id: Mapped[str | None] = mapped_column(String(100))
    direction: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(40))
    crm_record_id: Mapped[str | None] = mapped_column(String(100))
    rang_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(20))
    held_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    hold_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    needs_wrap_up: Mapped[bool] = mapped_column(default=False)
    disposition: Mapped[str | None] = mapped_column(String(40))
    disposition_note: Mapped[str | None] = mapped_column(String(2000))
    wrapped_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Every UPDATE of a call is `… WHERE version = :the version it was based on` (SQLAlchemy's
    # version counter): of two actions racing on one call exactly one wins.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class CallEventRow(Base):
    __tablename__ = "call_events"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    by: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class RecordingRow(Base):
    __tablename__ = "recordings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(String(500))  # relative to the recordings directory
    sidecar_path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    duration_s: Mapped[float] = mapped_column(Float)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime] = mapped_column(UtcDateTime())
    gaps: Mapped[list[Any]] = mapped_column(JSON)
    # talk analytics (`talk.analyse`, plus the time to answer); None: recorded before them
    analytics: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

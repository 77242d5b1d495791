"""Each candidate's private copy of the CRM, its append-only change log, survey answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, UtcDateTime


class CrmRecordRow(Base):
    __tablename__ = "crm_records"

    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), primary_key=True
    )
    record_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Every change is `UPDATE … WHERE version = :read` (SQLAlchemy's version counter): two tabs
    # changing one record at once never lose a field (the second is applied again on top).
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}


class CrmChange(Base):
    """Append-only: who changed what, when (old and new values as JSON)."""

    __tablename__ = "crm_changes"
    __table_args__ = (UniqueConstraint("candidate_id", "client_id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), index=True
    )
    record_id: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))
    field: Mapped[str | None] = mapped_column(String(100))
    old: Mapped[Any] = mapped_column(JSON, nullable=True)
    new: Mapped[Any] = mapped_column(JSON, nullable=True)
    client_id: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str | None] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class SurveyAnswer(Base):
    __tablename__ = "survey_answers"

    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), primary_key=True
    )
    simulation_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime())

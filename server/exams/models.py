"""Exam sessions, their participants (candidates, jurors, proctors) and jury assignments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.core.db import Base, UtcDateTime, new_id


class ExamSession(Base):
    __tablename__ = "exam_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    centre: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    title_id: Mapped[str] = mapped_column(String(40))
    format_id: Mapped[str] = mapped_column(String(40))
    pack_snapshot_id: Mapped[str | None] = mapped_column(
        ForeignKey("scenario_pack_snapshots.id", ondelete="RESTRICT")
    )
    codes_expire_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Safe Exam Browser (server/lockdown): when required, candidates' requests during the locked
    # phases must prove the session's configuration; the origin and the quit password's hash
    # (SHA-256, as SEB stores it) make that configuration.
    seb_required: Mapped[bool] = mapped_column(default=False)
    seb_origin: Mapped[str | None] = mapped_column(String(200))
    seb_quit_password_hash: Mapped[str | None] = mapped_column(String(64))
    # Proctors may extend a candidate's phase (préparation, rédaction) by at most this many
    # minutes at a time; None: only the organiser and the jury extend
    # (server/exams/proctor_extension.py).
    proctor_extension_minutes: Mapped[int | None] = mapped_column(Integer, default=None)

    participants: Mapped[list[Participant]] = relationship(
        back_populates="exam_session", cascade="all, delete-orphan"
    )


class Participant(Base):
    """Anyone who signs in with a per-session access code: candidate, juror or proctor."""

    __tablename__ = "participants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    exam_session_id: Mapped[str] = mapped_column(
        ForeignKey("exam_sessions.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(200))
    code_generation: Mapped[int] = mapped_column(Integer, default=1)
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    # Raised to revoke every session cookie issued before (code renewed, sign-out, removal).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Removed by the organiser before they started (server/exams/people.py): kept for the
    # record, no longer listed, their code and their open sessions no longer work.
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    removed_by: Mapped[str | None] = mapped_column(String(80))
    removed_reason: Mapped[str | None] = mapped_column(String(500))

    exam_session: Mapped[ExamSession] = relationship(back_populates="participants")

    @property
    def active(self) -> bool:
        """False once the organiser removed the person: their sign-ins are refused."""
        return self.removed_at is None


class Candidate(Base):
    """What the exam needs to know about a candidate besides signing in."""

    __tablename__ = "candidates"

    participant_id: Mapped[str] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    exam_session_id: Mapped[str] = mapped_column(
        ForeignKey("exam_sessions.id", ondelete="CASCADE"), index=True
    )
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    pathway: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The organiser may stagger starts: the scheduler starts the candidate at this instant.
    planned_start: Mapped[datetime | None] = mapped_column(UtcDateTime())


class JuryAssignment(Base):
    """A juror plays the client ("client") or observes ("observer") for one candidate."""

    __tablename__ = "jury_assignments"
    __table_args__ = (UniqueConstraint("candidate_id", "capacity"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), index=True
    )
    juror_id: Mapped[str] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    capacity: Mapped[str] = mapped_column(String(20))


class TimelineFactRow(Base):
    """One persisted fact of a candidate's timeline (server/exams/timeline_facts.py), in order."""

    __tablename__ = "timeline_facts"
    __table_args__ = (UniqueConstraint("candidate_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class Incident(Base):
    """Something the proctor and the jury must know: a lockdown alert, a connection loss…"""

    __tablename__ = "incidents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    detail: Mapped[str] = mapped_column(String(500), default="")

"""A person's certification record across sessions, the evidence a jury had, and decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, UtcDateTime, new_id


class Person(Base):
    """The same person across sessions (capitalisation): candidates' seats link to it."""

    __tablename__ = "persons"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    # An identifier from outside (e.g. the ministry's candidate number), to find the person.
    external_id: Mapped[str | None] = mapped_column(String(60), index=True)
    # outcomes.CandidateRecord of what the person obtained OUTSIDE this platform (declared by
    # the organiser); the decisions taken here are added on read, from certification_decisions.
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PersonLink(Base):
    __tablename__ = "person_links"

    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"), index=True)


class DeclaredEvidence(Base):
    """What the organiser or jury declares the jury had (dossier professionnel, training
    results, livret…); the exam parts that took place are derived from the timeline."""

    __tablename__ = "declared_evidence"

    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), primary_key=True
    )
    kinds: Mapped[list[str]] = mapped_column(JSON)
    from_training: Mapped[bool | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # its writes, counted: of two jurors writing it on one reading, the second reads again
    revision: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__ = {"version_id_col": revision}


class DecisionRow(Base):
    """The decision in force for a seat: taken when both jurors signed a deliberation version,
    replaced (audit-logged) when a later version is signed."""

    __tablename__ = "certification_decisions"

    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), primary_key=True
    )
    outcome: Mapped[str] = mapped_column(String(30))
    document: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # outcomes.Decision
    deliberation_version: Mapped[int]
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime())

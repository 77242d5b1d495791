"""The jury's evaluation: marks per criterion, notes pinned to a moment of a call, interview
notes, and the versioned, signed deliberation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, UtcDateTime, new_id
from server.evaluation.payloads import Proposal


class Mark(Base):
    __tablename__ = "evaluation_marks"

    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), primary_key=True
    )
    part: Mapped[str] = mapped_column(String(120), primary_key=True)  # simulation / writing:<task>
    competence: Mapped[str] = mapped_column(String(20), primary_key=True)
    criterion: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1-based, as in the RC
    criterion_text: Mapped[str] = mapped_column(String(500))
    value: Mapped[str] = mapped_column(String(20))  # acquis | non_acquis | non_observe
    comment: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Each save is `UPDATE … WHERE version = :the one the juror saw` and bumps it: of two jurors
    # saving one criterion at once one wins, the other is refused (service.StaleMark).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class PinnedNote(Base):
    __tablename__ = "evaluation_notes"
    # A note sent again (its answer lost in a cut) carries the id its page made once: one note.
    __table_args__ = (UniqueConstraint("by", "client_note_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), index=True
    )
    # A call of the telephony package (kept as a plain string: notes survive a purge of calls).
    call_id: Mapped[str | None] = mapped_column(String(32))
    offset_ms: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    client_note_id: Mapped[str | None] = mapped_column(String(64))


class InterviewNote(Base):
    __tablename__ = "interview_notes"

    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(40), primary_key=True)  # CPn (technique) | final
    text: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Deliberation(Base):
    """One version of the jury's proposal; locked once both jurors signed; a later change is
    a new version."""

    __tablename__ = "deliberations"
    __table_args__ = (UniqueConstraint("candidate_id", "version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    # Written only by `deliberation.validate_proposal` (or copied from a version it wrote).
    proposal: Mapped[Proposal] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    signatures: Mapped[dict[str, str]] = mapped_column(JSON)  # juror id -> signed at (ISO)
    locked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # What the signatures cover (evaluation/signing.py): the proposal, the pieces of the file
    # and the decision the rules take from them, fixed at the first signature, and its SHA-256;
    # each signature keeps the seal it was given on.
    bound: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    seal: Mapped[str | None] = mapped_column(String(64))
    signed_seals: Mapped[dict[str, str] | None] = mapped_column(JSON)  # juror id -> seal
    # A signed version changed afterwards: its signatures no longer count (a new version
    # replaces it); when and why.
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    voided_reason: Mapped[str | None] = mapped_column(Text)
    # How many times the row was written: each UPDATE names the count it read (SQLAlchemy's
    # `version_id_col`) and changes nothing if another writer came in between — of two jurors
    # who read the same version, only the first writes (`deliberation.one_writer`).
    revision: Mapped[int] = mapped_column(Integer, server_default="1")

    __mapper_args__ = {"version_id_col": revision}

"""The documents a session issued: each version kept, byte for byte, with its SHA-256."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, UtcDateTime, new_id


class IssuedDocument(Base):
    """One issued version of a document: the procès-verbal or the results list of a session
    (subject "session"), a candidate's livret or grid (subject = the candidate's id). A later
    version (a correction, a new decision) never replaces an earlier one: both are kept."""

    __tablename__ = "issued_documents"
    __table_args__ = (UniqueConstraint("exam_session_id", "kind", "subject", "version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    exam_session_id: Mapped[str] = mapped_column(
        ForeignKey("exam_sessions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    issued_by: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(500))

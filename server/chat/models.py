"""The instant-messaging simulation: messages, persisted before they are delivered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, UtcDateTime, new_id


class ChatMessage(Base):
    __tablename__ = "chat_messages"
    __table_args__ = (
        UniqueConstraint("candidate_id", "seq"),
        UniqueConstraint("candidate_id", "client_msg_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    simulation_id: Mapped[str | None] = mapped_column(String(100))
    author: Mapped[str] = mapped_column(String(20))  # candidate | client
    client_msg_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ChatRead(Base):
    """How far each reader has read a conversation (the unread badge survives a reload)."""

    __tablename__ = "chat_reads"

    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), primary_key=True
    )
    reader_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)

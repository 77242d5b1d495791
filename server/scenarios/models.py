"""Scenario packs frozen in the database: a session points at one snapshot, so a later
edit of the pack's files changes neither a running nor a past session."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, UtcDateTime, new_id


class PackSnapshot(Base):
    __tablename__ = "scenario_pack_snapshots"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    pack_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())

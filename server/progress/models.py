"""The simulations of a candidate's subject recorded as not played, with their reason."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.core.db import Base, UtcDateTime


class SimulationNotPlayed(Base):
    """Written once, at the end of the calls phase (also when it is applied at start-up after
    a crash); audited; read by the run sheet, the grid, the writing phase and the archive."""

    __tablename__ = "simulations_not_played"

    candidate_id: Mapped[str] = mapped_column(
        ForeignKey("candidates.participant_id", ondelete="CASCADE"), primary_key=True
    )
    simulation_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    reason: Mapped[str] = mapped_column(String(40))  # progress.domain.NotPlayedReason
    detail: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())

"""A call's recordings: where the file goes, the rows kept when it closes (with the call's
talk analytics), and the recordings' facts for the jury and the appeal archive."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit
from server.core.context import AppContext
from server.exams.models import Candidate
from server.telephony import storage
from server.telephony.models import CallRow, RecordingRow
from server.telephony.ports import (
    GAP_LABELS_FR,
    ROLE_LABELS_FR,
    RecordingInfo,
    gap_from_json,
    gap_to_json,
)
from server.telephony.sidecar import amend_sidecar

log = logging.getLogger(__name__)


def recording_path(ctx: AppContext, candidate: Candidate, call_id: str) -> Path:
    directory = ctx.settings.recordings_path / candidate.exam_session_id / candidate.participant_id
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{call_id}.ogg"


async def keep_recording(
    ctx: AppContext, row: CallRow, candidate: Candidate, recording: RecordingInfo
) -> None:
    """One row per file (a worker lost mid-call made several), after the hang-up's commit."""
    async with ctx.db.session() as session:
        for segment in (*recording.earlier, recording):
            await store_recording(ctx, session, row, candidate, segment)
        await session.commit()


async def store_recording(
    ctx: AppContext,
    session: AsyncSession,
    row: CallRow,
    candidate: Candidate,
    info: RecordingInfo,
) -> None:
    analytics = await with_time_to_answer(row, info)
    rec = RecordingRow(
        call_id=row.id,
        candidate_id=row.candidate_id,
        path=storage.relative_path(ctx.settings, info.path),
        sidecar_path=storage.relative_path(ctx.settings, info.sidecar_path),
        sha256=info.sha256,
        duration_s=info.duration_s,
        size_bytes=info.size_bytes,
        started_at=info.started_at,
        ended_at=info.ended_at,
        gaps=info.to_json()["gaps"],
        analytics=analytics,
    )
    session.add(rec)
    await audit.record(
        session,
        clock=ctx.clock,
        actor="system:recorder",
        action="recording.closed",
        exam_session_id=candidate.exam_session_id,
        subject=row.candidate_id,
        details={
            "call": row.id,
            "file": rec.path,
            "sha256": info.sha256,
            "duration_s": round(info.duration_s, 3),
            "gaps": rec.gaps,
            **({"storage": dict(info.storage)} if info.storage else {}),
        },
    )


async def with_time_to_answer(row: CallRow, info: RecordingInfo) -> dict[str, Any] | None:
    """The recording's talk analytics with the call's time to answer (ringing → answered, a
    fact of this process), written into its sidecar too. None where nothing was analysed."""
    if not info.analytics:
        return None
    analytics = dict(info.analytics)
    if row.answered_at is not None:
        analytics["time_to_answer_s"] = round((row.answered_at - row.rang_at).total_seconds(), 2)
    if info.sidecar_path.exists():
        try:
            await asyncio.to_thread(amend_sidecar, info.sidecar_path, {"analytics": analytics})
        except (OSError, ValueError):  # the database keeps them; the sidecar stays as written
            log.warning("sidecar %s not amended", info.sidecar_path, exc_info=True)
    return analytics


def gaps_out(gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A recording's named intervals for the jury, each with its French label and party:
    `{role, reason, start_s, end_s, silent, label, role_label}` (older rows' shapes too)."""
    out = []
    for raw in gaps:
        gap = gap_from_json(raw)
        out.append(
            {
                **gap_to_json(gap),
                "label": GAP_LABELS_FR.get(gap.reason, gap.reason.value),
                "role_label": ROLE_LABELS_FR.get(gap.role, gap.role),
            }
        )
    return out


def recording_out(row: RecordingRow) -> dict[str, Any]:
    """A recording's facts for the jury and the appeal archive (no URL)."""
    return {
        "id": row.id,
        "call_id": row.call_id,
        "file": Path(row.path).name,
        "sha256": row.sha256,
        "duration_s": row.duration_s,
        "size_bytes": row.size_bytes,
        "started_at": row.started_at.isoformat(),
        "ended_at": row.ended_at.isoformat(),
        "gaps": gaps_out(row.gaps),
        "analytics": row.analytics,
    }


async def recordings_of(session: AsyncSession, candidate_id: str) -> list[RecordingRow]:
    return list(
        await session.scalars(
            select(RecordingRow)
            .where(RecordingRow.candidate_id == candidate_id)
            .order_by(RecordingRow.started_at)
        )
    )

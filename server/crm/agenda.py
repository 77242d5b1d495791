"""The agenda: the candidate's appointments and callbacks across records, and the sales
representatives' slots from the pack with those already booked marked taken."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.context import AppContext
from server.crm import store
from server.crm.models import CrmRecordRow


async def agenda(ctx: AppContext, session: AsyncSession, candidate_id: str) -> dict[str, Any]:
    await store.ensure_copy(ctx, session, candidate_id)
    rows = list(
        await session.scalars(select(CrmRecordRow).where(CrmRecordRow.candidate_id == candidate_id))
    )
    items: list[dict[str, Any]] = []
    booked: dict[str, list[str]] = {}
    for row in rows:
        name = store.as_record(row.data).display_name
        reps = {str(b["at"])[:16]: b.get("representative") for b in row.data.get("bookings", [])}
        for b in row.data.get("bookings", []):
            booked.setdefault(str(b["at"])[:16], []).append(b.get("representative"))
        for kind, key in (("rendez_vous", "appointments"), ("rappel", "callbacks")):
            for a in row.data.get(key, []):
                at = str(a["at"])[:16]
                items.append(
                    {
                        "at": at,
                        "contact": a.get("contact", ""),
                        "subject": a.get("subject", ""),
                        "kind": kind,
                        "record_id": row.record_id,
                        "record_name": name,
                        "representative": reps.get(at) if kind == "rendez_vous" else None,
                    }
                )
    _, sub = await store.subset(ctx, session, candidate_id)
    slots = [
        {
            "representative": rep.name,
            "area": rep.area,
            "at": slot.isoformat()[:16],
            "duration_minutes": s.candidate.appointment.duration_minutes,
            "purpose": s.candidate.appointment.purpose,
            "qualification": list(s.candidate.appointment.qualification),
            "record_id": s.candidate.crm_record,
            "taken": rep.name in booked.get(slot.isoformat()[:16], []),
        }
        for s in sub.simulations
        if s.candidate.appointment
        for rep in s.candidate.appointment.representatives
        for slot in rep.slots
    ]
    return {"items": sorted(items, key=lambda i: (i["at"], i["record_id"])), "slots": slots}

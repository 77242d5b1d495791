"""The live picture of a session: each candidate's timeline, connection and incidents."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit
from server.core.context import AppContext
from server.core.events import jury_audience, staff_audience
from server.core.identity import Principal, Role
from server.exams import queries, timeline_service
from server.exams.events import IncidentReported
from server.exams.models import Candidate, Incident, JuryAssignment
from server.exams.schemas import CandidateLive, IncidentOut, SessionOverview

INCIDENT_LABELS = {
    "focus_lost": "Fenêtre quittée (perte de focus)",
    "fullscreen_left": "Plein écran quitté",
    "tab_hidden": "Onglet masqué",
    "paste": "Collage de texte extérieur",
    "seb_missing": "Requête sans Safe Exam Browser",
    "disconnected": "Connexion perdue",
    "media_refused": "Appel refusé : audio du serveur indisponible",
    "media_failover": "Serveur audio perdu : appel rétabli sur un autre serveur",
    "media_lost": "Serveur audio perdu : aucun autre serveur disponible",
    "recording_disk_full": "Enregistrement interrompu : disque plein",
    "recording_write_error": "Enregistrement interrompu : erreur d'écriture sur le disque",
    "recording_resumed": "Enregistrement repris",
    "recording_fallback": "Disque des enregistrements en défaut : dossier de secours utilisé",
    "server_outage": "Interruption technique du serveur : temps rendu",
}


def incident_payload(i: Incident) -> IncidentOut:
    return IncidentOut(
        candidate_id=i.candidate_id,
        kind=i.kind,
        label=INCIDENT_LABELS.get(i.kind, i.kind),
        at=i.at.isoformat(),
        detail=i.detail,
    )


async def report_incident(
    ctx: AppContext, *, candidate_id: str, kind: str, detail: str, actor: str
) -> Incident:
    if kind not in INCIDENT_LABELS:
        raise ValueError(f"Type d'incident inconnu : {kind}")
    async with ctx.db.session() as session:
        cand = await queries.get_candidate(session, candidate_id)
        incident = Incident(
            candidate_id=candidate_id, kind=kind, at=ctx.clock.now(), detail=detail[:500]
        )
        session.add(incident)
        await audit.record(
            session,
            clock=ctx.clock,
            actor=actor,
            action=f"incident.{kind}",
            exam_session_id=cand.exam_session_id,
            subject=candidate_id,
            details={"detail": detail},
        )
        await session.commit()
    ctx.bus.publish(
        [staff_audience(cand.exam_session_id), jury_audience(candidate_id)],
        IncidentReported(**incident_payload(incident).model_dump()),
    )
    return incident


async def candidate_overview(
    ctx: AppContext, session: AsyncSession, candidate_ids: list[str]
) -> dict[str, CandidateLive]:
    out: dict[str, CandidateLive] = {}
    incidents = (
        await session.scalars(
            select(Incident).where(Incident.candidate_id.in_(candidate_ids)).order_by(Incident.at)
        )
    ).all()
    for cid in candidate_ids:
        timeline = await timeline_service.load(ctx, session, cid)
        presence = await ctx.presence.get(cid)
        out[cid] = CandidateLive(
            timeline=timeline.state(),
            connected=bool(presence and presence.connected),
            connected_since=presence.since.isoformat() if presence else None,
            incidents=[incident_payload(i) for i in incidents if i.candidate_id == cid][-50:],
        )
    return out


async def session_overview(
    ctx: AppContext, session: AsyncSession, exam_session_id: str
) -> SessionOverview:
    detail = await queries.session_detail(session, exam_session_id, ctx.titles)
    ids = [c.id for c in detail.candidates]
    return SessionOverview(
        detail=detail,
        candidates=await candidate_overview(ctx, session, ids),
        planned_starts={
            c.participant_id: c.planned_start.isoformat() if c.planned_start else None
            for c in await session.scalars(
                select(Candidate).where(Candidate.participant_id.in_(ids))
            )
        },
    )


async def visible_candidates(session: AsyncSession, principal: Principal) -> list[str]:
    match principal.role:
        case Role.CANDIDATE:
            return [principal.subject_id]
        case Role.JUROR:
            return list(
                await session.scalars(
                    select(JuryAssignment.candidate_id)
                    .where(JuryAssignment.juror_id == principal.subject_id)
                    .distinct()
                )
            )
        case Role.PROCTOR:
            return list(
                await session.scalars(
                    select(Candidate.participant_id)
                    .where(Candidate.exam_session_id == principal.exam_session_id)
                    .order_by(Candidate.position)
                )
            )
    return []

"""The PDFs an exam leaves: the filled evaluation grid of a candidate, the session's
procès-verbal, the livret de certification, the session's results list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.certification import service as certification
from server.certification.models import DecisionRow
from server.core.context import AppContext
from server.documents.pdf import render_pdf_async as render_pdf
from server.evaluation import deliberation as deliberations
from server.evaluation import grid
from server.evaluation import service as evaluation
from server.evaluation.deliberation import COMPETENCE_OUTCOMES, TITLE_OUTCOMES
from server.exams import queries
from server.exams.models import JuryAssignment, Participant
from server.outcomes import Decision
from server.telephony.models import CallRow

CAPACITY_LABELS = {"client": "juré « client »", "observer": "juré observateur"}


def _stamp(ctx: AppContext) -> str:
    return ctx.clock.now().strftime("%d/%m/%Y %H:%M UTC")


def _offset(ms: int | None) -> str:
    if ms is None:
        return "—"
    seconds = ms // 1000
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


async def jury_of(session: AsyncSession, candidate_id: str) -> list[dict[str, str]]:
    """The candidate's jurors: id, name, capacity (client first)."""
    rows = await session.execute(
        select(JuryAssignment.capacity, Participant.id, Participant.display_name)
        .join(Participant, Participant.id == JuryAssignment.juror_id)
        .where(JuryAssignment.candidate_id == candidate_id)
        .order_by(JuryAssignment.capacity)
    )
    return [
        {"capacity": cap, "label": CAPACITY_LABELS.get(cap, cap), "id": pid, "name": name}
        for cap, pid, name in rows
    ]


def _version_view(d: Any, names: dict[str, str], title: Any) -> dict[str, Any]:
    out = deliberations.deliberation_out(d)
    proposal = out["proposal"]
    return {
        **out,
        "competence_rows": [
            {
                "code": code,
                "name": title.competence(code).name,
                "label": COMPETENCE_OUTCOMES.get(v, v),
            }
            for code, v in proposal.get("competences", {}).items()
        ],
        "ccp_rows": [
            {"code": c, "name": title.ccp(c).name, "label": "Obtenu" if ok else "Non obtenu"}
            for c, ok in proposal.get("ccps", {}).items()
        ],
        "title_label": TITLE_OUTCOMES.get(proposal.get("title") or "", "— (session CCP)"),
        "signature_rows": [
            {"name": names.get(who, who), "at": at} for who, at in out["signatures"].items()
        ],
    }


async def _call_labels(
    session: AsyncSession, candidate_id: str, parts: list[dict[str, Any]]
) -> dict[str, str]:
    """call id -> the simulation it played and when it rang (« Assistance … (10:42 UTC) »)."""
    titles = {p["part"]: p["label"] for p in parts}
    rows = await session.execute(
        select(CallRow.id, CallRow.simulation_id, CallRow.rang_at).where(
            CallRow.candidate_id == candidate_id
        )
    )
    return {
        call_id: f"{titles.get(sim or '', 'Appel hors scénario')} ({at:%H:%M} UTC)"
        for call_id, sim, at in rows
    }


async def grid_context(ctx: AppContext, session: AsyncSession, candidate_id: str) -> dict:
    candidate = await queries.get_candidate(session, candidate_id)
    exam = await queries.get_exam(session, candidate.exam_session_id)
    title = ctx.titles[exam.title_id]
    data = await evaluation.evaluation_grid(ctx, session, candidate_id)
    marks = {(m["part"], m["competence"], m["criterion"]): m for m in data["marks"]}
    jury = await jury_of(session, candidate_id)
    names = {j["id"]: f"{j['name']} ({j['label']})" for j in jury}
    topics = {c.code: f"{c.code} — {c.name}" for c in title.competences}
    topics[grid.FINAL_INTERVIEW_TOPIC] = "Entretien final"
    decision = await session.get(DecisionRow, candidate_id)
    calls = await _call_labels(session, candidate_id, data["parts"])
    return {
        "title": title,
        "session": exam,
        "candidate": f"{candidate.first_name} {candidate.last_name.upper()}",
        "format_name": title.format(exam.format_id).name,
        "grid": data,
        "marks": marks,
        "labels": {v.value: v.label for v in grid.MarkValue},
        "status": {s.value: s.label for s in grid.Status},
        "notes": [
            {
                **n,
                "offset": _offset(n["offset_ms"]),
                "call": calls.get(n["call_id"] or "", "—"),
                "by_name": names.get(n["by"].partition(":")[2], n["by"]),
            }
            for n in await evaluation.notes(session, candidate_id)
        ],
        "interviews": [
            {**i, "topic_label": topics.get(i["topic"], i["topic"])}
            for i in await evaluation.interview_notes(session, candidate_id)
        ],
        "versions": [
            _version_view(d, names, title)
            for d in await deliberations.deliberations(session, candidate_id)
        ],
        "decision": Decision.model_validate(decision.data) if decision else None,
        "decision_version": decision.deliberation_version if decision else None,
        "jury": jury,
        "generated_at": _stamp(ctx),
    }


async def grid_pdf(ctx: AppContext, session: AsyncSession, candidate_id: str) -> bytes:
    return await render_pdf("grid.html", **await grid_context(ctx, session, candidate_id))


async def pv_pdf(ctx: AppContext, session: AsyncSession, exam_session_id: str) -> bytes:
    exam = await queries.get_exam(session, exam_session_id)
    title = ctx.titles[exam.title_id]
    rows = []
    for cand in await queries.candidates_of(session, exam_session_id):
        versions = await deliberations.deliberations(session, cand.id)
        signed = await deliberations.signed(session, cand.id)
        decision_row = await session.get(DecisionRow, cand.id)
        decision = Decision.model_validate(decision_row.data) if decision_row else None
        proposal = signed.proposal if signed else {}
        rows.append(
            {
                "name": cand.display_name,
                "pathway": cand.pathway_label,
                "jury": await jury_of(session, cand.id),
                "version": signed.version if signed else None,
                "pending": bool(versions) and versions[-1].locked_at is None,
                "locked_at": signed.locked_at.strftime("%d/%m/%Y %H:%M")
                if signed and signed.locked_at
                else None,
                "proposal": TITLE_OUTCOMES.get(proposal.get("title") or "", "—"),
                "ccps": ", ".join(c for c, ok in proposal.get("ccps", {}).items() if ok) or "—",
                "decision": decision,
            }
        )
    return await render_pdf(
        "pv.html",
        title=title,
        session=exam,
        format_name=title.format(exam.format_id).name,
        rows=rows,
        generated_at=_stamp(ctx),
    )


async def livret_pdf(ctx: AppContext, session: AsyncSession, candidate_id: str) -> bytes:
    data = await certification.livret(ctx, session, candidate_id)
    return await render_pdf("livret.html", data=data, generated_at=_stamp(ctx))


async def results_pdf(ctx: AppContext, session: AsyncSession, exam_session_id: str) -> bytes:
    data = await certification.results(ctx, session, exam_session_id)
    return await render_pdf(
        "results.html", data=data, generated_at=_stamp(ctx), orientation="landscape"
    )

"""The PDFs an exam leaves: the filled evaluation grid of a candidate, the session's
procès-verbal, the livret de certification, the session's results list. Every instant is
printed in the centre's time zone (setting PLATEAU_TIMEZONE), humanly; an issued version
(server/documents/issued.py) prints its number, and the version it replaces, in its footer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.certification import service as certification
from server.certification.models import DecisionRow
from server.core import localtime
from server.core.context import AppContext
from server.core.referential import Title
from server.documents import pv as pv_data
from server.documents.pdf import render_pdf_async as render_pdf
from server.evaluation import deliberation as deliberations
from server.evaluation import grid
from server.evaluation import service as evaluation
from server.evaluation.deliberation import COMPETENCE_OUTCOMES, TITLE_OUTCOMES
from server.evaluation.models import Deliberation
from server.evaluation.payloads import DeliberationPayload
from server.exams import queries, timeline_service
from server.exams.models import ExamSession, JuryAssignment, Participant
from server.exams.timeline_state import Closure
from server.outcomes import Decision
from server.telephony import recordings
from server.telephony.models import CallRow

CAPACITY_LABELS = {"client": "juré « client »", "observer": "juré observateur"}
# « Ces deux documents sont délivrés par le représentant territorial compétent du ministère du
# Travail. » (modalités d'obtention: parchemin et livret de certification)
ISSUER = "le représentant territorial compétent du ministère du Travail"


@dataclass(frozen=True)
class Stamp:
    """The issued version a PDF is rendered as (None: a preview, not issued)."""

    version: int
    issued_at: datetime
    replaces: int | None = None
    reason: str = ""


class BaseContext(TypedDict):
    """What every template needs (`_base`)."""

    zone: ZoneInfo
    zone_label: str
    generated_at: str
    stamp: Stamp | None


class Juror(TypedDict):
    capacity: str
    label: str
    id: str
    name: str


class OutcomeRow(TypedDict):
    code: str
    name: str
    label: str


class SignatureRow(TypedDict):
    name: str
    at: str


class VersionView(DeliberationPayload):
    """A version of the deliberation as the grid prints it."""

    competence_rows: list[OutcomeRow]
    ccp_rows: list[OutcomeRow]
    title_label: str
    signature_rows: list[SignatureRow]


class PartyView(TypedDict):
    talk: str
    share: int
    listening: str
    interruptions: int


class TalkView(TypedDict):
    """A recording's talk analytics as the grid prints them."""

    candidate: PartyView
    client: PartyView
    overlaps: int
    overlap: str
    silences: list[str]
    holds: int
    hold: str
    answer: str


class RecordingView(TypedDict):
    call: str
    part: int
    duration: str
    gaps: list[dict[str, Any]]  # telephony's gaps (`recordings.gaps_out`) with their clocks
    talk: TalkView | None


class NoteView(evaluation.NotePayload):
    offset: str
    call: str
    by_name: str


class InterviewView(evaluation.InterviewPayload):
    topic_label: str


class GridContext(BaseContext):
    """What grid.html is rendered with."""

    closure: Closure | None
    title: Title
    session: ExamSession
    candidate: str
    format_name: str
    grid: evaluation.EvaluationGrid
    marks: dict[tuple[str, str, int], evaluation.MarkPayload]
    labels: dict[str, str]
    status: dict[str, str]
    notes: list[NoteView]
    recordings: list[RecordingView]
    interviews: list[InterviewView]
    versions: list[VersionView]
    decision: Decision | None
    decision_version: int | None
    jury: list[Juror]


class ClosedExam(TypedDict):
    """A candidate whose exam was closed before its end (results.html)."""

    name: str
    pathway: str
    at: datetime
    by: str | None
    phase: str
    phase_label: str
    reason: str
    reason_label: str
    comment: str
    decision_allowed: bool
    new_sitting: bool
    outcome: str


def _base(ctx: AppContext, stamp: Stamp | None) -> BaseContext:
    """What every template needs: the zone, when it was made, its version."""
    zone = ctx.settings.zone
    return {
        "zone": zone,
        "zone_label": localtime.zone_label(zone),
        "generated_at": localtime.date_time(ctx.clock.now(), zone),
        "stamp": stamp,
    }


def _offset(ms: int | None) -> str:
    if ms is None:
        return "—"
    seconds = ms // 1000
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


async def jury_of(session: AsyncSession, candidate_id: str) -> list[Juror]:
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


def _version_view(d: Deliberation, names: dict[str, str], title: Title) -> VersionView:
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
    ctx: AppContext, session: AsyncSession, candidate_id: str, parts: list[grid.Part]
) -> dict[str, str]:
    """call id -> the simulation it played and when it rang (« Assistance … (10 h 42) »)."""
    titles = {p["part"]: p["label"] for p in parts}
    rows = await session.execute(
        select(CallRow.id, CallRow.simulation_id, CallRow.rang_at).where(
            CallRow.candidate_id == candidate_id
        )
    )
    zone = ctx.settings.zone
    return {
        call_id: f"{titles.get(sim or '', 'Appel hors scénario')} "
        f"({localtime.clock_time(at, zone)})"
        for call_id, sim, at in rows
    }


def _clock(seconds: float | None) -> str:
    return "fin" if seconds is None else _offset(round(seconds * 1000))


async def _recordings_view(
    session: AsyncSession, candidate_id: str, calls: dict[str, str]
) -> list[RecordingView]:
    """Each recording with its named intervals and its talk analytics, as the grid shows
    them (offsets on the call's clock: seconds from the answer, or from the segment's start)."""
    rows = await recordings.recordings_of(session, candidate_id)
    parts: dict[str, int] = {}
    out: list[RecordingView] = []
    for row in rows:
        parts[row.call_id] = parts.get(row.call_id, 0) + 1
        rec = recordings.recording_out(row)
        talk = rec["analytics"] or {}
        out.append(
            {
                "call": calls.get(row.call_id, "—"),
                "part": parts[row.call_id],
                "duration": _clock(row.duration_s),
                "gaps": [
                    {
                        **g,
                        "start": _clock(g["start_s"]),
                        "end": _clock(g["end_s"]),
                        "effect": "silence" if g["silent"] else "son conservé",
                    }
                    for g in rec["gaps"]
                ],
                "talk": _talk_view(talk) if talk else None,
            }
        )
    return out


def _talk_view(talk: dict[str, Any]) -> TalkView:
    parties = talk.get("parties", {})

    def party(role: str) -> PartyView:
        p = parties.get(role, {})
        return {
            "talk": _clock(p.get("talk_s", 0.0)),
            "share": round(100 * p.get("talk_share", 0.0)),
            "listening": _clock(p.get("listening_s", 0.0)),
            "interruptions": p.get("interruptions", 0),
        }

    answer = talk.get("time_to_answer_s")
    return {
        "candidate": party("candidate"),
        "client": party("client"),
        "overlaps": talk.get("overlaps", 0),
        "overlap": _clock(talk.get("overlap_s", 0.0)),
        "silences": [
            f"{_clock(x['start_s'])} → {_clock(x['end_s'])}" for x in talk.get("silences", [])
        ],
        "holds": talk.get("holds", 0),
        "hold": _clock(talk.get("hold_s", 0.0)),
        "answer": "—" if answer is None else f"{answer:.1f} s".replace(".", ","),
    }


async def grid_context(
    ctx: AppContext, session: AsyncSession, candidate_id: str, stamp: Stamp | None = None
) -> GridContext:
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
    calls = await _call_labels(ctx, session, candidate_id, data["parts"])
    state = (await timeline_service.load(ctx, session, candidate_id)).state()
    return {
        **_base(ctx, stamp),
        "closure": state.closure,
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
        "recordings": await _recordings_view(session, candidate_id, calls),
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
    }


async def grid_pdf(
    ctx: AppContext, session: AsyncSession, candidate_id: str, stamp: Stamp | None = None
) -> bytes:
    return await render_pdf("grid.html", **await grid_context(ctx, session, candidate_id, stamp))


async def pv_pdf(
    ctx: AppContext, session: AsyncSession, exam_session_id: str, stamp: Stamp | None = None
) -> bytes:
    data = await pv_data.pv_context(ctx, session, exam_session_id)
    return await render_pdf("pv.html", **data, **_base(ctx, stamp))


async def _session_labels(session: AsyncSession, ids: set[str]) -> dict[str, str]:
    """session id -> « Centre, le 04/12/2026 » (a CCP obtained elsewhere keeps its label)."""
    rows = await session.execute(
        select(ExamSession.id, ExamSession.centre, ExamSession.day).where(ExamSession.id.in_(ids))
    )
    return {sid: f"{centre}, le {localtime.short_day(day)}" for sid, centre, day in rows}


async def livret_pdf(
    ctx: AppContext, session: AsyncSession, candidate_id: str, stamp: Stamp | None = None
) -> bytes:
    data = await certification.livret(ctx, session, candidate_id)
    sessions = await _session_labels(session, {line.session_id for line in data.lines})
    return await render_pdf(
        "livret.html", data=data, sessions=sessions, issuer=ISSUER, **_base(ctx, stamp)
    )


async def closures_of(
    ctx: AppContext, session: AsyncSession, exam_session_id: str
) -> list[ClosedExam]:
    """The candidates whose exam was closed before its end: name, reason, effect."""
    out: list[ClosedExam] = []
    for cand in await queries.candidates_of(session, exam_session_id):
        closure = (await timeline_service.load(ctx, session, cand.id)).closure
        if closure is not None:
            out.append(
                {
                    "name": cand.display_name,
                    "pathway": cand.pathway_label,
                    "at": closure.at,
                    "by": closure.by,
                    "phase": closure.phase,
                    "phase_label": closure.phase_label,
                    "reason": closure.reason,
                    "reason_label": closure.reason_label,
                    "comment": closure.comment,
                    "decision_allowed": closure.decision_allowed,
                    "new_sitting": closure.new_sitting,
                    "outcome": closure.outcome,
                }
            )
    return out


async def results_pdf(
    ctx: AppContext, session: AsyncSession, exam_session_id: str, stamp: Stamp | None = None
) -> bytes:
    data = await certification.results(ctx, session, exam_session_id)
    exam = await queries.get_exam(session, exam_session_id)
    return await render_pdf(
        "results.html",
        data=data,
        session=exam,
        closures=await closures_of(ctx, session, exam_session_id),
        orientation="landscape",
        **_base(ctx, stamp),
    )

"""What the procès-verbal of a session says (arrêté du 22/12/2015 and the RC § 2: the jury
decides « au vu » of the practical part, the dossier professionnel, the training results and
the final interview): the title and the session (place, day, hours in the centre's time zone),
the jury's members and their roles, then per candidate the exam as it went (closed exams with
their reason), the evidence the jury had, the deliberation signed (who, when), the decision with
its justification, and the signature blocks."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.certification import service as certification
from server.certification.models import DecisionRow
from server.core.context import AppContext
from server.core.identity import Role
from server.core.referential import EvidenceKind, Pathway, SessionKind, Title
from server.evaluation import deliberation as deliberations
from server.evaluation.deliberation import TITLE_OUTCOMES
from server.evaluation.models import Deliberation
from server.exams import queries, timeline_service
from server.exams.models import ExamSession, JuryAssignment, Participant
from server.exams.timeline_state import Closure, TimelineState
from server.outcomes import Decision, DecisionRefused, pathway_rule, sitting_for_format

CAPACITY_ROLES = {"client": "juré jouant le client", "observer": "juré observateur"}


class EvidenceRow(TypedDict):
    """A piece of the file the rules ask for (or the jury had), present or absent."""

    label: str
    present: bool
    required: bool


class StaffJuror(TypedDict):
    id: str
    name: str
    roles: list[str]


class Staff(TypedDict):
    jurors: list[StaffJuror]
    proctors: list[str]


class SignatureRow(TypedDict):
    name: str
    at: str


class PvCandidate(TypedDict):
    """A candidate as the procès-verbal lists them."""

    name: str
    pathway: str
    began: datetime | None
    ended: datetime | None
    status: str
    closure: Closure | None
    evidence: list[EvidenceRow]
    signed: Deliberation | None
    signatures: list[SignatureRow]
    pending: bool
    proposal_title: str
    ccps_proposed: list[str]
    justification: str
    decision: Decision | None
    held: list[dict[str, Any]]  # `Decision.held` dumped, with the CCP's name


class PvContext(TypedDict):
    """What pv.html is rendered with (besides `service._base`)."""

    title: Title
    session: ExamSession
    format_name: str
    jurors: list[StaffJuror]
    proctors: list[str]
    candidates: list[PvCandidate]
    began: datetime | None
    ended: datetime | None


def _evidence_rows(
    title: Title,
    kind: SessionKind,
    pathway: Pathway,
    present: frozenset[EvidenceKind],
    from_training: bool | None,
    title_proposed: bool,
) -> list[EvidenceRow]:
    """Each piece the rules ask for this pathway at this session, present or absent; then any
    other piece the jury had."""
    try:
        rule = pathway_rule(title, pathway, kind)
        wanted = list(rule.requires)
        if from_training or (from_training is None and pathway is Pathway.FORMATION_CONTINUE):
            wanted += list(rule.requires_if_from_training)
        if title_proposed:
            wanted += list(rule.to_award_title)
    except DecisionRefused:
        wanted = []
    rows: list[EvidenceRow] = []
    named: set[EvidenceKind] = set()
    for alternatives in wanted:
        named |= set(alternatives)
        rows.append(
            {
                "label": " ou ".join(k.label for k in alternatives),
                "present": any(k in present for k in alternatives),
                "required": True,
            }
        )
    for piece in sorted(present - named):
        rows.append({"label": piece.label, "present": True, "required": False})
    return rows


def _times(state: TimelineState) -> tuple[datetime | None, datetime | None]:
    started = [p.started_at for p in state.phases if p.started_at]
    ended = [p.ended_at for p in state.phases if p.ended_at]
    return (min(started) if started else None), (max(ended) if ended else None)


async def _staff(session: AsyncSession, exam_session_id: str) -> Staff:
    """The jury (each juror with the candidates and the capacity they serve) and proctors."""
    people = (
        await session.scalars(
            select(Participant)
            .where(
                Participant.exam_session_id == exam_session_id,
                Participant.role != Role.CANDIDATE.value,
                Participant.removed_at.is_(None),
            )
            .order_by(Participant.created_at)
        )
    ).all()
    rows = await session.execute(
        select(JuryAssignment.juror_id, JuryAssignment.capacity, Participant.display_name)
        .join(Participant, Participant.id == JuryAssignment.candidate_id)
        .where(Participant.exam_session_id == exam_session_id)
        .order_by(Participant.display_name)
    )
    serves: dict[str, list[str]] = {}
    for juror_id, capacity, candidate_name in rows:
        serves.setdefault(juror_id, []).append(
            f"{CAPACITY_ROLES.get(capacity, capacity)} de {candidate_name}"
        )
    jurors: list[StaffJuror] = [
        {"id": p.id, "name": p.display_name, "roles": serves.get(p.id, [])}
        for p in people
        if p.role == Role.JUROR.value
    ]
    proctors = [p.display_name for p in people if p.role == Role.PROCTOR.value]
    return {"jurors": jurors, "proctors": proctors}


async def pv_context(ctx: AppContext, session: AsyncSession, exam_session_id: str) -> PvContext:
    exam = await queries.get_exam(session, exam_session_id)
    title = ctx.titles[exam.title_id]
    staff = await _staff(session, exam.id)
    kind = sitting_for_format(title, exam.format_id, session_id=exam.id, day=exam.day).kind
    names = {j["id"]: j["name"] for j in staff["jurors"]}
    candidates: list[PvCandidate] = []
    first: list[datetime] = []
    last: list[datetime] = []
    for cand in await queries.candidates_of(session, exam.id):
        state = (await timeline_service.load(ctx, session, cand.id)).state()
        began, ended = _times(state)
        first += [began] if began else []
        last += [ended] if ended else []
        signed = await deliberations.signed(session, cand.id)
        versions = await deliberations.deliberations(session, cand.id)
        row = await session.get(DecisionRow, cand.id)
        decision = Decision.model_validate(row.data) if row else None
        evidence, from_training = await certification.evidence_of(ctx, session, cand.id)
        proposal = signed.proposal if signed else None
        candidates.append(
            {
                "name": cand.display_name,
                "pathway": cand.pathway_label,
                "began": began,
                "ended": ended,
                "status": state.status_label,
                "closure": state.closure,
                "evidence": _evidence_rows(
                    title,
                    kind,
                    cand.pathway,
                    evidence.present,
                    from_training,
                    proposal is not None and proposal.get("title") == "obtenu",
                ),
                "signed": signed,
                "signatures": [
                    {"name": names.get(who, who), "at": at}
                    for who, at in (signed.signatures.items() if signed else [])
                ],
                "pending": bool(versions) and versions[-1].locked_at is None,
                "proposal_title": TITLE_OUTCOMES.get(
                    (proposal and proposal.get("title")) or "", ""
                ),
                "ccps_proposed": [
                    c for c, ok in (proposal["ccps"] if proposal else {}).items() if ok
                ],
                "justification": str((proposal and proposal.get("justification")) or "").strip(),
                "decision": decision,
                "held": [
                    {**h.model_dump(), "name": title.ccp(h.code).name}
                    for h in (decision.held if decision else ())
                ],
            }
        )
    return {
        "title": title,
        "session": exam,
        "format_name": title.format(exam.format_id).name,
        "jurors": staff["jurors"],
        "proctors": staff["proctors"],
        "candidates": candidates,
        "began": min(first) if first else None,
        "ended": max(last) if last else None,
    }

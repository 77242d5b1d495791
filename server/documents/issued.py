"""Issuing a session's documents: each issue stores a new version of the PDF (bytes and
SHA-256, who, when, why), never replacing an earlier one. A correction of a person's name after
documents were issued issues a new version of every issued document that names them
(`reissue_after_change`); the earlier versions stay downloadable."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from server.certification import service as certification
from server.certification.errors import CertificationRefused
from server.certification.models import DecisionRow
from server.core import audit, localtime
from server.core.context import AppContext
from server.core.errors import PlateauError
from server.documents import service
from server.documents.models import IssuedDocument
from server.documents.schemas import (
    CandidateDocuments,
    DocumentsOverview,
    IssuedOut,
    SessionDocuments,
)
from server.documents.service import Stamp
from server.exams import queries, timeline_service
from server.exams.queries import NotFound
from server.outcomes import Decision, OutcomeError

SESSION = "session"
Render = Callable[[AppContext, AsyncSession, str, Stamp | None], Awaitable[bytes]]


@dataclass(frozen=True)
class Kind:
    label: str
    file: str
    per_candidate: bool
    render: Render


KINDS: dict[str, Kind] = {
    "pv": Kind("Procès-verbal", "proces-verbal", False, service.pv_pdf),
    "resultats": Kind("Liste des résultats", "resultats", False, service.results_pdf),
    "livret": Kind("Livret de certification", "livret", True, service.livret_pdf),
    "grille": Kind("Grille d'évaluation", "grille", True, service.grid_pdf),
}


class DocumentRefused(PlateauError, ValueError):
    """A document that cannot be issued (French message)."""


def issued_model(doc: IssuedDocument, ctx: AppContext) -> IssuedOut:
    return IssuedOut(
        id=doc.id,
        kind=doc.kind,
        label=KINDS[doc.kind].label,
        subject=doc.subject,
        version=doc.version,
        sha256=doc.sha256,
        issued_at=doc.issued_at.isoformat(),
        issued_at_label=localtime.date_time(doc.issued_at, ctx.settings.zone),
        issued_by=doc.issued_by,
        reason=doc.reason,
        url=f"/api/sessions/{doc.exam_session_id}/documents/issued/{doc.id}",
    )


def issued_out(doc: IssuedDocument, ctx: AppContext) -> dict[str, Any]:
    """`issued_model` as JSON (the CLI prints it)."""
    return issued_model(doc, ctx).model_dump(mode="json")


async def issued_list(session: AsyncSession, exam_session_id: str) -> list[IssuedDocument]:
    """Every version issued in the session (without the bytes), oldest first."""
    return list(
        await session.scalars(
            select(IssuedDocument)
            .options(defer(IssuedDocument.content))
            .where(IssuedDocument.exam_session_id == exam_session_id)
            .order_by(IssuedDocument.kind, IssuedDocument.subject, IssuedDocument.version)
        )
    )


async def issued_file(
    session: AsyncSession, exam_session_id: str, document_id: str
) -> tuple[IssuedDocument, str]:
    doc = await session.get(IssuedDocument, document_id)
    if doc is None or doc.exam_session_id != exam_session_id:
        raise NotFound("Document émis introuvable.")
    subject = "" if doc.subject == SESSION else f"-{doc.subject}"
    return doc, f"{KINDS[doc.kind].file}{subject}-v{doc.version}.pdf"


async def _check_subject(
    session: AsyncSession, exam_session_id: str, kind: str, candidate_id: str | None
) -> str:
    spec = KINDS.get(kind)
    if spec is None:
        raise DocumentRefused(f"Document inconnu : {kind} (pv, resultats, livret ou grille).")
    await queries.get_exam(session, exam_session_id)
    if not spec.per_candidate:
        return SESSION
    if not candidate_id:
        raise DocumentRefused(f"{spec.label} : précisez le candidat.")
    candidate = await queries.get_candidate(session, candidate_id)
    if candidate.exam_session_id != exam_session_id:
        raise NotFound("Ce candidat n'appartient pas à cette session.")
    return candidate_id


async def issue(
    ctx: AppContext,
    *,
    exam_session_id: str,
    kind: str,
    candidate_id: str | None,
    reason: str,
    actor: str,
) -> IssuedDocument:
    """Issues the next version of a document (the current state, rendered and stored)."""
    for attempt in (1, 2):  # two issues at once: the second takes the next number
        try:
            return await _issue_once(ctx, exam_session_id, kind, candidate_id, reason, actor)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def _issue_once(
    ctx: AppContext,
    exam_session_id: str,
    kind: str,
    candidate_id: str | None,
    reason: str,
    actor: str,
) -> IssuedDocument:
    why = " ".join(reason.split()) or "Émission"
    async with ctx.db.session() as session:
        subject = await _check_subject(session, exam_session_id, kind, candidate_id)
        last = await session.scalar(
            select(func.max(IssuedDocument.version)).where(
                IssuedDocument.exam_session_id == exam_session_id,
                IssuedDocument.kind == kind,
                IssuedDocument.subject == subject,
            )
        )
        version = (last or 0) + 1
        stamp = Stamp(version, ctx.clock.now(), last, why)
        try:
            target = exam_session_id if subject == SESSION else subject
            content = await KINDS[kind].render(ctx, session, target, stamp)
        except (CertificationRefused, OutcomeError) as exc:
            raise DocumentRefused(f"{KINDS[kind].label} non émis : {exc}") from None
        doc = IssuedDocument(
            exam_session_id=exam_session_id,
            kind=kind,
            subject=subject,
            version=version,
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            issued_at=stamp.issued_at,
            issued_by=actor,
            reason=why[:500],
        )
        session.add(doc)
        await audit.record(
            session,
            clock=ctx.clock,
            actor=actor,
            action="document.issue",
            exam_session_id=exam_session_id,
            subject=None if subject == SESSION else subject,
            details={
                "kind": kind,
                "version": version,
                "sha256": doc.sha256,
                "replaces": last,
                "reason": doc.reason,
            },
        )
        await session.commit()
        return doc


async def reissue_after_change(
    ctx: AppContext,
    *,
    exam_session_id: str,
    candidate_ids: list[str],
    reason: str,
    actor: str,
) -> list[IssuedDocument]:
    """After a correction: a new version of each issued session document (they name everyone)
    and of the issued documents of `candidate_ids`. A document that can no longer be made (e.g.
    a livret without any CCP) is skipped: its earlier versions stay."""
    async with ctx.db.session() as session:
        issued = await issued_list(session, exam_session_id)
    wanted = sorted(
        {
            (d.kind, d.subject)
            for d in issued
            if d.subject == SESSION or d.subject in set(candidate_ids)
        }
    )
    out = []
    for kind, subject in wanted:
        try:
            out.append(
                await issue(
                    ctx,
                    exam_session_id=exam_session_id,
                    kind=kind,
                    candidate_id=None if subject == SESSION else subject,
                    reason=reason,
                    actor=actor,
                )
            )
        except (DocumentRefused, NotFound):
            continue
    return out


async def overview(
    ctx: AppContext, session: AsyncSession, exam_session_id: str
) -> DocumentsOverview:
    """The organiser's documents tab: the session's documents and each candidate's, with
    every version issued, the decision or closure, and whether a livret can be made."""
    exam = await queries.get_exam(session, exam_session_id)
    versions: dict[tuple[str, str], list[IssuedOut]] = {}
    for doc in await issued_list(session, exam.id):
        versions.setdefault((doc.kind, doc.subject), []).append(issued_model(doc, ctx))
    base = f"/api/sessions/{exam.id}/documents"
    candidates: list[CandidateDocuments] = []
    for cand in await queries.candidates_of(session, exam.id):
        decision = await session.get(DecisionRow, cand.id)
        closure = (await timeline_service.load(ctx, session, cand.id)).closure
        try:
            await certification.livret(ctx, session, cand.id)
            livret = None
        except (CertificationRefused, OutcomeError) as exc:
            livret = str(exc)
        cbase = f"/api/candidates/{cand.id}/documents"
        candidates.append(
            CandidateDocuments(
                id=cand.id,
                name=cand.display_name,
                pathway_label=cand.pathway_label,
                decision=(decision.data or {}).get("outcome") if decision else None,
                decision_label=_decision_label(decision, closure),
                livret_unavailable=livret,
                previews={"grille": f"{cbase}/grille.pdf", "livret": f"{cbase}/livret.pdf"},
                archive=f"{cbase}/archive.zip",
                issued={
                    k: versions.get((k, cand.id), [])
                    for k, spec in KINDS.items()
                    if spec.per_candidate
                },
            )
        )
    return DocumentsOverview(
        session_id=exam.id,
        kinds={k: v.label for k, v in KINDS.items()},
        session=SessionDocuments(
            previews={"pv": f"{base}/pv.pdf", "resultats": f"{base}/resultats.pdf"},
            archive=f"{base}/archive.zip",
            issued={
                k: versions.get((k, SESSION), [])
                for k, spec in KINDS.items()
                if not spec.per_candidate
            },
        ),
        candidates=candidates,
    )


def _decision_label(decision: Any, closure: Any) -> str:
    if decision is not None:
        d = Decision.model_validate(decision.data)
        version = decision.deliberation_version
        return f"{d.outcome.label} — {d.document.label} (délibération v{version})"
    if closure is not None:
        return f"Épreuve close : {closure.reason_label}"
    return "Pas encore de décision"

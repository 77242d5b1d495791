"""A seat's evidence: the exam parts that took place (derived from the timeline) and the
pieces of the file the organiser or the jury declares. A change of the pieces after a signature
voids it (a new version with the same proposal waits for both jurors)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.certification.errors import CertificationRefused
from server.certification.events import EvidenceChanged, EvidenceOut
from server.certification.models import DeclaredEvidence
from server.core import audit
from server.core.context import AppContext
from server.core.db import insert_or_theirs
from server.core.events import jury_audience, staff_audience
from server.core.identity import Principal
from server.core.referential import EvidenceKind, PhaseKind
from server.evaluation import deliberation as deliberations
from server.evaluation import signing
from server.evaluation.events import DeliberationChanged, DeliberationOut, to_jury
from server.evaluation.payloads import DeliberationPayload
from server.exams import queries, timeline_service
from server.exams.models import Candidate
from server.outcomes import (
    SessionEvidence,
)

# The exam parts that took place, read from the timeline: the practical part went through
# the calls and the writing phase; the interviews were closed by the jury.
DERIVED = {
    PhaseKind.REDACTION: EvidenceKind.MISE_EN_SITUATION,
    PhaseKind.ENTRETIEN_TECHNIQUE: EvidenceKind.ENTRETIEN_TECHNIQUE,
    PhaseKind.ENTRETIEN_FINAL: EvidenceKind.ENTRETIEN_FINAL,
}


# Pieces of the file, and the final interview held at the session of the last CCP (the CCP
# formats have no such phase in their timeline: the jury declares it).
DECLARABLE = {
    EvidenceKind.DOSSIER_PROFESSIONNEL,
    EvidenceKind.RESULTATS_FORMATION,
    EvidenceKind.LIVRET_CERTIFICATION,
    EvidenceKind.PRESENTATION_PROJET,
    EvidenceKind.ENTRETIEN_FINAL,
}


async def declare(
    ctx: AppContext,
    principal: Principal,
    candidate_id: str,
    kinds: list[str],
    from_training: bool | None,
) -> dict[str, Any]:
    try:
        chosen = sorted({EvidenceKind(k) for k in kinds})
    except ValueError as exc:
        raise CertificationRefused(f"Pièce inconnue : {exc}") from None
    if not set(chosen) <= DECLARABLE:
        raise CertificationRefused(
            "Seules les pièces du dossier se déclarent ; les épreuves "
            "passées se lisent dans le déroulé de l'examen."
        )
    changed: list[DeliberationPayload] = []
    async with deliberations.one_writer(), ctx.db.session() as session:
        candidate = await queries.get_candidate(session, candidate_id)
        now = ctx.clock.now()
        row = await session.get(DeclaredEvidence, candidate_id)
        before = (sorted(row.kinds), row.from_training) if row is not None else ([], None)
        if row is None:
            first = DeclaredEvidence(
                candidate_id=candidate_id,
                kinds=[k.value for k in chosen],
                from_training=from_training,
                updated_at=now,
            )
            # The other juror's first declaration may land between the read and this write:
            # the key refuses this row (rolled back) and this one is written over theirs, as
            # a later declaration would be — what they declared is compared below.
            written, inserted = await insert_or_theirs(session, first)
            row = written
            if not inserted:
                candidate = await queries.get_candidate(session, candidate_id)  # read again
                before = (sorted(row.kinds), row.from_training)
        row.kinds, row.from_training = [k.value for k in chosen], from_training
        row.updated_at = now
        await audit.record(
            session,
            clock=ctx.clock,
            actor=principal.actor,
            action="certification.evidence",
            exam_session_id=candidate.exam_session_id,
            subject=candidate_id,
            details={"kinds": row.kinds, "from_training": from_training},
        )
        if before != (sorted(row.kinds), from_training):
            changed = await _pieces_changed(ctx, session, candidate, principal)
        await session.commit()
    out_evidence = {"kinds": row.kinds, "from_training": from_training}
    ctx.bus.publish(
        [jury_audience(candidate_id), staff_audience(candidate.exam_session_id)],
        EvidenceChanged(
            candidate_id=candidate_id, evidence=EvidenceOut.model_validate(out_evidence)
        ),
    )
    for out in changed:
        to_jury(
            ctx,
            candidate_id,
            DeliberationChanged(
                candidate_id=candidate_id, deliberation=DeliberationOut.model_validate(out)
            ),
        )
    return out_evidence


async def _pieces_changed(
    ctx: AppContext, session: AsyncSession, candidate: Candidate, principal: Principal
) -> list[DeliberationPayload]:
    """The pieces of the file are part of what a signature covers: a change after a signature
    voids every signature of the version (or, after the lock, needs a new signed version) —
    a new version with the same proposal waits for both jurors."""
    versions = await deliberations.deliberations(session, candidate.participant_id)
    current = versions[-1] if versions else None
    if current is None or not current.signatures:
        return []
    new = await signing.supersede(
        ctx,
        session,
        candidate,
        current,
        proposal=current.proposal,
        reason=f"pièces du dossier modifiées après signature par {principal.display_name}",
        actor=principal.actor,
        now=ctx.clock.now(),
    )
    return [deliberations.deliberation_out(current), deliberations.deliberation_out(new)]


async def evidence_of(
    ctx: AppContext, session: AsyncSession, candidate_id: str
) -> tuple[SessionEvidence, bool | None]:
    state = (await timeline_service.load(ctx, session, candidate_id)).state()
    present = {
        DERIVED[p.phase] for p in state.phases if p.phase in DERIVED and p.ended_at is not None
    }
    declared = await session.get(DeclaredEvidence, candidate_id)
    if declared is not None:
        present |= {EvidenceKind(k) for k in declared.kinds}
    return SessionEvidence(present=frozenset(present)), (
        declared.from_training if declared else None
    )

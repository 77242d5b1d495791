"""A seat's evidence: the exam parts that took place (derived from the timeline) and the
pieces of the file the organiser or the jury declares. A change of the pieces after a signature
voids it (a new version with the same proposal waits for both jurors).

Two jurors may change the pieces at the same instant: a page sends the pieces it shows and
those it showed when the juror began (`base`), and only the juror's own changes are applied
to what is stored then — the other juror's tick is not undone. The row counts its writes
(`revision`): a write based on a reading that another write overtook is made again on a new
reading, never over it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

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


ATTEMPTS = 5  # readings a declaration is made on before it gives up (the other juror's
# writes overtaking it each time)


@dataclass(frozen=True)
class Declared:
    """The pieces declared and whether the candidate came from a training course."""

    kinds: frozenset[EvidenceKind]
    from_training: bool | None

    @classmethod
    def of(cls, kinds: list[str], from_training: bool | None) -> Declared:
        try:
            chosen = frozenset(EvidenceKind(k) for k in kinds)
        except ValueError:
            raise CertificationRefused(
                "Pièce inconnue : choisissez parmi les pièces du dossier proposées."
            ) from None
        if not chosen <= DECLARABLE:
            raise CertificationRefused(
                "Seules les pièces du dossier se déclarent ; les épreuves "
                "passées se lisent dans le déroulé de l'examen."
            )
        return cls(chosen, from_training)

    @classmethod
    def of_row(cls, row: DeclaredEvidence | None) -> Declared:
        if row is None:
            return cls(frozenset(), None)
        return cls(frozenset(EvidenceKind(k) for k in row.kinds), row.from_training)

    def values(self) -> list[str]:
        return sorted(k.value for k in self.kinds)

    def with_changes(self, mine: Declared, base: Declared | None) -> Declared:
        """What is stored (self) with the juror's changes from `base` to `mine` applied: the
        pieces they ticked or unticked, the training if they changed it. No base: `mine`."""
        if base is None:
            return mine
        kinds = (self.kinds | (mine.kinds - base.kinds)) - (base.kinds - mine.kinds)
        training = self.from_training
        if mine.from_training != base.from_training:
            training = mine.from_training
        return Declared(kinds, training)


async def stored_declaration(session: AsyncSession, candidate_id: str) -> DeclaredEvidence | None:
    return await session.get(DeclaredEvidence, candidate_id)


async def declare(
    ctx: AppContext,
    principal: Principal,
    candidate_id: str,
    kinds: list[str],
    from_training: bool | None,
    *,
    base: tuple[list[str], bool | None] | None = None,
) -> EvidenceOut:
    """Declares the pieces: `kinds` and `from_training` as the juror's page shows them and,
    with `base`, as it showed them when the juror began (only their changes are applied)."""
    mine = Declared.of(kinds, from_training)
    based_on = Declared.of(*base) if base is not None else None
    for _ in range(ATTEMPTS - 1):
        with contextlib.suppress(deliberations.StaleDeliberation):  # overtaken: read again
            return await _declare_once(ctx, principal, candidate_id, mine, based_on)
    return await _declare_once(ctx, principal, candidate_id, mine, based_on)  # or refused


async def _declare_once(
    ctx: AppContext,
    principal: Principal,
    candidate_id: str,
    mine: Declared,
    base: Declared | None,
) -> EvidenceOut:
    changed: list[DeliberationPayload] = []
    async with deliberations.one_writer(), ctx.db.session() as session:
        candidate = await queries.get_candidate(session, candidate_id)
        now = ctx.clock.now()
        row = await stored_declaration(session, candidate_id)
        before = Declared.of_row(row)
        if row is None:
            first_after = before.with_changes(mine, base)
            first = DeclaredEvidence(
                candidate_id=candidate_id,
                kinds=first_after.values(),
                from_training=first_after.from_training,
                updated_at=now,
            )
            # The other juror's first declaration may land between the read and this write:
            # the key refuses this row (rolled back) and the changes are applied to theirs, as
            # to a later declaration — what they declared is compared below.
            written, inserted = await insert_or_theirs(session, first)
            row = written
            if not inserted:
                candidate = await queries.get_candidate(session, candidate_id)  # read again
                before = Declared.of_row(row)
        after = before.with_changes(mine, base)
        row.kinds, row.from_training = after.values(), after.from_training
        row.updated_at = now
        await audit.record(
            session,
            clock=ctx.clock,
            actor=principal.actor,
            action="certification.evidence",
            exam_session_id=candidate.exam_session_id,
            subject=candidate_id,
            details={"kinds": row.kinds, "from_training": after.from_training},
        )
        if before != after:
            changed = await _pieces_changed(ctx, session, candidate, principal)
        await session.commit()
    out_evidence = EvidenceOut(kinds=row.kinds, from_training=after.from_training)
    ctx.bus.publish(
        [jury_audience(candidate_id), staff_audience(candidate.exam_session_id)],
        EvidenceChanged(candidate_id=candidate_id, evidence=out_evidence),
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

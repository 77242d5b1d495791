"""The decision the outcomes engine takes from a deliberation version: recorded when both
jurors sign (no lock without a valid decision), bound by the signatures (`seal_part`: the
pieces and the decision, or what keeps the rules from deciding), previewed before, and taken
again for the last signed version when the seat's person changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.certification.closure import refuse_if_no_decision
from server.certification.errors import CertificationRefused
from server.certification.events import DecisionTaken
from server.certification.evidence import evidence_of
from server.certification.models import DecisionRow, DeclaredEvidence, Person
from server.certification.persons import person_of, record_of
from server.certification.schemas import DecisionOut
from server.core import audit
from server.core.context import AppContext
from server.core.events import jury_audience, staff_audience
from server.core.identity import Principal
from server.core.referential import Pathway
from server.evaluation import deliberation as deliberations
from server.evaluation import signing
from server.evaluation.events import DeliberationChanged, DeliberationOut, to_jury
from server.evaluation.models import Deliberation
from server.evaluation.payloads import Proposal
from server.exams import queries
from server.exams.models import Candidate
from server.outcomes import (
    CandidateRecord,
    Decision,
    JuryProposal,
    MissingEvidence,
    OutcomeError,
    decide,
    sitting_for_format,
)


async def _decide(
    ctx: AppContext,
    session: AsyncSession,
    candidate: Candidate,
    proposal: Proposal,
    *,
    create: bool = True,
) -> tuple[Decision, Person | None]:
    """The decision the outcomes engine takes from this proposal, or CertificationRefused.
    `create=False`: no person is created for a seat without one (an empty record)."""
    await refuse_if_no_decision(ctx, session, candidate.participant_id)  # a closed exam
    exam = await queries.get_exam(session, candidate.exam_session_id)
    title = ctx.titles[exam.title_id]
    person = await person_of(ctx, session, candidate, create=create)
    record = (
        await record_of(session, person, exclude=candidate.participant_id)
        if person is not None
        else CandidateRecord(candidate_id="")
    )
    evidence, from_training = await evidence_of(ctx, session, candidate.participant_id)
    pathway = Pathway(candidate.pathway)
    if from_training is None and pathway is Pathway.FORMATION_CONTINUE:
        from_training = True
    try:
        decision = decide(
            title,
            pathway=pathway,
            sitting=sitting_for_format(title, exam.format_id, session_id=exam.id, day=exam.day),
            record=record,
            evidence=evidence,
            proposal=JuryProposal(
                ccps=proposal.get("ccps", {}), title=proposal.get("title") == "obtenu"
            ),
            from_training=from_training,
        )
    except MissingEvidence as exc:
        raise CertificationRefused(str(exc), exc.missing) from None
    except OutcomeError as exc:
        raise CertificationRefused(str(exc)) from None
    return decision, person


async def _record_decision(
    ctx: AppContext,
    session: AsyncSession,
    candidate: Candidate,
    version: Deliberation,
    actor: str,
) -> dict[str, Any]:
    decision, person = await _decide(ctx, session, candidate, version.proposal)
    assert person is not None
    row = await session.get(DecisionRow, candidate.participant_id)
    before = (
        {"version": row.deliberation_version, "outcome": row.outcome} if row is not None else None
    )
    if row is None:
        row = DecisionRow(candidate_id=candidate.participant_id)
        session.add(row)
    row.outcome, row.document = decision.outcome.value, decision.document.value
    row.data = decision.model_dump(mode="json")
    row.deliberation_version, row.decided_at = version.version, ctx.clock.now()
    await audit.record(
        session,
        clock=ctx.clock,
        actor=actor,
        action="certification.decision",
        exam_session_id=candidate.exam_session_id,
        subject=candidate.participant_id,
        details={
            "version": version.version,
            "outcome": decision.outcome.value,
            "document": decision.document.value,
            "granted": [g.ccp for g in decision.granted],
            "person": person.id,
            "replaces": before,
        },
    )
    return decision_out(decision, person.id, version.version)


async def on_lock(
    ctx: AppContext, session: AsyncSession, candidate: Candidate, version: Deliberation, actor: str
) -> deliberations.AfterCommit:
    """Contributed to the deliberation's lock checks: no lock without a valid decision."""
    out = await _record_decision(ctx, session, candidate, version, actor)

    def announce() -> None:
        ctx.bus.publish(
            [jury_audience(candidate.participant_id), staff_audience(candidate.exam_session_id)],
            DecisionTaken(
                candidate_id=candidate.participant_id, decision=DecisionOut.model_validate(out)
            ),
        )

    return announce


async def seal_part(
    ctx: AppContext, session: AsyncSession, candidate: Candidate, proposal: Proposal
) -> tuple[dict[str, Any], list[signing.Blocking]]:
    """What a signature binds besides the proposal: the pieces of the file the jury has (from
    the timeline and declared) and the decision the rules take; or what keeps the rules from
    deciding (each missing piece, or the rule that refuses)."""
    evidence, from_training = await evidence_of(ctx, session, candidate.participant_id)
    declared = await session.get(DeclaredEvidence, candidate.participant_id)
    pieces = {
        "present": sorted(k.value for k in evidence.present),
        "declared": sorted(declared.kinds) if declared else [],
        "from_training": from_training,
    }
    try:
        decision, _ = await _decide(ctx, session, candidate, proposal, create=False)
    except CertificationRefused as exc:
        missing = exc.extra.get("missing", [])
        blocking: list[signing.Blocking] = [
            {
                "kind": "piece",
                "code": m["any_of"][0],
                "text": f"Manque : {m['label']}.",
                "any_of": m["any_of"],  # CertificationRefused.extra's missing pieces
                "label": m["label"],
            }
            for m in missing
        ]
        if not missing:
            blocking.append({"kind": "rule", "code": None, "text": str(exc)})
        return {"pieces": pieces, "decision": None}, blocking
    bound = decision.model_dump(mode="json", exclude={"candidate_id"})
    return {"pieces": pieces, "decision": bound}, []


async def retake_decision(
    ctx: AppContext, principal: Principal, candidate_id: str
) -> dict[str, Any]:
    """Takes again the decision of the last signed version (e.g. after the seat was linked to
    a person whose earlier CCPs now count). The signatures covered the decision the rules took
    then: when they now take another, nothing is recorded — a new version with the same
    proposal waits for both jurors, and the decision in force stays the signed one."""
    async with deliberations.one_writer(), ctx.db.session() as session:
        candidate = await queries.get_candidate(session, candidate_id)
        version = await deliberations.signed(session, candidate_id)
        if version is None:
            raise CertificationRefused("La délibération n'est pas signée par les deux jurés.")
        signed_decision = (version.bound or {}).get("decision")
        if signed_decision is not None:
            now, _ = await _decide(ctx, session, candidate, version.proposal, create=False)
            if now.model_dump(mode="json", exclude={"candidate_id"}) != signed_decision:
                await _decision_changed(ctx, session, candidate, version, principal)
        out = await _record_decision(ctx, session, candidate, version, principal.actor)
        await session.commit()
    ctx.bus.publish(
        [jury_audience(candidate_id), staff_audience(candidate.exam_session_id)],
        DecisionTaken(candidate_id=candidate_id, decision=DecisionOut.model_validate(out)),
    )
    return out


async def _decision_changed(
    ctx: AppContext,
    session: AsyncSession,
    candidate: Candidate,
    version: Deliberation,
    principal: Principal,
) -> None:
    """The rules no longer take the decision both jurors signed: a new version for them to
    sign (committed), and the retake refused."""
    versions = await deliberations.deliberations(session, candidate.participant_id)
    latest = versions[-1]
    if latest.version == version.version:
        latest = await signing.supersede(
            ctx,
            session,
            candidate,
            version,
            proposal=version.proposal,
            reason=f"décision des règles changée depuis les signatures ({principal.display_name})",
            actor=principal.actor,
            now=ctx.clock.now(),
        )
    await session.commit()
    cid = candidate.participant_id
    out = deliberations.deliberation_out(latest)
    to_jury(
        ctx,
        cid,
        DeliberationChanged(candidate_id=cid, deliberation=DeliberationOut.model_validate(out)),
    )
    raise CertificationRefused(
        f"La décision que les règles prennent aujourd'hui n'est plus celle que les jurés ont "
        f"signée (version {version.version}) : rien n'est enregistré, la version "
        f"{latest.version} attend leurs signatures. La décision en vigueur reste celle de la "
        f"version {version.version}."
    )


async def preview(ctx: AppContext, session: AsyncSession, candidate_id: str) -> dict[str, Any]:
    """What the current (possibly unsigned) version would decide, or why it would be
    refused: the jury sees the missing evidence before signing."""
    candidate = await queries.get_candidate(session, candidate_id)
    versions = await deliberations.deliberations(session, candidate_id)
    if not versions:
        return {"version": None, "ok": False, "refused": "Aucune proposition.", "missing": []}
    version, proposal = versions[-1].version, versions[-1].proposal
    try:
        decision, person = await _decide(ctx, session, candidate, proposal)
        assert person is not None
        out = decision_out(decision, person.id, version)
    except CertificationRefused as exc:
        return {
            "version": version,
            "ok": False,
            "refused": str(exc),
            "missing": exc.extra.get("missing", []),
        }
    finally:
        await session.rollback()  # nothing of a preview is kept (e.g. a person created)
    return {"version": version, "ok": True, "decision": out}


def decision_out(decision: Decision, person_id: str, version: int) -> dict[str, Any]:
    return {
        **decision.model_dump(mode="json"),
        "person_id": person_id,
        "deliberation_version": version,
        "outcome_label": decision.outcome.label,
        "document": decision.document.value,
        "document_label": decision.document.label,
    }

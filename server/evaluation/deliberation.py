"""The jury's deliberation for one candidate: a proposal per competence, per CCP and for the
title, with a justification; versioned. Both jurors of the candidate (the client and the
observer) sign it; once both signed, the version is locked and any later change is a new
version (n + 1, the previous one kept) that needs both signatures again. Every proposal and
signature is audit-logged.

A signature covers exactly what was signed (`signing`): the proposal, the pieces of the file
and the decision, sealed with a SHA-256 at the first signature. Nobody signs before the rules
can decide (every competence proposed « acquise » evaluated or its reason written, no piece
missing); a change after a signature (a new proposal, a piece ticked) voids every signature
and makes a new version.

Before the second signature locks a version, the checks the app wired in at `LOCK_CHECK`
(`ctx.wiring`) run in the same transaction (the certification package contributes the
decision through the outcomes engine: a decision whose required evidence is missing refuses
the signature, saying which)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from enum import Enum
from typing import Any, Final, TypedDict

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from server.core import audit
from server.core.context import AppContext
from server.core.identity import Capacity, Principal
from server.core.referential import ExamFormat
from server.core.wiring import HookPoint
from server.evaluation import signing
from server.evaluation.events import DeliberationChanged, DeliberationOut, to_jury
from server.evaluation.models import Deliberation
from server.evaluation.payloads import DeliberationPayload, Proposal
from server.evaluation.service import EvaluationRefused, seat
from server.exams.models import Candidate, JuryAssignment
from server.exams.queries import NotFound

# A check before a deliberation locks, contributed by other packages (certification: no lock
# without a valid decision): (ctx, session, candidate, the version about to be locked, actor)
# → an optional callback to run after the commit (e.g. publish an event). Raise to refuse
# the signature.
AfterCommit = Callable[[], None]
LockCheck = Callable[
    [AppContext, AsyncSession, Candidate, Deliberation, str], Awaitable[AfterCommit | None]
]
LOCK_CHECK: HookPoint[LockCheck] = HookPoint("lock_checks")

TITLE_OUTCOMES = {
    "obtenu": "Titre obtenu",
    "ccp_seulement": "CCP seulement",
    "non_obtenu": "Non obtenu",
}
COMPETENCE_OUTCOMES = {"acquise": "Acquise", "non_acquise": "Non acquise"}
MAX_JUSTIFICATION = 20_000
MAX_REASON = 2_000


class AnyBase(Enum):
    """A base the caller did not give: no check (scripts, the organiser's tools)."""

    ANY = "any"


ANY_BASE: Final = AnyBase.ANY
# The version a juror's form or signature is about ({version, proposal}; None: they saw none).
Base = dict[str, Any] | None | AnyBase


def deliberation_out(d: Deliberation) -> DeliberationPayload:
    return {
        "id": d.id,
        "version": d.version,
        "proposal": d.proposal,
        "created_by": d.created_by,
        "created_at": d.created_at.isoformat(),
        "signatures": d.signatures,
        "locked": d.locked_at is not None,
        "locked_at": d.locked_at.isoformat() if d.locked_at else None,
        "seal": d.seal,
        "signed_seals": d.signed_seals or {},
        "bound": d.bound,
        "voided": d.voided_at is not None,
        "voided_at": d.voided_at.isoformat() if d.voided_at else None,
        "voided_reason": d.voided_reason,
    }


async def deliberations(session: AsyncSession, candidate_id: str) -> list[Deliberation]:
    return list(
        await session.scalars(
            select(Deliberation)
            .where(Deliberation.candidate_id == candidate_id)
            .order_by(Deliberation.version)
        )
    )


async def signed(session: AsyncSession, candidate_id: str) -> Deliberation | None:
    """The last version both jurors signed, if any."""
    locked = [d for d in await deliberations(session, candidate_id) if d.locked_at is not None]
    return locked[-1] if locked else None


async def jurors_of(session: AsyncSession, candidate_id: str) -> dict[str, str]:
    """capacity (client/observer) → juror id."""
    rows = await session.execute(
        select(JuryAssignment.capacity, JuryAssignment.juror_id).where(
            JuryAssignment.candidate_id == candidate_id
        )
    )
    return {capacity: juror for capacity, juror in rows}


def _ccp_value(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"obtenu": True, "non_obtenu": False}.get(value) if isinstance(value, str) else None


def validate_proposal(exam_format: ExamFormat, proposal: dict[str, Any]) -> Proposal:
    """The proposal, normalised; or EvaluationRefused naming what is missing or inconsistent."""
    competences = proposal.get("competences") or {}
    ccps = proposal.get("ccps") or {}
    outcome = proposal.get("title")
    justification = str(proposal.get("justification") or "").strip()
    if not isinstance(competences, dict) or not isinstance(ccps, dict):
        raise EvaluationRefused("Proposition : « competences » et « ccps » sont des tableaux.")
    missing = [c for c in exam_format.practical if competences.get(c) not in COMPETENCE_OUTCOMES]
    if missing:
        raise EvaluationRefused(
            f"Proposition incomplète : compétences {', '.join(missing)} "
            "(acquise ou non_acquise pour chacune)."
        )
    decided = {c: _ccp_value(ccps.get(c)) for c in exam_format.ccps}
    missing = [c for c, v in decided.items() if v is None]
    if missing:
        raise EvaluationRefused(
            f"Proposition incomplète : {', '.join(missing)} (obtenu ou non_obtenu)."
        )
    # The title is decided at a title session, or at the session of the last CCP (after the
    # final interview): optional at a CCP session.
    if (exam_format.has_final_interview or outcome is not None) and outcome not in TITLE_OUTCOMES:
        raise EvaluationRefused("Proposition pour le titre : obtenu, ccp_seulement ou non_obtenu.")
    granted = [c for c, v in decided.items() if v]
    if outcome == "obtenu" and len(granted) < len(decided):
        raise EvaluationRefused("Le titre ne peut être proposé sans tous les CCP évalués.")
    if outcome == "ccp_seulement" and not granted:
        raise EvaluationRefused("« CCP seulement » : au moins un CCP est proposé obtenu.")
    if outcome == "non_obtenu" and granted:
        raise EvaluationRefused(
            "« Non obtenu » contredit les CCP proposés obtenus : choisir « CCP seulement »."
        )
    if not justification:
        raise EvaluationRefused("La justification est obligatoire.")
    if len(justification) > MAX_JUSTIFICATION:
        raise EvaluationRefused("La justification est trop longue.")
    chosen = {c: str(competences[c]) for c in exam_format.practical}
    out: Proposal = {
        "competences": chosen,
        "ccps": {c: bool(v) for c, v in decided.items()},
        "title": outcome,
        "justification": justification,
    }
    reasons = _reasons(exam_format, proposal.get("reasons"), chosen)
    if reasons:
        out["reasons"] = reasons
    return out


def _reasons(exam_format: ExamFormat, raw: Any, competences: dict[str, str]) -> dict[str, str]:
    """Why a competence is proposed « acquise » without any criterion observed: kept only for
    competences proposed acquise, trimmed."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise EvaluationRefused("Proposition : « reasons » est un tableau compétence → motif.")
    out = {}
    for code, text in raw.items():
        if code not in exam_format.practical:
            raise EvaluationRefused(f"Motif pour une compétence hors de ce format : {code}.")
        reason = str(text or "").strip()
        if len(reason) > MAX_REASON:
            raise EvaluationRefused(f"Le motif de {code} est trop long ({MAX_REASON} caractères).")
        if reason and competences.get(code) == "acquise":
            out[code] = reason
    return out


class _Replaced(TypedDict):
    """What a proposal rewritten in place replaced (in the audit log)."""

    proposal: Proposal
    signatures: dict[str, str]


class StaleDeliberation(EvaluationRefused):
    """The version the juror saw is no longer the last one: nothing is written (HTTP 409)."""


WRITTEN_MEANWHILE = (
    "La délibération a été modifiée par l'autre juré au même moment : rien n'a été "
    "enregistré, rechargez-la."
)


@asynccontextmanager
async def one_writer() -> AsyncIterator[None]:
    """Around a transaction that writes the deliberation after reading it: if another writer
    wrote in between, nothing is written and the juror is told (StaleDeliberation, HTTP 409).
    In between means: an UPDATE of a version whose `revision` changed since it was read, or a
    new version whose number another writer took (the key candidate × version)."""
    try:
        yield
    except StaleDataError as exc:
        raise StaleDeliberation(WRITTEN_MEANWHILE) from exc
    except IntegrityError as exc:
        if "deliberations" not in str(exc.orig):  # the key of the versions, as both databases
            raise  # name it; another table's refusal is not this race
        raise StaleDeliberation(WRITTEN_MEANWHILE) from exc


def check_base(current: Deliberation | None, base: Base) -> None:
    """`base` is the version the juror's form or signature is about ({version, proposal}, or
    None when they saw none): refused if the other juror changed it meanwhile."""
    if base is AnyBase.ANY:
        return
    if current is None and base is None:
        return
    if (
        current is not None
        and base is not None
        and base.get("version") == current.version
        and base.get("proposal") == current.proposal
    ):
        return
    seen = f"la version {current.version}" if current is not None else "aucune version"
    raise StaleDeliberation(
        f"La délibération a été modifiée par l'autre juré entre-temps ({seen} est la "
        "dernière) : rien n'a été enregistré, rechargez-la."
    )


async def propose(
    ctx: AppContext,
    principal: Principal,
    candidate_id: str,
    proposal: dict[str, Any],
    base: Base = ANY_BASE,
) -> DeliberationPayload:
    """Writes the proposal into the current unsigned version (its signatures are cleared:
    they signed something else), or as a new version when the last one is locked. With a
    `base`, refused (StaleDeliberation) unless it is still the last version."""
    voided: Deliberation | None = None
    async with one_writer(), ctx.db.session() as session:
        s = await seat(ctx, session, candidate_id)
        clean = validate_proposal(s.exam_format, proposal)
        gaps = signing.unevaluated(s, await signing.mark_facts(session, candidate_id), clean)
        if gaps:
            codes = ", ".join(g["code"] or "" for g in gaps)  # competences: a code each
            raise EvaluationRefused(
                f"Compétence(s) proposée(s) acquise(s) sans évaluation : {codes}. Aucun critère "
                "n'en a été observé dans une simulation, un écrit ou l'entretien technique : "
                "notez-les dans la grille, ou écrivez pour chacune pourquoi elle est acquise."
            )
        versions = await deliberations(session, candidate_id)
        current = versions[-1] if versions else None
        check_base(current, base)
        now = ctx.clock.now()
        replaced: _Replaced | None = None
        if current is not None and current.locked_at is None and current.signatures:
            # Signed, then changed: every signature is void, the change is a new version.
            voided = current
            current = await signing.supersede(
                ctx,
                session,
                s.candidate,
                current,
                proposal=clean,
                reason=f"proposition modifiée après signature par {principal.display_name}",
                actor=principal.actor,
                now=now,
            )
        elif current is None or current.locked_at is not None:
            current = Deliberation(
                candidate_id=candidate_id,
                version=(current.version + 1) if current else 1,
                proposal=clean,
                created_by=principal.actor,
                created_at=now,
                signatures={},
            )
            session.add(current)
        else:
            replaced = {"proposal": current.proposal, "signatures": current.signatures}
            current.proposal, current.signatures = clean, {}
        await audit.record(
            session,
            clock=ctx.clock,
            actor=principal.actor,
            action="deliberation.propose",
            exam_session_id=s.candidate.exam_session_id,
            subject=candidate_id,
            details={"version": current.version, "proposal": clean, "replaced": replaced},
        )
        await session.commit()
        out = deliberation_out(current)
        before = deliberation_out(voided) if voided is not None else None
    if before is not None:
        to_jury(
            ctx,
            candidate_id,
            DeliberationChanged(
                candidate_id=candidate_id, deliberation=DeliberationOut.model_validate(before)
            ),
        )
    to_jury(
        ctx,
        candidate_id,
        DeliberationChanged(
            candidate_id=candidate_id, deliberation=DeliberationOut.model_validate(out)
        ),
    )
    return out


def _lock_ready(jurors: dict[str, str], signatures: dict[str, str]) -> bool:
    both = {Capacity.CLIENT.value, Capacity.OBSERVER.value}
    return both <= set(jurors) and all(jurors[c] in signatures for c in both)


async def sign(
    ctx: AppContext,
    principal: Principal,
    candidate_id: str,
    base: Base = ANY_BASE,
) -> DeliberationPayload:
    """The signing juror's signature on the current version; the second one locks it (after
    the lock checks). With a `base`, refused unless it is what the juror read."""
    after: list[AfterCommit] = []
    async with one_writer(), ctx.db.session() as session:
        candidate = await session.get(Candidate, candidate_id)
        if candidate is None:
            raise NotFound("Candidat introuvable.")
        versions = await deliberations(session, candidate_id)
        if not versions:
            raise EvaluationRefused("Aucune proposition à signer.")
        current = versions[-1]
        check_base(current, base)
        if current.locked_at is not None:
            raise EvaluationRefused(
                f"La version {current.version} est déjà signée par les deux jurés ; "
                "une modification crée une nouvelle version."
            )
        jurors = await jurors_of(session, candidate_id)
        if principal.subject_id not in jurors.values():
            raise EvaluationRefused("Seuls les jurés du candidat signent la délibération.")
        if principal.subject_id in current.signatures:
            return deliberation_out(current)
        now: datetime = ctx.clock.now()
        ready = await signing.readiness(ctx, session, candidate, current)
        if not ready.ok or ready.seal is None:  # ok: a seal
            await session.rollback()  # nothing a look at the rules created is kept
            raise signing.NotReady(ready)
        if current.signatures and ready.seal != current.seal:
            await _void_on_change(ctx, session, candidate, current, ready, principal, now)
        if not current.signatures:
            current.bound, current.seal = ready.bound, ready.seal
        current.signatures = {**current.signatures, principal.subject_id: now.isoformat()}
        current.signed_seals = {**(current.signed_seals or {}), principal.subject_id: ready.seal}
        if _lock_ready(jurors, current.signatures):
            for check in ctx.wiring.hooks(LOCK_CHECK):
                done = await check(ctx, session, candidate, current, principal.actor)
                if done is not None:
                    after.append(done)
            current.locked_at = now
        await audit.record(
            session,
            clock=ctx.clock,
            actor=principal.actor,
            action="deliberation.sign",
            exam_session_id=candidate.exam_session_id,
            subject=candidate_id,
            details={
                "version": current.version,
                "locked": current.locked_at is not None,
                "seal": current.seal,
            },
        )
        await session.commit()
        out = deliberation_out(current)
    to_jury(
        ctx,
        candidate_id,
        DeliberationChanged(
            candidate_id=candidate_id, deliberation=DeliberationOut.model_validate(out)
        ),
    )
    for done in after:
        done()
    return out


async def _void_on_change(
    ctx: AppContext,
    session: AsyncSession,
    candidate: Candidate,
    current: Deliberation,
    ready: signing.Readiness,
    principal: Principal,
    now: datetime,
) -> None:
    """The second signature finds the signed content changed (a piece, the decision…): the
    first signature is void, a new version waits for both; committed, then refused."""
    what = signing.changes(current.bound, ready.bound)
    new = await signing.supersede(
        ctx,
        session,
        candidate,
        current,
        proposal=current.proposal,
        reason=f"contenu signé modifié avant la seconde signature ({what})",
        actor=principal.actor,
        now=now,
    )
    await session.commit()
    before, after = deliberation_out(current), deliberation_out(new)
    cid = candidate.participant_id
    for out in (before, after):
        to_jury(
            ctx,
            cid,
            DeliberationChanged(candidate_id=cid, deliberation=DeliberationOut.model_validate(out)),
        )
    raise signing.SignatureVoided(
        f"Ce que l'autre juré a signé a changé depuis ({what}) : sa signature de la version "
        f"{current.version} est annulée et la version {new.version} est créée. Relisez-la ; "
        "les deux jurés la signent.",
        after,
    )

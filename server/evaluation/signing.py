"""What a deliberation signature binds, and whether the rules can decide yet.

A signature covers exactly what was signed: the proposal, the pieces of the file the jury had
and the decision the rules take from them (`bound`, with its SHA-256, the `seal`). The first
signature fixes the seal of its version; the second is refused unless the same content gives
the same seal, and any change after a signature (a new proposal, a piece ticked or unticked)
voids every signature of that version and makes a new version (`supersede`).

Nobody signs before the rules can decide (`readiness`): every competence proposed « acquise »
was evaluated — at least one of its criteria observed (acquis or non acquis) in a simulation, a
written reply or the technical interview — or the jury wrote why (`reasons`); and the parts
the certification package contributes at `SEAL_PART` (the pieces, the decision) raise
nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NotRequired, TypedDict

from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit
from server.core.context import AppContext
from server.core.wiring import HookPoint
from server.evaluation import grid
from server.evaluation.models import Deliberation
from server.evaluation.payloads import DeliberationPayload, Proposal
from server.evaluation.service import EvaluationRefused, Seat, marks, seat
from server.exams.models import Candidate


# A reason the rules cannot decide yet: {"kind", "code", "text"} (French text), plus
# "any_of"/"label" for a missing piece of the file.
class Blocking(TypedDict):
    """What keeps the rules from deciding (HTTP: `schemas.BlockingOut`): a proposal, a
    competence or a piece of the file; `any_of` and `label` for a missing piece only."""

    kind: str
    code: str | None
    text: str
    any_of: NotRequired[list[str]]
    label: NotRequired[str]


class ReadinessPayload(TypedDict):
    """`Readiness.out` (HTTP: `schemas.ReadinessOut`)."""

    version: int | None
    can_sign: bool
    blocking: list[Blocking]
    bound: dict[str, Any] | None
    seal: str | None


# What a signature binds besides the proposal, contributed by other packages (certification:
# the pieces, the decision): (ctx, session, candidate, proposal) → (its part of what the
# signature binds, what blocks).
SealPart = Callable[
    [AppContext, AsyncSession, Candidate, Proposal],
    Awaitable[tuple[dict[str, Any], list[Blocking]]],
]
SEAL_PART: HookPoint[SealPart] = HookPoint("seal_parts")


def seal_of(bound: dict[str, Any]) -> str:
    canonical = json.dumps(bound, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Readiness:
    version: int | None
    blocking: list[Blocking]
    bound: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.bound is not None and not self.blocking

    @property
    def seal(self) -> str | None:
        return seal_of(self.bound) if self.bound is not None else None

    def out(self) -> ReadinessPayload:
        return {
            "version": self.version,
            "can_sign": self.ok,
            "blocking": self.blocking,
            "bound": self.bound,
            "seal": self.seal,
        }


class NotReady(EvaluationRefused):
    """A signature asked for before the rules can decide: nothing is written (HTTP 409)."""

    def __init__(self, readiness: Readiness) -> None:
        texts = [b["text"] for b in readiness.blocking]
        super().__init__(
            "Signature impossible : les règles ne peuvent pas encore décider. " + " ".join(texts)
        )
        self.extra = {
            "blocking": readiness.blocking,
            "missing": [
                {"any_of": b["any_of"], "label": b["label"]}
                for b in readiness.blocking
                if "any_of" in b
            ],
        }


class SignatureVoided(EvaluationRefused):
    """The signed content changed before the second signature: the first one is void and a
    new version waits for both (HTTP 409, the new version in `deliberation`)."""

    def __init__(self, message: str, version: DeliberationPayload) -> None:
        super().__init__(message)
        self.extra = {"deliberation": version}


def unevaluated(s: Seat, facts: list[grid.MarkFact], proposal: Proposal) -> list[Blocking]:
    """The competences proposed « acquise » with no criterion observed and no written reason."""
    status = grid.competence_status(facts)
    reasons = proposal.get("reasons") or {}
    out: list[Blocking] = []
    for code in s.exam_format.practical:
        if (proposal.get("competences") or {}).get(code) != "acquise":
            continue
        if status.get(code, grid.Status.NON_EVALUEE) is not grid.Status.NON_EVALUEE:
            continue
        if str(reasons.get(code) or "").strip():
            continue
        out.append(
            {
                "kind": "competence",
                "code": code,
                "text": (
                    f"{code} est proposée acquise sans avoir été évaluée : aucun de ses critères "
                    "n'est observé (simulation, écrit ou entretien technique). Notez-la dans la "
                    "grille ou écrivez pourquoi elle est acquise."
                ),
            }
        )
    return out


async def mark_facts(session: AsyncSession, candidate_id: str) -> list[grid.MarkFact]:
    return [
        grid.MarkFact(m.part, m.competence, m.criterion, grid.MarkValue(m.value))
        for m in await marks(session, candidate_id)
    ]


async def competence_gaps(
    ctx: AppContext, session: AsyncSession, candidate_id: str, proposal: Proposal
) -> list[Blocking]:
    s = await seat(ctx, session, candidate_id)
    return unevaluated(s, await mark_facts(session, candidate_id), proposal)


async def readiness(
    ctx: AppContext, session: AsyncSession, candidate: Candidate, version: Deliberation | None
) -> Readiness:
    """Whether `version` may be signed now and, if so, what a signature would bind. Reads
    only: the caller rolls back anything a part created while looking."""
    if version is None:
        text = "Aucune proposition enregistrée : rien à signer."
        return Readiness(None, [{"kind": "proposal", "code": None, "text": text}])
    if version.locked_at is not None:
        text = f"La version {version.version} est déjà signée par les deux jurés."
        return Readiness(version.version, [{"kind": "proposal", "code": None, "text": text}])
    proposal = version.proposal
    blocking = await competence_gaps(ctx, session, candidate.participant_id, proposal)
    bound: dict[str, Any] = {
        "candidate_id": candidate.participant_id,
        "version": version.version,
        "proposal": proposal,
    }
    for part in ctx.wiring.hooks(SEAL_PART):
        content, blocked = await part(ctx, session, candidate, proposal)
        bound.update(content)
        blocking += blocked
    return Readiness(version.version, blocking, bound)


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """In French, which parts of what was signed differ (« pièces du dossier, décision »)."""
    labels = {
        "proposal": "proposition",
        "pieces": "pièces du dossier",
        "decision": "décision des règles",
    }
    before, after = before or {}, after or {}
    names = [label for key, label in labels.items() if before.get(key) != after.get(key)]
    return ", ".join(names) or "contenu"


async def supersede(
    ctx: AppContext,
    session: AsyncSession,
    candidate: Candidate,
    current: Deliberation,
    *,
    proposal: Proposal,
    reason: str,
    actor: str,
    now: datetime,
) -> Deliberation:
    """A new version n + 1 with `proposal`, unsigned; an unlocked current version that had
    signatures is voided (kept, with when and why). Flushes, does not commit."""
    voided = current.locked_at is None and bool(current.signatures)
    if voided:
        current.voided_at, current.voided_reason = now, reason
    new = Deliberation(
        candidate_id=candidate.participant_id,
        version=current.version + 1,
        proposal=proposal,
        created_by=actor,
        created_at=now,
        signatures={},
    )
    session.add(new)
    await audit.record(
        session,
        clock=ctx.clock,
        actor=actor,
        action="deliberation.void" if voided else "deliberation.supersede",
        exam_session_id=candidate.exam_session_id,
        subject=candidate.participant_id,
        details={
            "version": current.version,
            "new_version": new.version,
            "reason": reason,
            "voided_signatures": dict(current.signatures) if voided else {},
            "seal": current.seal,
        },
    )
    await session.flush()
    return new


async def current_readiness(
    ctx: AppContext, session: AsyncSession, candidate_id: str
) -> ReadinessPayload:
    """For the jury's page, before anyone signs: what the last version would bind and what
    keeps the rules from deciding. Nothing is kept of the look."""
    from server.evaluation.deliberation import deliberations
    from server.exams.queries import get_candidate

    candidate = await get_candidate(session, candidate_id)
    versions = await deliberations(session, candidate_id)
    try:
        ready = await readiness(ctx, session, candidate, versions[-1] if versions else None)
    finally:
        await session.rollback()
    return ready.out()

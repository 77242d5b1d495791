"""Use-cases of signing in and of deciding who may reach what."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.auth.models import Account
from server.core import revocation
from server.core.clock import Clock
from server.core.errors import PlateauError
from server.core.identity import Capacity, Principal, Role, code_digest
from server.core.revocation import LiveSessions
from server.core.tokens import TokenClaims
from server.exams.models import Candidate, ExamSession, JuryAssignment, Participant

_hasher = PasswordHasher()
# Verifying against a dummy hash when the user is unknown keeps timing uniform. A constant:
# `_hasher.hash("plateau-dummy-password")` made once, not at each import (0.2 s of CPU in every
# process); tests/auth/test_password_cost.py checks it has `_hasher`'s parameters.
PRODUCTION_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$Eh1Tr86YpAHRmil8kjh45g"
    "$/GZXpDzcjlaWhlLi9gxZWPbfglCpZ/RkpGZUNIEYEco"
)
_DUMMY_HASH = PRODUCTION_DUMMY_HASH


class AuthError(PlateauError):
    """Sign-in refused: the message is safe to show."""

    status = 401
    code = "unauthorized"


def hash_password(password: str) -> str:
    """In NFC, as every password typed on a page reaches the server (server/core/text.py):
    one set by the CLI with a decomposed accent still signs in."""
    password = unicodedata.normalize("NFC", password)
    if len(password) < 10:
        raise AuthError("Le mot de passe doit compter au moins 10 caractères.")
    return _hasher.hash(password)


async def create_account(
    session: AsyncSession, *, username: str, display_name: str, password: str, clock: Clock
) -> Account:
    account = Account(
        username=username.strip().lower(),
        display_name=display_name,
        role=Role.ORGANISER.value,
        password_hash=hash_password(password),
        created_at=clock.now(),
    )
    session.add(account)
    await session.flush()
    return account


async def login_with_password(session: AsyncSession, *, username: str, password: str) -> Principal:
    account = await session.scalar(
        select(Account).where(Account.username == username.strip().lower())
    )
    try:
        _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        account = None
    if account is None:
        raise AuthError("Identifiant ou mot de passe incorrect.")
    return Principal(Role(account.role), account.id, account.display_name)


async def login_with_code(session: AsyncSession, *, code: str, clock: Clock) -> Principal:
    row = (
        await session.execute(
            select(Participant, ExamSession)
            .join(ExamSession, Participant.exam_session_id == ExamSession.id)
            .where(Participant.code_digest == code_digest(code))
        )
    ).first()
    if row is None:
        raise AuthError("Code d'accès inconnu.")
    participant, exam_session = row
    if not participant.active:
        raise AuthError("Code d'accès inconnu.")
    if exam_session.codes_expire_at <= clock.now():
        raise AuthError("Ce code d'accès a expiré avec sa session d'examen.")
    return _principal_of(participant)


def _principal_of(participant: Participant) -> Principal:
    return Principal(
        Role(participant.role),
        participant.id,
        participant.display_name,
        participant.exam_session_id,
    )


async def principal_from_claims(
    session: AsyncSession, claims: TokenClaims, *, now: datetime
) -> Principal | None:
    """A token stays valid only while its account or participant (and session) still exist."""
    if claims.role is Role.ORGANISER:
        account = await session.get(Account, claims.subject_id, populate_existing=True)
        if account is None or account.session_generation != claims.generation:
            return None
        return Principal(Role.ORGANISER, account.id, account.display_name)
    row = (
        await session.execute(
            select(Participant, ExamSession.codes_expire_at)
            .join(ExamSession, Participant.exam_session_id == ExamSession.id)
            .where(Participant.id == claims.subject_id)
        )
    ).first()
    if row is None or row[1] <= now:
        return None
    participant = row[0]
    if participant.role != claims.role.value or not participant.active:
        return None  # removed by the organiser (server/exams/people.py): signed out at once
    if participant.session_generation != claims.generation:
        return None  # revoked: code renewed, signed out, removed
    return _principal_of(participant)


async def session_generation(session: AsyncSession, principal: Principal) -> int:
    """The generation a cookie issued now carries."""
    model = Account if principal.role is Role.ORGANISER else Participant
    found = await session.scalar(
        select(model.session_generation).where(model.id == principal.subject_id)
    )
    return int(found or 0)


async def revoke_sessions(
    session: AsyncSession,
    *,
    subject_id: str,
    actor: str,
    clock: Clock,
    reason: str,
    live: LiveSessions | None = None,
) -> int:
    """Every cookie issued to this person (participant or organiser account) before now stops
    working, and once the caller's transaction commits their open sockets are closed.
    Returns the new generation. Called on a renewed code, a sign-out, a changed password and
    before a person is removed."""
    for model in (Participant, Account):
        generation = await revocation.revoke(
            session,
            model,
            subject_id=subject_id,
            actor=actor,
            clock=clock,
            reason=reason,
            live=live,
        )
        if generation is not None:
            return generation
    raise AuthError("Personne inconnue : aucune session à révoquer.")


async def change_password(
    session: AsyncSession,
    *,
    account_id: str,
    current_password: str,
    new_password: str,
    clock: Clock,
    live: LiveSessions | None = None,
) -> None:
    """The organiser's new password; every session opened with the old one ends."""
    account = await session.get(Account, account_id)
    try:
        _hasher.verify(account.password_hash if account else _DUMMY_HASH, current_password)
    except (VerificationError, InvalidHashError):
        account = None
    if account is None:
        raise AuthError("Mot de passe actuel incorrect.")
    account.password_hash = hash_password(new_password)
    await revoke_sessions(
        session,
        subject_id=account.id,
        actor=f"{Role.ORGANISER.value}:{account.id}",
        clock=clock,
        reason="mot de passe changé",
        live=live,
    )


def may_reach_session(principal: Principal, exam_session_id: str) -> bool:
    return principal.role is Role.ORGANISER or principal.exam_session_id == exam_session_id


async def may_reach_candidate(
    session: AsyncSession,
    principal: Principal,
    candidate_id: str,
    capacity: Capacity | None = None,
) -> bool:
    """Organiser: every candidate; candidate: only self; juror: the candidates assigned to
    them (in `capacity` if given); proctor: the candidates of their session."""
    match principal.role:
        case Role.ORGANISER:
            return True
        case Role.CANDIDATE:
            return principal.subject_id == candidate_id
        case Role.JUROR:
            query = select(JuryAssignment.id).where(
                JuryAssignment.candidate_id == candidate_id,
                JuryAssignment.juror_id == principal.subject_id,
            )
            if capacity is not None:
                query = query.where(JuryAssignment.capacity == capacity.value)
            return (await session.scalar(query)) is not None
        case Role.PROCTOR:
            found = await session.scalar(
                select(Candidate.participant_id).where(
                    Candidate.participant_id == candidate_id,
                    Candidate.exam_session_id == principal.exam_session_id,
                )
            )
            return found is not None
    return False

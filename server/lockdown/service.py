"""Use-cases of the session's Safe Exam Browser setting: turn the requirement on or off, read it,
build the `.seb` file the workstations open, and what the candidate-request check compares."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession

from server.core import audit
from server.core.clock import Clock
from server.core.referential import PhaseKind
from server.exams.models import ExamSession
from server.exams.setup import SetupError
from server.lockdown import seb_config

# The phases run inside Safe Exam Browser when the session requires it: the simulations (calls
# and chat) and the locked-down writing.
LOCKED_PHASES = (PhaseKind.APPELS, PhaseKind.REDACTION)
MIN_QUIT_PASSWORD = 6


@dataclass(frozen=True)
class SebRequirement:
    """What a candidate's request must prove: SEB runs this session's configuration."""

    origin: str
    config_key: str


@dataclass(frozen=True)
class SebState:
    required: bool
    origin: str | None
    quit_password_set: bool
    start_url: str | None
    config_key: str | None


@lru_cache(maxsize=64)
def _settings_key(origin: str, quit_password_hash: str) -> str:
    return seb_config.config_key(seb_config.exam_settings(origin, quit_password_hash))


def _configured(exam: ExamSession) -> tuple[str, str] | None:
    if exam.seb_origin and exam.seb_quit_password_hash:
        return exam.seb_origin, exam.seb_quit_password_hash
    return None


def requirement(exam: ExamSession) -> SebRequirement | None:
    """None when the session does not require SEB (then nothing is checked)."""
    made = _configured(exam)
    if not exam.seb_required or made is None:
        return None
    return SebRequirement(origin=made[0], config_key=_settings_key(*made))


def state_of(exam: ExamSession) -> SebState:
    made = _configured(exam)
    return SebState(
        required=exam.seb_required,
        origin=exam.seb_origin,
        quit_password_set=exam.seb_quit_password_hash is not None,
        start_url=exam.seb_origin + seb_config.CANDIDATE_PAGE if exam.seb_origin else None,
        config_key=_settings_key(*made) if made else None,
    )


async def configure(
    session: AsyncSession,
    *,
    exam: ExamSession,
    required: bool,
    origin: str | None,
    quit_password: str | None,
    default_origin: str,
    actor: str,
    clock: Clock,
) -> SebState:
    """Turns the requirement on or off. The server's address defaults to the one already set,
    else to the one the organiser uses (`default_origin`); the quit password is kept until a
    new one is given, and is needed before the requirement can be turned on."""
    try:
        new_origin = seb_config.normalise_origin(origin or exam.seb_origin or default_origin)
    except ValueError as exc:
        raise SetupError(str(exc)) from None
    if quit_password is not None and len(quit_password) < MIN_QUIT_PASSWORD:
        raise SetupError(
            f"Le mot de passe de sortie doit compter au moins {MIN_QUIT_PASSWORD} caractères."
        )
    new_hash = (
        seb_config.hash_password(quit_password)
        if quit_password is not None
        else exam.seb_quit_password_hash
    )
    if required and new_hash is None:
        raise SetupError(
            "Choisissez le mot de passe de sortie de Safe Exam Browser (donné aux surveillants)."
        )
    exam.seb_required = required
    exam.seb_origin = new_origin
    exam.seb_quit_password_hash = new_hash
    await audit.record(
        session,
        clock=clock,
        actor=actor,
        action="session.seb",
        exam_session_id=exam.id,
        subject=exam.id,
        details={
            "required": required,
            "origin": new_origin,
            "quit_password_changed": quit_password is not None,
        },
    )
    return state_of(exam)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "session"


def seb_download(exam: ExamSession) -> tuple[str, bytes]:
    """The file name and the `.seb` file of the session (unencrypted XML property list)."""
    made = _configured(exam)
    if made is None:
        raise SetupError(
            "Réglez d'abord Safe Exam Browser pour cette session : adresse du serveur et mot "
            "de passe de sortie."
        )
    name = f"examen-{_slug(exam.centre)}-{exam.day.isoformat()}.seb"
    return name, seb_config.seb_file(seb_config.exam_settings(*made))

"""Roles, principals and access codes. Pure: no I/O."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum

CODE_GROUPS = 4
CODE_GROUP_LEN = 4  # 16 base32 characters = 80 bits
CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


class Role(StrEnum):
    ORGANISER = "organiser"
    PROCTOR = "proctor"
    JUROR = "juror"
    CANDIDATE = "candidate"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ORGANISER: "Responsable de session",
    Role.PROCTOR: "Surveillant",
    Role.JUROR: "Juré",
    Role.CANDIDATE: "Candidat",
}


class Capacity(StrEnum):
    """What a juror does for one candidate."""

    CLIENT = "client"
    OBSERVER = "observer"


@dataclass(frozen=True)
class Principal:
    role: Role
    subject_id: str
    display_name: str
    exam_session_id: str | None = None

    @property
    def actor(self) -> str:
        """How the audit log names this person."""
        return f"{self.role.value}:{self.subject_id}"


def access_code(secret: str, participant_id: str, generation: int) -> str:
    """A participant's access code, derived (never stored): HMAC of its id and generation."""
    mac = hmac.new(
        secret.encode(), f"access-code:{participant_id}:{generation}".encode(), hashlib.sha256
    ).digest()
    raw = base64.b32encode(mac).decode()[: CODE_GROUPS * CODE_GROUP_LEN]
    return "-".join(raw[i : i + CODE_GROUP_LEN] for i in range(0, len(raw), CODE_GROUP_LEN))


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.replace("0", "O").replace("1", "I").replace("8", "B")


def code_digest(code: str) -> str:
    """What the database stores to find a participant by code."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()

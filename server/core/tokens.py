"""Signed, expiring session tokens (HttpOnly cookie) and the CSRF token bound to each."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from server.core.identity import Principal, Role

SESSION_COOKIE = "plateau_session"
CSRF_COOKIE = "plateau_csrf"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class TokenClaims:
    role: Role
    subject_id: str
    exam_session_id: str | None
    nonce: str
    generation: int = 0  # the person's session generation when issued (0: before revocation)


class TokenService:
    def __init__(self, secret: str, max_age_seconds: int) -> None:
        self._secret = secret
        self._serializer = URLSafeTimedSerializer(secret, salt="plateau-session")
        self.max_age = max_age_seconds

    def issue(self, principal: Principal, generation: int = 0) -> str:
        return self._serializer.dumps(
            {
                "r": principal.role.value,
                "s": principal.subject_id,
                "e": principal.exam_session_id,
                "n": secrets.token_urlsafe(8),
                "g": generation,
            }
        )

    def read(self, token: str) -> TokenClaims | None:
        try:
            data = self._serializer.loads(token, max_age=self.max_age)
            generation = data.get("g", 0)
            if not isinstance(generation, int):
                return None
            return TokenClaims(Role(data["r"]), data["s"], data["e"], data["n"], generation)
        except (BadSignature, SignatureExpired, KeyError, ValueError, TypeError):
            return None

    def csrf_for(self, token: str) -> str:
        return hmac.new(self._secret.encode(), f"csrf:{token}".encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, token: str, presented: str | None) -> bool:
        return presented is not None and hmac.compare_digest(self.csrf_for(token), presented)

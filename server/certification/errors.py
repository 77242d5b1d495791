"""Refusals of the certification package (answered 409 with their French message)."""

from __future__ import annotations

from typing import Any

from server.core.errors import PlateauError
from server.core.referential import EvidenceKind, requirement_label


class CertificationRefused(PlateauError):
    """A decision the rules refuse; the message says why. `extra` goes to the HTTP answer
    (the missing evidence, as codes and French labels)."""

    def __init__(self, message: str, missing: tuple[tuple[EvidenceKind, ...], ...] = ()) -> None:
        super().__init__(message)
        self.extra: dict[str, Any] = (
            {
                "missing": [
                    {"any_of": [k.value for k in req], "label": requirement_label(req)}
                    for req in missing
                ]
            }
            if missing
            else {}
        )

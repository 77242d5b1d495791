"""A reply of the writing phase: its shape per channel (the fields, checked when saved), its
length (for an SMS its encoding and segments), its SHA-256 once frozen, and the payloads the
candidate's page and the jury's review read. The errors of a save too."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, NotRequired, TypedDict

from pydantic import BaseModel, ConfigDict

from server.core.errors import PlateauError
from server.core.text import Line, Text
from server.scenarios.pack.simulations import WritingTask
from server.scenarios.pack.types import Channel
from server.writing import sms
from server.writing.models import Draft

MAX_TEXT = 20_000


class Counts(TypedDict):
    """A reply's length; for an SMS, its encoding and segments (`sms.count`)."""

    characters: int
    words: int
    encoding: NotRequired[str]
    units: NotRequired[int]
    segments: NotRequired[int]
    per_segment: NotRequired[int]
    non_gsm: NotRequired[list[str]]


class DraftPayload(TypedDict):
    """A reply (`draft_out`; HTTP: `schemas.DraftOut`). The jury's review adds the spelling
    issues of each field, the task's brief and the count of saves (`review.review`)."""

    task_id: str
    channel: str
    content: dict[str, str]  # the fields of the channel's shape (`SHAPES`)
    version: int
    saved_at: str | None
    frozen: bool
    sha256: str | None
    counts: Counts
    max_length: int | None
    brief: str
    replaced: bool
    issues: NotRequired[dict[str, list[dict[str, Any]]]]
    task: NotRequired[dict[str, Any] | None]
    saves: NotRequired[dict[str, int]]  # `save_count`


class DraftsPayload(TypedDict):
    """The candidate's replies (`drafts`; HTTP: `schemas.DraftsOut`); `aid` in the review."""

    frozen: bool
    writable: bool
    drafts: list[DraftPayload]
    aid: NotRequired[dict[str, Any]]


class NotepadPayload(TypedDict):
    """HTTP: `schemas.NotepadOut`."""

    text: str
    version: int
    saved_at: str | None
    writable: bool


def text_fields(raw: Any) -> dict[str, str]:
    """A reply's fields as stored (a JSON column) or dumped from its shape: text only."""
    out: dict[str, str] = {}
    for name, value in dict(raw).items():
        if not isinstance(value, str):
            raise TypeError(f"champ {name!r} : texte attendu, {type(value).__name__} trouvé")
        out[name] = value
    return out


class WritingRefused(PlateauError):
    """A save or a read the exam does not allow now (French message)."""


class StaleDraft(PlateauError):
    """Another tab saved first: the client gets the current draft back, nothing is lost."""

    def __init__(self, current: DraftPayload) -> None:
        super().__init__("Ce texte a été enregistré depuis un autre onglet : rechargez-le.")
        self.extra = {"current": current}


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EmailDraft(_Fields):
    to: Annotated[str, Line(300)] = ""
    subject: Annotated[str, Line(300)] = ""
    body: Annotated[str, Text(MAX_TEXT)] = ""


class LetterDraft(_Fields):
    sender: Annotated[str, Text(1000)] = ""
    recipient: Annotated[str, Text(1000)] = ""
    place_date: Annotated[str, Line(200)] = ""
    object: Annotated[str, Line(300)] = ""
    body: Annotated[str, Text(MAX_TEXT)] = ""
    closing: Annotated[str, Text(2000)] = ""


class SmsDraft(_Fields):
    body: Annotated[str, Text(2000)] = ""


SHAPES: dict[Channel, type[_Fields]] = {
    Channel.EMAIL: EmailDraft,
    Channel.LETTER: LetterDraft,
    Channel.SMS: SmsDraft,
}


def counts(channel: Channel, content: dict[str, str]) -> Counts:
    body = content.get("body", "")
    out: Counts = {"characters": len(body), "words": len(body.split())}
    if channel is Channel.SMS:
        c = sms.count(body)
        out["encoding"] = c.encoding
        out["units"] = c.units
        out["segments"] = c.segments
        out["per_segment"] = c.per_segment
        out["non_gsm"] = list(c.non_gsm)
    return out


def digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def draft_out(task: WritingTask, row: Draft | None) -> DraftPayload:
    content = text_fields(row.content if row else SHAPES[task.channel]().model_dump())
    return {
        "task_id": task.id,
        "channel": task.channel.value,
        "content": content,
        "version": row.version if row else 0,
        "saved_at": row.saved_at.isoformat() if row and row.version else None,
        "frozen": bool(row and row.frozen_at),
        "sha256": row.sha256 if row else None,
        "counts": counts(task.channel, content),
        "max_length": task.candidate.max_length,
        "brief": task.candidate.brief,
        "replaced": task.replaced,  # its simulation was not played: the replacement brief
    }

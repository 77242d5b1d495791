"""What the writing's HTTP routes answer: the candidate's replies (drafts) and notepad, the
jury's review of the replies with the French aid."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from server.core.events import Payload
from server.scenarios.pack.simulations import WritingTask


class CountsOut(Payload):
    """A reply's length (`server.writing.service.counts`); the SMS fields for an SMS only."""

    # Sent with the keys the service writes (`response_model_exclude_unset`): a default
    # is not sent, so the JSON Schema does not require it.
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=False)

    characters: int
    words: int
    encoding: str | None = Field(default=None, description="SMS: GSM-7 or UCS-2.")
    units: int | None = Field(default=None, description="SMS: the encoding's units.")
    segments: int | None = Field(default=None, description="SMS: how many messages.")
    per_segment: int | None = Field(default=None, description="SMS: units per message.")
    non_gsm: list[str] | None = Field(default=None, description="SMS: the non-GSM characters.")


class DraftOut(Payload):
    """A reply (`server.writing.service.draft_out`)."""

    task_id: str
    channel: str = Field(description="The channel (courriel, sms, courrier…).")
    content: dict[str, Any] = Field(description="The reply's fields (the channel's shape).")
    version: int = Field(description="0: never saved.")
    saved_at: str | None = Field(description="ISO 8601; None: never saved.")
    frozen: bool = Field(description="Final (the writing phase's deadline passed).")
    sha256: str | None = Field(description="The saved content's digest.")
    counts: CountsOut
    max_length: int | None = Field(description="The brief's limit, if any.")
    brief: str = Field(description="The task as the candidate reads it.")
    replaced: bool = Field(description="Its simulation was not played: the replacement brief.")


class DraftsOut(Payload):
    """The candidate's replies (`server.writing.service.drafts`)."""

    frozen: bool
    writable: bool = Field(description="The writing phase is running.")
    drafts: list[DraftOut]


class SavesOut(Payload):
    accepted: int = Field(description="Saves accepted.")
    refused: int = Field(description="Saves refused (late, stale, out of phase).")


class SpellingIssueOut(Payload):
    """A finding of the French aid in a reply's field (`server.writing.spelling.Issue`)."""

    start: int = Field(description="Where it starts (offset in code points).")
    end: int = Field(description="Where it ends (offset in code points, excluded).")
    kind: str = Field(description="orthographe, grammaire, typographie or répétition.")
    message: str = Field(description="What is wrong (French).")
    suggestions: list[str] = Field(description="What could replace it, best first.")


class ReviewedDraftOut(DraftOut):
    """A reply as the jury reads it (`server.writing.review.review`)."""

    task: WritingTask | None = Field(
        description="The writing task, with its marking notes; None: not in the subject."
    )
    saves: SavesOut = Field(description="How many saves (`save_count`).")
    issues: dict[str, list[SpellingIssueOut]] = Field(
        description="Field → the spelling and grammar aid's findings (`spelling.check`)."
    )


class AidOut(Payload):
    """The French aid's engines (`server.writing.spelling.engines`)."""

    spelling: str
    spelling_fallback: str | None
    grammar: str | None
    grammar_absent: str | None


class ReviewOut(Payload):
    """The jury's review of the replies: read-only, last save, history, the French aid."""

    frozen: bool
    writable: bool
    drafts: list[ReviewedDraftOut]
    aid: AidOut


class NotepadOut(Payload):
    """The candidate's notepad (`server.writing.service.notepad`)."""

    text: str
    version: int = Field(description="0: never saved.")
    saved_at: str | None = Field(description="ISO 8601; None: never saved.")
    writable: bool

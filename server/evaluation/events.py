"""Events of the evaluation, all to the jury audience of the candidate (that candidate's two
jurors and the organiser's console): a candidate's page never hears them."""

from __future__ import annotations

from typing import Any, Literal

from server.core.context import AppContext
from server.core.events import Message, jury_audience


class MarkChanged(Message):
    type: Literal["evaluation.mark"] = "evaluation.mark"
    candidate_id: str
    mark: dict[str, Any]


class NotePinned(Message):
    type: Literal["evaluation.note"] = "evaluation.note"
    candidate_id: str
    note: dict[str, Any]


class InterviewNoteChanged(Message):
    type: Literal["evaluation.interview"] = "evaluation.interview"
    candidate_id: str
    interview: dict[str, Any]


class DeliberationChanged(Message):
    type: Literal["evaluation.deliberation"] = "evaluation.deliberation"
    candidate_id: str
    deliberation: dict[str, Any]


def to_jury(ctx: AppContext, candidate_id: str, event: Message) -> None:
    ctx.bus.publish(jury_audience(candidate_id), event)

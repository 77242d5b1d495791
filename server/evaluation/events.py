"""Events of the evaluation, all to the jury audience of the candidate (that candidate's two
jurors and the organiser's console): a candidate's page never hears them."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from server.core.context import AppContext
from server.core.events import Audience, Event, Payload, jury_audience
from server.evaluation.payloads import Proposal

_JURY = (Audience.JURY,)


def _candidate_id() -> Any:
    return Field(description="The candidate evaluated.")


class MarkOut(Payload):
    """One criterion of the grid as marked (`server.evaluation.service.mark_out`)."""

    part: str = Field(description="The part of the exam (a simulation, `writing:<task>`…).")
    competence: str = Field(description="The competence's code (CP1…).")
    criterion: int = Field(description="The criterion's number in the competence (from 1).")
    criterion_text: str = Field(description="The criterion as the grid words it.")
    value: str = Field(description="acquis, non_acquis or non_observe.")
    comment: str = Field(description="The juror's comment (may be empty).")
    by: str = Field(description="Who saved it (the actor).")
    updated_at: str = Field(description="When (ISO 8601).")
    version: int = Field(description="Its version (a save based on an older one is refused).")


class NoteOut(Payload):
    """A pinned note (`server.evaluation.service.note_out`)."""

    id: str
    call_id: str | None = Field(description="The call whose recording it is pinned on, if any.")
    offset_ms: int | None = Field(description="Its moment in that recording, in ms.")
    text: str
    by: str = Field(description="Who pinned it (the actor).")
    at: str = Field(description="When (ISO 8601).")


class InterviewOut(Payload):
    """A juror's notes of an interview (`server.evaluation.service.interview_out`)."""

    topic: str = Field(description="CPn (technical interview) or final.")
    text: str
    by: str = Field(description="Who saved it (the actor).")
    updated_at: str = Field(description="When (ISO 8601).")


class DeliberationOut(Payload):
    """A version of the deliberation (`server.evaluation.deliberation.deliberation_out`)."""

    id: str
    version: int
    proposal: Proposal = Field(description="The proposal: competences, CCPs, title, why.")
    created_by: str
    created_at: str = Field(description="ISO 8601.")
    signatures: dict[str, str] = Field(description="Juror id → when they signed (ISO 8601).")
    locked: bool
    locked_at: str | None = Field(description="ISO 8601, once both jurors signed.")
    seal: str | None = Field(description="The hash the signatures bind.")
    signed_seals: dict[str, str] = Field(description="Juror id → the seal they signed.")
    bound: dict[str, Any] | None = Field(description="What the seal binds besides the proposal.")
    voided: bool
    voided_at: str | None = Field(description="ISO 8601, when a change voided it.")
    voided_reason: str | None


class MarkChanged(Event):
    """A juror saved one criterion of the grid (autosave): the other juror's grid shows it."""

    audiences: ClassVar[tuple[Audience, ...]] = _JURY
    type: Literal["evaluation.mark"] = "evaluation.mark"
    candidate_id: str = _candidate_id()
    mark: MarkOut = Field(description="The criterion as saved.")


class NotePinned(Event):
    """A juror pinned a note (on a call's recording timeline, or free)."""

    audiences: ClassVar[tuple[Audience, ...]] = _JURY
    type: Literal["evaluation.note"] = "evaluation.note"
    candidate_id: str = _candidate_id()
    note: NoteOut = Field(description="The note as pinned.")


class InterviewNoteChanged(Event):
    """A juror's notes of an interview were saved."""

    audiences: ClassVar[tuple[Audience, ...]] = _JURY
    type: Literal["evaluation.interview"] = "evaluation.interview"
    candidate_id: str = _candidate_id()
    interview: InterviewOut = Field(description="The notes as saved.")


class DeliberationChanged(Event):
    """The deliberation changed (a new version, a signature, a lock, a reopening)."""

    audiences: ClassVar[tuple[Audience, ...]] = _JURY
    type: Literal["evaluation.deliberation"] = "evaluation.deliberation"
    candidate_id: str = _candidate_id()
    deliberation: DeliberationOut = Field(
        description="The version changed (a voided one, then its successor, come in turn)."
    )


EVENTS: tuple[type[Event], ...] = (
    MarkChanged,
    NotePinned,
    InterviewNoteChanged,
    DeliberationChanged,
)


def to_jury(ctx: AppContext, candidate_id: str, event: Event) -> None:
    ctx.bus.publish(jury_audience(candidate_id), event)

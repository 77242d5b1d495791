"""What the evaluation's HTTP routes answer besides what its events carry (a mark, a note,
an interview's notes, a deliberation: `server.evaluation.events`): the whole grid with what
the marks say, and whether the last version can be signed."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from server.core.events import Payload
from server.evaluation.events import DeliberationOut, InterviewOut, MarkOut, NoteOut


class CriterionOut(Payload):
    index: int = Field(description="Its number in the competence (from 1).")
    text: str = Field(description="The criterion word for word.")
    watch: bool = Field(description="The juror card asks to watch it.")


class GridCompetenceOut(Payload):
    """A competence of a part (`server.evaluation.grid._competences`)."""

    code: str
    name: str
    ccp: str = Field(description="The CCP that holds it.")
    criteria: list[CriterionOut]


class PartOut(Payload):
    """A markable part (`server.evaluation.grid.parts`): a simulation, a writing task or the
    technical interview; `not_played` for a simulation only, `replaced` for a task only."""

    # Sent with the keys the service writes (`response_model_exclude_unset`): a default
    # is not sent, so the JSON Schema does not require it.
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=False)

    part: str = Field(description="A simulation's id, `writing:<task>` or the interview's.")
    kind: str = Field(description="The simulation's kind, ecrit or entretien.")
    label: str = Field(description="What the jury reads (French).")
    not_played: str | None = Field(
        default=None, description="A simulation: why it was not played (French), if so."
    )
    replaced: bool | None = Field(
        default=None, description="A writing task: the replacement of one not played."
    )
    competences: list[GridCompetenceOut]


class CompetenceStatusOut(Payload):
    """What the marks say of a professional competence."""

    code: str
    name: str
    ccp: str
    status: str = Field(description="acquise, non_acquise or non_evaluee.")
    counts: dict[str, int] = Field(description="Marks by value (acquis, non_acquis…).")


class TransversalOut(Payload):
    """A transversal competence as the marks derive it (`grid.transversal_status`)."""

    code: str
    name: str
    status: str
    carried_by: list[str] = Field(description="The professional competences carrying it.")
    from_: dict[str, str] = Field(
        alias="from", description="The evaluated carrying competences and their status."
    )
    acquired: int
    evaluated: int
    explanation: str = Field(description="How it was derived (French).")


class TransversalDecidedOut(Payload):
    """A transversal competence as the signed decision has it (`grid.transversal_decided`)."""

    code: str
    name: str
    status: str
    carried_by: list[str]
    granted_ccps: list[str] = Field(description="The CCPs granted that hold a carrier.")
    explanation: str


class DecidedOut(Payload):
    """The signed decision's view: what a signed grid prints."""

    version: int
    locked_at: str | None = Field(description="ISO 8601.")
    competences: dict[str, str] = Field(
        description="The decision per competence: acquise or non_acquise."
    )
    ccps: dict[str, bool | None] = Field(description="The decision per CCP: granted or not.")
    transversal: list[TransversalDecidedOut]


class EvaluationOut(Payload):
    """The grid of the candidate's format and pack, the marks, what they say of each
    competence, the notes, the interviews' notes and the deliberation's versions."""

    candidate_id: str
    title_id: str
    format_id: str
    parts: list[PartOut]
    marks: list[MarkOut]
    competences: list[CompetenceStatusOut]
    transversal: list[TransversalOut]
    decided: DecidedOut | None = Field(description="None until both jurors signed a version.")
    interview_topics: list[str] = Field(description="CPn of the technical interview, final.")
    rule: str | None = Field(description="How the statuses are derived (French).")
    notes: list[NoteOut]
    interviews: list[InterviewOut]
    deliberations: list[DeliberationOut]


class BlockingOut(Payload):
    """What keeps the rules from deciding (`server.core.wiring.Blocking`); `any_of` and
    `label` for a missing piece of the file only."""

    # Sent with the keys the service writes (`response_model_exclude_unset`): a default
    # is not sent, so the JSON Schema does not require it.
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=False)

    kind: str = Field(description="proposal, competence or a piece of the file.")
    code: str | None
    text: str = Field(description="Why (French).")
    any_of: list[str] | None = Field(default=None, description="The pieces any of which do.")
    label: str | None = Field(default=None, description="The missing piece (French).")


class ReadinessOut(Payload):
    """Whether the last version can be signed (`server.evaluation.signing.Readiness.out`)."""

    version: int | None = Field(description="The last version; None: no proposal yet.")
    can_sign: bool
    blocking: list[BlockingOut]
    bound: dict[str, Any] | None = Field(description="What a signature would bind.")
    seal: str | None = Field(description="Its seal (the hash the signatures bind).")

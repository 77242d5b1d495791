"""The simulations and writing tasks of a pack.

Each is split in two types that never mix: what the candidate may see
(`SimulationCandidate` → `SimulationPublic`, `WritingBrief` → `WritingTaskPublic`) and what
only the jury sees (`JurorCard`, `WritingJurorNotes`). A candidate-facing view is built from
the first kind only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from pydantic import Field, model_validator

from server.core.loading import DataModel
from server.scenarios.pack.company import SLUG
from server.scenarios.pack.types import (
    Channel,
    CriterionRef,
    Money,
    Phone,
    QuestionType,
    SimulationKind,
)

# ---------------------------------------------------------------- candidate-visible tools


class Question(DataModel):
    id: str = Field(pattern=SLUG)
    text: str = Field(min_length=1)  # read word for word
    type: QuestionType
    choices: tuple[str, ...] = ()
    scale_min: int | None = None
    scale_max: int | None = None

    @model_validator(mode="after")
    def _shape(self) -> Question:
        if self.type.has_choices and len(self.choices) < 2:
            raise ValueError("une question à choix a au moins deux choix (choices)")
        if not self.type.has_choices and self.choices:
            raise ValueError(
                f"choices n'a de sens que pour {QuestionType.SINGLE_CHOICE.value} "
                f"ou {QuestionType.MULTIPLE_CHOICE.value}"
            )
        is_scale = self.type is QuestionType.SCALE
        if is_scale and (
            self.scale_min is None or self.scale_max is None or self.scale_min >= self.scale_max
        ):
            raise ValueError("une échelle a scale_min < scale_max")
        if not is_scale and (self.scale_min is not None or self.scale_max is not None):
            raise ValueError("scale_min/scale_max n'ont de sens que pour une échelle")
        return self


class Survey(DataModel):
    """The questionnaire, in order: the candidate reads it word for word and transcribes."""

    introduction: str = Field(min_length=1)
    questions: tuple[Question, ...] = Field(min_length=1)
    closing: str = Field(min_length=1)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


class Representative(DataModel):
    name: str = Field(min_length=1)
    area: str = Field(min_length=1)
    slots: tuple[datetime, ...] = Field(min_length=1)  # story time, local (naive)


class AppointmentBooking(DataModel):
    """The field sales representatives' free slots, for a prospecting appointment."""

    purpose: str = Field(min_length=1)
    duration_minutes: int = Field(gt=0)
    representatives: tuple[Representative, ...] = Field(min_length=1)
    qualification: tuple[str, ...] = Field(min_length=1)  # what to collect to qualify it


class OrderDesk(DataModel):
    """What an order simulation sells: catalogue refs, substitutes and add-ons."""

    items: tuple[str, ...] = Field(min_length=1)
    substitutes: dict[str, tuple[str, ...]] = {}
    add_ons: tuple[str, ...] = Field(min_length=1)
    payment_methods: tuple[str, ...] = Field(min_length=1)
    shipping: Money | None = None
    free_shipping_from: Money | None = None


class PaymentPlan(DataModel):
    """A schedule the collection procedure allows: how many instalments, the smallest, how
    soon the first and the last fall after the agreement (server/scenarios/payment_rules.py);
    `interval_days` spaces the schedule the tool proposes (the candidate may change it)."""

    label: str = Field(min_length=1)
    installments: int = Field(ge=1, le=12)
    interval_days: int = Field(default=30, gt=0)
    min_installment: Money | None = None
    fees: Money = Decimal("0.00")
    first_within_days: int | None = Field(default=None, ge=0)
    last_within_days: int | None = Field(default=None, ge=0)


class AgreedInstallment(DataModel):
    date: dt.date
    amount: Money


class ExpectedAgreement(DataModel):
    """The juror card's agreement: the schedule the card rewards, checked by the pack's
    validation against the procedure's plans (the tool must be able to record it)."""

    plan: str = Field(min_length=1)
    installments: tuple[AgreedInstallment, ...] = Field(min_length=1)


class Collection(DataModel):
    """The debt (unpaid invoices of the popped record) and the plans the procedure allows."""

    invoices: tuple[str, ...] = Field(min_length=1)
    amount_due: Money
    plans: tuple[PaymentPlan, ...] = Field(min_length=1)
    payment_methods: tuple[str, ...] = Field(min_length=1)


class SimulationCandidate(DataModel):
    """The `candidate:` block of a simulation file: everything the candidate may see."""

    principal: str
    phone: Phone | None = None
    crm_record: str | None = None
    brief: str = ""  # shown for an outbound call or a chat; leave empty for an inbound call
    offers: tuple[str, ...] = ()  # catalogue refs the candidate may propose
    survey: Survey | None = None
    appointment: AppointmentBooking | None = None
    order: OrderDesk | None = None
    collection: Collection | None = None


class SimulationPublic(SimulationCandidate):
    """A simulation as a candidate may receive it."""

    id: str
    kind: SimulationKind


# ---------------------------------------------------------------- jury-only


class JurorCard(DataModel):
    """The `juror:` block: how the juror plays the customer. Never sent to a candidate."""

    persona: str = Field(min_length=1)
    situation: str = Field(min_length=1)
    opening: str = Field(min_length=1)  # what the customer says (or writes) first
    reveal_if_asked: tuple[str, ...] = ()
    barriers: tuple[str, ...] = ()  # gatekeepers and other obstacles to raise
    objections: tuple[str, ...] = ()
    expected_outcome: str = Field(min_length=1)
    watch: tuple[CriterionRef, ...] = Field(min_length=1)
    survey_answers: dict[str, str] = {}  # question id -> what the respondent says
    agreement: ExpectedAgreement | None = None  # a collection call: the schedule rewarded
    notes: str = ""

    def texts(self) -> Iterator[str]:
        yield from (self.persona, self.situation, self.opening, self.expected_outcome)
        yield from self.reveal_if_asked
        yield from self.barriers
        yield from self.objections
        yield from self.survey_answers.values()
        if self.notes:
            yield self.notes


class Simulation(DataModel):
    """One simulation file (simulations/NN_*.yaml); the file order is the run order."""

    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)  # staff label (organiser, jury), not shown to a candidate
    kind: SimulationKind
    competences: tuple[str, ...] = Field(min_length=1)
    minutes: int = Field(gt=0)
    candidate: SimulationCandidate
    juror: JurorCard

    def public(self) -> SimulationPublic:
        return SimulationPublic(id=self.id, kind=self.kind, **dict(self.candidate))

    def staff_texts(self) -> Iterator[str]:
        """What a candidate must not receive: the staff label and the juror card."""
        yield self.title
        yield from self.juror.texts()


# ---------------------------------------------------------------- writing tasks


class WritingBrief(DataModel):
    """The `candidate:` block of a writing task."""

    brief: str = Field(min_length=1)
    max_length: int | None = Field(default=None, gt=0)  # characters (an SMS: 160 or 306)


class WritingTaskPublic(WritingBrief):
    id: str
    simulation: str
    channel: Channel
    replaced: bool = False  # the brief given because the simulation was not played


class WritingJurorNotes(DataModel):
    marking_notes: tuple[str, ...] = Field(min_length=1)
    watch: tuple[CriterionRef, ...] = Field(min_length=1)

    def texts(self) -> Iterator[str]:
        yield from self.marking_notes


class WritingReplacement(DataModel):
    """What the candidate writes instead when the simulation was not played: a brief that
    stands on its own (every fact the reply needs is in it: nothing refers to a call that
    did not take place), in the same channel, with its own marking notes."""

    candidate: WritingBrief
    juror: WritingJurorNotes


def _absent(value: object) -> bool:
    return value is None or value is False


class WritingTask(DataModel):
    id: str = Field(pattern=SLUG)
    simulation: str
    channel: Channel
    candidate: WritingBrief
    juror: WritingJurorNotes
    # When the simulation was not played: the replacement task, or `standalone: true` when
    # the brief does not depend on the call. One of the two is required (the validator).
    # Both are left out of the dump when absent: a pack frozen before keeps its hash.
    replacement: WritingReplacement | None = Field(default=None, exclude_if=_absent)
    standalone: bool = Field(default=False, exclude_if=_absent)
    # Set by `when_not_played` only (an author never writes it).
    replaced: bool = Field(default=False, exclude_if=_absent)

    def when_not_played(self) -> WritingTask:
        """The task a candidate gets when its simulation did not take place."""
        if self.replacement is None:
            return self
        return self.model_copy(
            update={
                "candidate": self.replacement.candidate,
                "juror": self.replacement.juror,
                "replacement": None,
                "replaced": True,
            }
        )

    def jury_texts(self) -> Iterator[str]:
        yield from self.juror.texts()
        if self.replacement is not None:
            yield from self.replacement.juror.texts()

    def public(self) -> WritingTaskPublic:
        return WritingTaskPublic(
            id=self.id,
            simulation=self.simulation,
            channel=self.channel,
            replaced=self.replaced,
            **dict(self.candidate),
        )


class WritingTasksFile(DataModel):
    """writing_tasks.yaml"""

    writing_tasks: tuple[WritingTask, ...] = ()

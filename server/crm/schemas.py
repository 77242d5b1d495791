"""What a candidate sends to their CRM: every text under the input policy
(`server.core.text`), every field typed and bounded. Prices, totals and schedules are the
server's: the page may send what it showed, it is ignored."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, RootModel

from server.core.text import JsonValue, Line, Scalar, Text
from server.crm.events import CrmChangeOut
from server.scenarios.pack.simulations import Survey

Id = Annotated[str, Line(64)]
Name = Annotated[str, Line(200)]
Note = Annotated[str, Text(4000)]


class AddressIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    street: Name | None = None
    postcode: Annotated[str, Line(10)] | None = None
    city: Name | None = None


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: bool = False
    sms: bool = False
    phone: bool = False


class RecordEdit(BaseModel):
    """A change to a record's editable fields (those sent, all or nothing); the address as
    an object or as its three flat fields (the page's form)."""

    model_config = ConfigDict(extra="forbid")
    civility: Annotated[str, Line(10)] | None = None
    last_name: Name | None = None
    first_name: Name | None = None
    company: Name | None = None
    position: Name | None = None
    email: Annotated[str, Line(254)] | None = None
    segment: Name | None = None
    notes: Note | None = None
    consent: ConsentIn | None = None
    phones: list[Annotated[str, Line(40)]] | None = Field(default=None, max_length=10)
    address: AddressIn | None = None
    street: Name | None = None
    postcode: Annotated[str, Line(10)] | None = None
    city: Name | None = None


class In(BaseModel):
    model_config = ConfigDict(extra="ignore")  # the page sends what it showed (totals…)
    client_id: Id | None = None


class ContactNoteIn(In):
    channel: Annotated[str, Line(20)] = "telephone"
    summary: Note


class AppointmentIn(In):
    kind: Annotated[str, Line(20)] = "rendez_vous"
    at: dt.datetime
    contact: Name = ""
    subject: Annotated[str, Text(1000)]
    representative: Name | None = None


class OrderLineIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    ref: Annotated[str, Line(100)]
    quantity: Scalar = None


class OrderIn(In):
    lines: list[OrderLineIn] = Field(max_length=100)
    payment_method: Name = ""
    shipping: Scalar = None
    note: Note = ""


class InstallmentIn(BaseModel):
    model_config = ConfigDict(extra="ignore")  # the page sends what it showed (its index)
    date: dt.date
    amount: Scalar


class AgreementIn(In):
    plan: Name
    amount: Scalar
    first_date: dt.date | None = None
    # The schedule negotiated (dates and amounts); None: the plan's proposal from first_date.
    installments: list[InstallmentIn] | None = Field(default=None, max_length=12)
    payment_method: Name = ""
    invoices: list[Id] | None = Field(default=None, max_length=50)
    note: Note = ""


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: JsonValue


# ---------------------------------------------------------------- what the routes answer


class CrmRecordOut(BaseModel):
    """A record of the candidate's copy as stored (`server.crm.store.record_out`): the pack's
    `CrmRecord` dumped as JSON, the copy's own lists and the row's version. A row written by
    an older version keeps the keys and shapes it has (`address: [1, 2]` is served as it is):
    the routes send the keys the row holds, no more (`response_model_exclude_unset`)."""

    model_config = ConfigDict(extra="allow")
    id: str
    version: int = Field(description="The row's version (a change moves it).")
    kind: str = Field(default="", description="client, prospect or utilisateur (RecordKind).")
    principal: str = Field(default="", description="The principal (line) it belongs to.")
    civility: str = ""
    last_name: str = ""
    first_name: str = ""
    company: str = ""
    position: str = ""
    birth_date: str | None = Field(default=None, description="ISO 8601 date.")
    phones: Any = Field(default=None, description="The numbers: [{display, digits}].")
    email: str | None = None
    address: Any = Field(default=None, description="{street, postcode, city} or null.")
    since: str | None = Field(default=None, description="Customer since (ISO 8601 date).")
    segment: str = ""
    contracts: Any = Field(default=None, description="The contracts (`Contract`).")
    orders: Any = Field(default=None, description="The orders (`Order`).")
    invoices: Any = Field(default=None, description="The invoices (`Invoice`).")
    appointments: Any = Field(default=None, description="The appointments made.")
    history: Any = Field(default=None, description="The contact notes (`HistoryEntry`).")
    consent: Any = Field(default=None, description="Marketing consent: {email, sms, phone}.")
    notes: str = ""
    agreements: Any = Field(default=None, description="The payment agreements made.")
    callbacks: Any = Field(default=None, description="The callbacks planned.")
    bookings: Any = Field(default=None, description="The representatives' slots booked.")


class CrmMutationOut(BaseModel):
    """What a change to a record answers (`server.crm.store.mutate`)."""

    model_config = ConfigDict(extra="forbid")
    record: CrmRecordOut = Field(description="The record as it is now.")
    replayed: bool = Field(description="The same `client_id` was applied before: nothing new.")
    changes: list[CrmChangeOut] = Field(description="The change log's new rows.")


class AgendaItemOut(BaseModel):
    """An appointment or a callback of a record (`server.crm.agenda.agenda`)."""

    model_config = ConfigDict(extra="forbid")
    at: str = Field(description="YYYY-MM-DDTHH:MM.")
    contact: str
    subject: str
    kind: str = Field(description="rendez_vous or rappel.")
    record_id: str
    record_name: str
    representative: str | None = Field(description="An appointment's representative, if any.")


class SlotOut(BaseModel):
    """A representative's slot from the pack, taken or not."""

    model_config = ConfigDict(extra="forbid")
    representative: str
    area: str
    at: str = Field(description="YYYY-MM-DDTHH:MM.")
    duration_minutes: int
    purpose: str
    qualification: list[str]
    record_id: str | None
    taken: bool


class AgendaOut(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[AgendaItemOut] = Field(description="By time, then record.")
    slots: list[SlotOut]


class SurveyAnswersOut(RootModel[dict[str, dict[str, Any]]]):
    """Every survey's answers as the candidate typed them: {simulation: {question: answer}}."""


class SurveyOut(BaseModel):
    """A simulation's questionnaire and the candidate's answers (`server.crm.survey.survey`)."""

    model_config = ConfigDict(extra="forbid")
    simulation_id: str
    survey: Survey = Field(description="The questionnaire, in order.")
    answers: dict[str, Any] = Field(description="Question id → the answer.")


class AnswerOut(BaseModel):
    """An answer as saved (`server.crm.survey.answer`)."""

    model_config = ConfigDict(extra="forbid")
    simulation_id: str
    question_id: str
    value: Any = Field(description="The answer (any JSON value).")

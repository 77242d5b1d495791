"""What a candidate sends to their CRM: every text under the input policy
(`server.core.text`), every field typed and bounded. Prices, totals and schedules are the
server's: the page may send what it showed, it is ignored."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from server.core.text import JsonValue, Line, Scalar, Text

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


class NoteIn(In):
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

"""The CRM seed of a pack (crm.yaml): the customer, prospect and user base each candidate
gets a private copy of. Candidate-visible: nothing jury-only belongs here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from server.core.loading import DataModel
from server.scenarios.pack.types import Money, Phone, RecordKind

EMAIL = r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$"


class Address(DataModel):
    street: str = Field(min_length=1)
    postcode: str = Field(pattern=r"^\d{5}$")
    city: str = Field(min_length=1)


class ContractStatus(StrEnum):
    ACTIVE = "actif"
    SUSPENDED = "suspendu"
    ENDED = "resilie"
    EXPIRED = "expire"


class Contract(DataModel):
    ref: str
    label: str
    catalogue_ref: str | None = None
    start: dt.date
    end: dt.date | None = None
    monthly_price: Money | None = None
    status: ContractStatus = ContractStatus.ACTIVE


class OrderLine(DataModel):
    ref: str
    label: str
    quantity: int = Field(gt=0)
    unit_price: Money


class Order(DataModel):
    ref: str
    date: dt.date
    lines: tuple[OrderLine, ...] = Field(min_length=1)
    shipping: Money = Decimal("0.00")
    total: Money
    status: str

    @model_validator(mode="after")
    def _total(self) -> Order:
        computed = sum((line.unit_price * line.quantity for line in self.lines), self.shipping)
        if computed != self.total:
            raise ValueError(f"total {self.total} € mais lignes + port = {computed} €")
        return self


class InvoiceStatus(StrEnum):
    PAID = "payee"
    UNPAID = "impayee"
    UPCOMING = "a_echoir"


class Invoice(DataModel):
    number: str
    label: str = ""
    date: dt.date
    due: dt.date
    amount: Money
    status: InvoiceStatus

    @model_validator(mode="after")
    def _dates(self) -> Invoice:
        if self.due < self.date:
            raise ValueError("échéance antérieure à la date de facture")
        return self


class Appointment(DataModel):
    at: dt.datetime
    contact: str
    subject: str


class HistoryEntry(DataModel):
    date: dt.date
    channel: Literal["telephone", "courriel", "courrier", "sms", "chat", "web", "agence"]
    summary: str = Field(min_length=1)


class Consent(DataModel):
    """Marketing consent per channel (RGPD); contract communications do not need it."""

    email: bool = False
    sms: bool = False
    phone: bool = False


class CrmRecord(DataModel):
    id: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]*$")
    kind: RecordKind
    principal: str
    civility: Literal["M.", "Mme", ""] = ""
    last_name: str = ""
    first_name: str = ""
    company: str = ""
    position: str = ""
    birth_date: dt.date | None = None
    phones: tuple[Phone, ...] = Field(min_length=1)
    email: str | None = Field(default=None, pattern=EMAIL)
    address: Address | None = None
    since: dt.date | None = None
    segment: str = ""
    contracts: tuple[Contract, ...] = ()
    orders: tuple[Order, ...] = ()
    invoices: tuple[Invoice, ...] = ()
    appointments: tuple[Appointment, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    consent: Consent = Consent()
    notes: str = ""

    @model_validator(mode="after")
    def _named(self) -> CrmRecord:
        if not (self.last_name or self.company):
            raise ValueError("une fiche a un nom (last_name) ou une raison sociale (company)")
        return self

    @property
    def display_name(self) -> str:
        person = " ".join(p for p in (self.civility, self.first_name, self.last_name) if p)
        if self.company:
            return f"{self.company} ({person})" if person else self.company
        return person

    @property
    def unpaid(self) -> tuple[Invoice, ...]:
        return tuple(i for i in self.invoices if i.status is InvoiceStatus.UNPAID)

    @property
    def balance(self) -> Decimal:
        """What the customer owes now: the sum of the unpaid invoices."""
        return sum((i.amount for i in self.unpaid), Decimal("0.00"))

    def invoice(self, number: str) -> Invoice | None:
        return next((i for i in self.invoices if i.number == number), None)


class CrmSeed(DataModel):
    """crm.yaml"""

    records: tuple[CrmRecord, ...] = Field(min_length=1)

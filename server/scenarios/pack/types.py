"""Small value types shared by the scenario-pack models: money, phone numbers, criterion
references and the enums an author writes in the YAML files (values in French)."""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, model_validator

from server.core.loading import DataModel

CENT = Decimal("0.01")


def _money(value: Decimal) -> Decimal:
    if value != value.quantize(CENT):
        raise ValueError("montant en euros : au plus deux décimales")
    if value < 0:
        raise ValueError("montant négatif")
    return value.quantize(CENT)


# An amount in euros, two decimals; YAML `49.90` or "49.90" both load; dumps as "49.90".
Money = Annotated[Decimal, AfterValidator(_money)]

VAT_RATES = (Decimal("0"), Decimal("2.1"), Decimal("5.5"), Decimal("10"), Decimal("20"))


def _vat(value: Decimal) -> Decimal:
    if value not in VAT_RATES:
        raise ValueError("taux de TVA inconnu (0, 2.1, 5.5, 10 ou 20)")
    return value.quantize(Decimal("0.1"))


VatRate = Annotated[Decimal, AfterValidator(_vat)]


def format_amount(value: Decimal) -> str:
    """French notation without the currency sign: 1234.5 -> '1 234,50'."""
    whole, cents = f"{value.quantize(CENT):.2f}".split(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{' '.join(groups)},{cents}"


PHONE_RE = re.compile(r"^0[1-9]\d{8}$")


def phone_digits(text: str) -> str:
    """'+33 1 84 60 12 34', '01.84.60.12.34' -> '0184601234' (raises ValueError otherwise)."""
    raw = re.sub(r"[\s.\-\u00a0\u202f]", "", text)
    if raw.startswith("+33"):
        raw = "0" + raw[3:]
    elif raw.startswith("0033"):
        raw = "0" + raw[4:]
    if not PHONE_RE.match(raw):
        raise ValueError(f"numéro de téléphone français invalide : {text!r} (10 chiffres, 0X…)")
    return raw


class Phone(DataModel):
    """A French number: written "02 41 72 18 45" in the files, kept as display and digits."""

    display: str
    digits: str

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, int):
            raise ValueError('écrivez le numéro entre guillemets, par exemple "02 41 72 18 45"')
        if isinstance(data, str):
            digits = phone_digits(data)
            return {
                "display": " ".join(digits[i : i + 2] for i in range(0, 10, 2)),
                "digits": digits,
            }
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Phone:
        if phone_digits(self.display) != self.digits:
            raise ValueError("display et digits ne désignent pas le même numéro")
        return self

    def __str__(self) -> str:
        return self.display


class CriterionRef(DataModel):
    """A criterion of the referential: `criterion` is its exact text or its 1-based index
    within the competence. A loaded pack always holds the exact text."""

    competence: str
    criterion: int | str


class SimulationKind(StrEnum):
    INBOUND_CALL = "appel_entrant"
    OUTBOUND_CALL = "appel_sortant"
    CHAT = "chat"

    @property
    def is_call(self) -> bool:
        return self is not SimulationKind.CHAT

    @property
    def label(self) -> str:
        return {
            SimulationKind.INBOUND_CALL: "Appel entrant",
            SimulationKind.OUTBOUND_CALL: "Appel sortant",
            SimulationKind.CHAT: "Messagerie instantanée",
        }[self]


class Channel(StrEnum):
    EMAIL = "courriel"
    LETTER = "courrier"
    SMS = "sms"

    @property
    def label(self) -> str:
        return {Channel.EMAIL: "Courriel", Channel.LETTER: "Courrier", Channel.SMS: "SMS"}[self]


class DossierKind(StrEnum):
    COMPANY = "entreprise"
    OFFERS = "offres"
    TERMS = "cgv"
    PROCEDURES = "procedures"
    INSTRUCTIONS = "consignes"
    DOCUMENTS = "documentation"


REQUIRED_DOSSIER_KINDS = (
    DossierKind.COMPANY,
    DossierKind.OFFERS,
    DossierKind.TERMS,
    DossierKind.PROCEDURES,
    DossierKind.INSTRUCTIONS,
)


class RecordKind(StrEnum):
    CLIENT = "client"
    PROSPECT = "prospect"
    USER = "usager"


class QuestionType(StrEnum):
    SINGLE_CHOICE = "choix_unique"
    MULTIPLE_CHOICE = "choix_multiple"
    SCALE = "echelle"
    YES_NO = "oui_non"
    NUMBER = "numerique"
    OPEN = "ouverte"

    @property
    def has_choices(self) -> bool:
        return self in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)

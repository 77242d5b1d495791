"""Pure rules of the candidate's CRM: money (Decimal, half-up to the cent), order totals with
VAT per rate, payment schedules, survey answer checks, French validation messages. No I/O.

The totals follow the candidate page's own computation (softphone_web/js/cti/money.js), so
what the candidate sees while typing is what the server records: catalogue prices are TTC;
the TTC of each rate is summed, its HT is that TTC ÷ (1 + rate) rounded half-up, the VAT is
the difference; shipping is charged at the main rate of the goods (the largest TTC share),
free from the order desk's threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from server.core.errors import PlateauError
from server.core.french_errors import french_message
from server.scenarios.pack.company import CatalogueItem
from server.scenarios.pack.simulations import PaymentPlan, Question
from server.scenarios.pack.types import QuestionType

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_OPEN_ANSWER = 4000


class CrmRefused(PlateauError):
    """Refused by the state of the exam (wrong phase, paused): HTTP 409."""


class CrmInvalid(CrmRefused):
    """Refused by the data (French message naming the field): HTTP 422."""

    status = 422


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    return str(cents(value))


def rate_text(rate: Decimal) -> str:
    """20.0 -> '20', 5.5 -> '5.5' (as the page prints it)."""
    text = f"{rate.normalize():f}"
    return text


def parse_amount(value: Any, field: str) -> Decimal:
    """'12,50', '12.5', 12.5 -> Decimal('12.50'); refuses the rest, naming the field."""
    try:
        amount = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\u202f", ""))
    except ArithmeticError:
        raise CrmInvalid(f"Champ « {field} » : un montant en euros.") from None
    if not amount.is_finite() or amount != amount.quantize(CENT) or amount < 0:
        raise CrmInvalid(f"Champ « {field} » : un montant positif, au centime près.")
    return amount.quantize(CENT)


# ---------------------------------------------------------------- orders


def order_totals(
    lines: Sequence[tuple[CatalogueItem, int]],
    *,
    shipping: Decimal = ZERO,
    free_shipping_from: Decimal | None = None,
) -> dict[str, Any]:
    """Totals of an order: lines TTC, VAT per rate (HT base and VAT), shipping, grand totals."""
    out_lines: list[dict[str, Any]] = []
    by_rate: dict[Decimal, Decimal] = {}
    subtotal = ZERO
    for item, quantity in lines:
        total = cents(item.price * quantity)
        subtotal += total
        by_rate[item.vat_rate] = by_rate.get(item.vat_rate, ZERO) + total
        out_lines.append(
            {
                "ref": item.ref,
                "label": item.label,
                "quantity": quantity,
                "unit_price": money(item.price),
                "vat_rate": rate_text(item.vat_rate),
                "total_ttc": money(total),
            }
        )
    ship = shipping
    if free_shipping_from is not None and subtotal >= free_shipping_from:
        ship = ZERO
    if subtotal == 0:
        ship = ZERO
    if ship and by_rate:
        main = max(by_rate, key=lambda rate: by_rate[rate])  # first of equals: line order
        by_rate[main] += ship
    vat: list[dict[str, str]] = []
    total_ht = total_tva = ZERO
    for rate in sorted(by_rate):
        ttc = by_rate[rate]
        ht = cents(ttc / (1 + rate / 100))
        total_ht, total_tva = total_ht + ht, total_tva + (ttc - ht)
        vat.append(
            {"rate": rate_text(rate), "ht": money(ht), "tva": money(ttc - ht), "ttc": money(ttc)}
        )
    return {
        "lines": out_lines,
        "subtotal": money(subtotal),
        "shipping": money(ship),
        "vat": vat,
        "total_ht": money(total_ht),
        "total_tva": money(total_tva),
        "total_ttc": money(subtotal + ship),
    }


# ---------------------------------------------------------------- payment agreements


def schedule(
    amount: Decimal, plan: PaymentPlan, first: dt.date
) -> tuple[Decimal, list[dict[str, Any]]]:
    """(total with fees, instalments): equal instalments rounded down to the cent, the last
    one takes the rest — as the candidate page shows it."""
    total = amount + plan.fees
    n = plan.installments
    each = (total / n).quantize(CENT, rounding=ROUND_DOWN)
    rows = [
        {
            "index": k + 1,
            "date": (first + dt.timedelta(days=plan.interval_days * k)).isoformat(),
            "amount": money(each if k < n - 1 else total - each * (n - 1)),
        }
        for k in range(n)
    ]
    return total, rows


def default_plans(up_to: int = 6) -> tuple[PaymentPlan, ...]:
    """When the simulation gives no procedure: what the page offers (1 to 6 monthly)."""
    return tuple(
        PaymentPlan(
            label="Paiement en une fois" if n == 1 else f"{n} mensualités",
            installments=n,
        )
        for n in (1, 2, 3, 4, 6)
        if n <= up_to
    )


# ---------------------------------------------------------------- survey answers


def check_answer(question: Question, value: Any) -> Any:
    """The answer as it will be stored (open answers verbatim), or CrmInvalid."""
    where = f"Réponse à « {question.id} »"
    if value is None or value == "":
        return None  # cleared
    if value == [] and question.type is QuestionType.MULTIPLE_CHOICE:
        return None  # every box unticked: cleared
    match question.type:
        case QuestionType.SINGLE_CHOICE:
            if value not in question.choices:
                raise CrmInvalid(f"{where} : choisissez une des réponses proposées.")
        case QuestionType.MULTIPLE_CHOICE:
            if (
                not isinstance(value, list)
                or any(v not in question.choices for v in value)
                or len(set(value)) != len(value)
            ):
                raise CrmInvalid(f"{where} : choisissez parmi les réponses proposées.")
        case QuestionType.SCALE:
            low, high = question.scale_min, question.scale_max
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:  # type: ignore[operator]
                raise CrmInvalid(f"{where} : une note entière de {low} à {high}.")
        case QuestionType.YES_NO:
            if value not in ("oui", "non", True, False):
                raise CrmInvalid(f"{where} : oui ou non.")
            value = {True: "oui", False: "non"}.get(value, value)
        case QuestionType.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise CrmInvalid(f"{where} : un nombre.")
        case QuestionType.OPEN:
            if not isinstance(value, str):
                raise CrmInvalid(f"{where} : du texte.")
            if len(value) > MAX_OPEN_ANSWER:
                raise CrmInvalid(f"{where} : au plus {MAX_OPEN_ANSWER} caractères.")
    return value


# ---------------------------------------------------------------- validation messages


def french_error(err: Mapping[str, Any], default_field: str) -> str:
    """One pydantic error as « Champ « email » : format invalide. »"""
    where = ".".join(str(p) for p in err.get("loc", ())) or default_field
    return f"Champ « {where} » : {french_message(err)}."

"""The limits a collection procedure sets on a payment schedule, checked the same way for the
candidate's agreement (server/crm) and for the juror card's expected agreement (the pack's
validation): so a schedule the card rewards is one the tool records. Pure; French messages.

A plan (`PaymentPlan`) says how many instalments, the smallest one, how soon the first and the
last must fall after the agreement (`first_within_days`, `last_within_days`); its
`interval_days` only spaces the schedule the tool proposes. Any schedule inside those limits
may be agreed: amounts and dates are the candidate's to negotiate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from server.scenarios.pack.simulations import PaymentPlan


def _euros(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",") + " €"


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def schedule_problems(
    plan: PaymentPlan,
    total: Decimal,
    rows: Sequence[tuple[dt.date, Decimal]],
    agreed_on: dt.date,
) -> list[str]:
    """What is wrong with `rows` ((due date, amount) in order) for `total` under `plan`,
    agreed on `agreed_on`: an empty list when the schedule may be recorded."""
    out: list[str] = []
    if len(rows) != plan.installments:
        out.append(
            f"{plan.installments} échéance(s) prévue(s) par « {plan.label} », {len(rows)} saisie(s)"
        )
        return out
    dates = [d for d, _ in rows]
    if any(b <= a for a, b in zip(dates, dates[1:], strict=False)):
        out.append("les dates des échéances doivent se suivre, une par date")
    if dates and dates[0] < agreed_on:
        out.append(
            f"première échéance le {_day(dates[0])}, avant la date de l'accord ({_day(agreed_on)})"
        )
    if dates and plan.first_within_days is not None:
        limit = agreed_on + dt.timedelta(days=plan.first_within_days)
        if dates[0] > limit:
            out.append(f"première échéance au plus tard le {_day(limit)} selon la procédure")
    if dates and plan.last_within_days is not None:
        limit = agreed_on + dt.timedelta(days=plan.last_within_days)
        if dates[-1] > limit:
            out.append(f"dernière échéance au plus tard le {_day(limit)} selon la procédure")
    for due, amount in rows:
        if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            out.append(f"échéance du {_day(due)} : un montant positif au centime")
        elif plan.min_installment and amount < plan.min_installment:
            out.append(
                f"échéance de {_euros(amount)} sous le minimum de {_euros(plan.min_installment)}"
            )
    paid = sum((a for _, a in rows), Decimal("0.00"))
    if paid != total:
        out.append(f"les échéances font {_euros(paid)}, le total dû est {_euros(total)}")
    return out

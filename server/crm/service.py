"""Use-cases of the candidate's CRM: edit a record, add a contact note, schedule a callback or
an appointment, record an order or a payment agreement. Each goes through `store.mutate`
(calls phase only, idempotent by `client_id`, logged, announced live to the jury)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from server.core.context import AppContext
from server.crm import store
from server.crm.domain import (
    CrmInvalid,
    CrmRefused,
    default_plans,
    money,
    order_totals,
    parse_amount,
    schedule,
)
from server.crm.store import FieldEdit, Record, changes, record, records  # reads: __all__
from server.scenarios.pack.models import FormatSubset, ScenarioPack
from server.scenarios.pack.simulations import Collection, OrderDesk
from server.scenarios.payment_rules import schedule_problems

__all__ = ["CrmInvalid", "CrmRefused", "changes", "record", "records"]

EDITABLE = {
    "civility",
    "last_name",
    "first_name",
    "company",
    "position",
    "email",
    "segment",
    "notes",
    "consent",
    "phones",
    "address",
}
ADDRESS_PARTS = ("street", "postcode", "city")
CHANNELS = ("telephone", "courriel", "courrier", "sms", "chat", "web", "agence")


def _address(data: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any] | None:
    """The page edits the address as three flat fields; empty all three to remove it."""
    current = dict(data.get("address") or {})
    if isinstance(fields.get("address"), dict):
        current.update(fields["address"])
    for part in ADDRESS_PARTS:
        if part in fields:
            current[part] = str(fields[part]).strip()
    if not any(current.get(p) for p in ADDRESS_PARTS):
        return None
    return current


async def edit(
    ctx: AppContext, candidate_id: str, record_id: str, fields: dict[str, Any], *, actor: str
) -> store.MutationPayload:
    """Several fields at once, all or nothing; one log row per field that really changed."""
    unknown = set(fields) - EDITABLE - set(ADDRESS_PARTS)
    if unknown:
        raise CrmInvalid(f"Champ non modifiable : {', '.join(sorted(unknown))}.")

    def apply(data: Record, *_: Any) -> list[FieldEdit]:
        wanted = {k: v for k, v in fields.items() if k in EDITABLE and k != "address"}
        if "email" in wanted and not (wanted["email"] or "").strip():
            wanted["email"] = None
        if set(fields) & {"address", *ADDRESS_PARTS}:
            wanted["address"] = _address(data, fields)
        out: list[FieldEdit] = []
        for name, value in wanted.items():
            if data.get(name) != value:
                out.append((name, data.get(name), value))
                data[name] = value
        return out

    return await store.mutate(
        ctx, candidate_id, record_id, "edit", apply, client_id=None, actor=actor
    )


async def note(
    ctx: AppContext,
    candidate_id: str,
    record_id: str,
    channel: str,
    summary: str,
    *,
    client_id: str | None,
    actor: str,
) -> store.MutationPayload:
    """A contact note in the record's history, dated the story's day, text as typed."""
    if not summary.strip():
        raise CrmInvalid("Champ « summary » : la note est vide.")
    if channel not in CHANNELS:
        raise CrmInvalid(f"Champ « channel » : un canal parmi {', '.join(CHANNELS)}.")

    def apply(data: Record, pack: ScenarioPack, *_: Any) -> list[FieldEdit]:
        entry = {"date": pack.story_date.isoformat(), "channel": channel, "summary": summary}
        data["history"] = [*data.get("history", []), entry]
        return [("history", None, entry)]

    return await store.mutate(
        ctx, candidate_id, record_id, "note", apply, client_id=client_id, actor=actor
    )


def free_slots(sub: FormatSubset) -> dict[str, list[str]]:
    """Representatives' free slots from the pack, minute precision: 'YYYY-MM-DDTHH:MM'."""
    out: dict[str, list[str]] = {}
    for s in sub.simulations:
        if s.candidate.appointment:
            for rep in s.candidate.appointment.representatives:
                for slot in rep.slots:
                    out.setdefault(slot.isoformat()[:16], []).append(rep.name)
    return out


async def appointment(
    ctx: AppContext,
    candidate_id: str,
    record_id: str,
    *,
    kind: str,
    at: dt.datetime,
    contact: str,
    subject: str,
    representative: str | None = None,
    client_id: str | None,
    actor: str,
) -> store.MutationPayload:
    """A callback (any time) or an appointment — in a representative's free slot when the
    session has a prospecting simulation, and never twice with the same representative."""
    if kind not in ("rappel", "rendez_vous"):
        raise CrmInvalid("Champ « kind » : rappel ou rendez_vous.")
    if not subject.strip():
        raise CrmInvalid("Champ « subject » : l'objet est obligatoire.")
    minute = at.replace(tzinfo=None, second=0, microsecond=0).isoformat()[:16]

    def apply(
        data: Record, _: ScenarioPack, sub: FormatSubset, others: list[Record]
    ) -> list[FieldEdit]:
        entry: dict[str, Any] = {"at": minute, "contact": contact.strip(), "subject": subject}
        if kind == "rappel":
            data["callbacks"] = [*data.get("callbacks", []), entry]
            return [("callbacks", None, {**entry, "kind": kind})]
        slots = free_slots(sub)
        if slots:
            reps = slots.get(minute)
            if not reps:
                raise CrmInvalid("Champ « at » : ce créneau n'est pas libre chez les commerciaux.")
            if representative is not None and representative not in reps:
                raise CrmInvalid("Champ « representative » : pas libre à cette heure.")
            booked = [
                b.get("representative")
                for d in others
                for b in d.get("bookings", [])
                if str(b.get("at", ""))[:16] == minute
            ]
            free = [r for r in reps if r not in booked and representative in (None, r)]
            if not free:
                raise CrmInvalid("Champ « at » : ce créneau est déjà réservé.")
            data["bookings"] = [*data.get("bookings", []), {**entry, "representative": free[0]}]
            data["appointments"] = [*data.get("appointments", []), entry]
            return [("appointments", None, {**entry, "kind": kind, "representative": free[0]})]
        data["appointments"] = [*data.get("appointments", []), entry]
        return [("appointments", None, {**entry, "kind": kind})]

    return await store.mutate(
        ctx, candidate_id, record_id, "appointment", apply, client_id=client_id, actor=actor
    )


def _order_desk(sub: FormatSubset, record_id: str) -> OrderDesk | None:
    desks = [s.candidate for s in sub.simulations if s.candidate.order]
    mine = next((c for c in desks if c.crm_record == record_id), None)
    chosen = mine or (desks[0] if desks else None)
    return chosen.order if chosen else None


async def order(
    ctx: AppContext,
    candidate_id: str,
    record_id: str,
    *,
    lines: list[dict[str, Any]],
    payment_method: str,
    shipping: Any = None,
    note_text: str = "",
    client_id: str | None,
    actor: str,
) -> store.MutationPayload:
    """An order from the catalogue: prices, VAT and shipping from the pack (what the page
    sends for them is ignored), totals in Decimal; added to the record's orders."""
    if not lines:
        raise CrmInvalid("Champ « lines » : la commande est vide.")

    def apply(
        data: Record, pack: ScenarioPack, sub: FormatSubset, _: list[Record]
    ) -> list[FieldEdit]:
        items = []
        for i, line in enumerate(lines):
            try:
                item = pack.catalogue_item(str(line.get("ref")))
            except KeyError:
                raise CrmInvalid(f"Champ « lines[{i}].ref » : référence inconnue.") from None
            if item.principal != data.get("principal"):
                raise CrmInvalid(f"Champ « lines[{i}].ref » : article d'un autre donneur d'ordre.")
            if not item.available:
                raise CrmInvalid(f"Champ « lines[{i}].ref » : article indisponible.")
            quantity = line.get("quantity")
            if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
                raise CrmInvalid(f"Champ « lines[{i}].quantity » : un nombre entier d'au moins 1.")
            items.append((item, quantity))
        desk = _order_desk(sub, record_id)
        if desk is not None:
            if payment_method not in desk.payment_methods:
                raise CrmInvalid("Champ « payment_method » : moyen de paiement non accepté.")
            ship = desk.shipping or Decimal("0")
            totals = order_totals(items, shipping=ship, free_shipping_from=desk.free_shipping_from)
        else:
            if not payment_method.strip():
                raise CrmInvalid("Champ « payment_method » : obligatoire.")
            ship = parse_amount(shipping or "0", "shipping")
            totals = order_totals(items, shipping=ship)
        entry = {
            "ref": f"CMD-{record_id}-{len(data.get('orders', [])) + 1:02d}",
            "date": pack.story_date.isoformat(),
            "lines": [
                {k: ln[k] for k in ("ref", "label", "quantity", "unit_price")}
                for ln in totals["lines"]
            ],
            "shipping": totals["shipping"],
            "total": totals["total_ttc"],
            "status": "enregistrée",
        }
        data["orders"] = [*data.get("orders", []), entry]
        detail = {**entry, "totals": totals, "payment_method": payment_method, "note": note_text}
        return [("orders", None, detail)]

    return await store.mutate(
        ctx, candidate_id, record_id, "order", apply, client_id=client_id, actor=actor
    )


def _collection(sub: FormatSubset, record_id: str) -> Collection | None:
    return next(
        (
            s.candidate.collection
            for s in sub.simulations
            if s.candidate.collection and s.candidate.crm_record == record_id
        ),
        None,
    )


async def agreement(
    ctx: AppContext,
    candidate_id: str,
    record_id: str,
    *,
    plan: str,
    amount: Any,
    first_date: dt.date | None,
    payment_method: str,
    installments: list[tuple[dt.date, Any]] | None = None,
    invoices: list[str] | None = None,
    note_text: str = "",
    client_id: str | None,
    actor: str,
) -> store.MutationPayload:
    """A payment agreement: one of the plans the collection procedure allows, for at most the
    debt (the unpaid invoices); its schedule the one negotiated (`installments`: any dates and
    amounts within the plan's limits, server/scenarios/payment_rules.py) or, without it, the
    plan's proposal from `first_date`; kept on the record."""
    value = parse_amount(amount, "amount")
    agreed = (
        [
            (day, parse_amount(v, f"installments[{k}].amount"))
            for k, (day, v) in enumerate(installments)
        ]
        if installments is not None
        else None
    )

    def apply(
        data: Record, pack: ScenarioPack, sub: FormatSubset, _: list[Record]
    ) -> list[FieldEdit]:
        unpaid = {
            i["number"]: Decimal(str(i["amount"]))
            for i in data.get("invoices", [])
            if i.get("status") == "impayee"
        }
        chosen_invoices = list(invoices) if invoices else list(unpaid)
        unknown = [n for n in chosen_invoices if n not in unpaid]
        if unknown:
            raise CrmInvalid(f"Champ « invoices » : pas une facture impayée ({unknown[0]}).")
        debt = sum((unpaid[n] for n in chosen_invoices), Decimal("0.00"))
        if debt <= 0:
            raise CrmInvalid("Champ « amount » : ce client n'a pas d'impayé.")
        if value <= 0 or value > debt:
            raise CrmInvalid(f"Champ « amount » : entre 0,01 € et la dette ({money(debt)} €).")
        collection = _collection(sub, record_id)
        plans = collection.plans if collection else default_plans()
        chosen = next((p for p in plans if p.label == plan), None)
        if chosen is None:
            raise CrmInvalid("Champ « plan » : cet échéancier n'est pas prévu par la procédure.")
        if collection and payment_method not in collection.payment_methods:
            raise CrmInvalid("Champ « payment_method » : moyen de paiement non prévu.")
        if agreed is None:
            total, rows = schedule(value, chosen, first_date or pack.story_date)
        else:
            total = value + chosen.fees
            rows = [
                {"index": k + 1, "date": day.isoformat(), "amount": money(v)}
                for k, (day, v) in enumerate(agreed)
            ]
        dated = [(dt.date.fromisoformat(r["date"]), Decimal(r["amount"])) for r in rows]
        problems = schedule_problems(chosen, total, dated, pack.story_date)
        if problems:
            raise CrmInvalid(f"Champ « installments » : {problems[0]}.")
        entry = {
            "plan": chosen.label,
            "invoices": chosen_invoices,
            "amount": money(value),
            "fees": money(chosen.fees),
            "total": money(total),
            "payment_method": payment_method,
            "installments": rows,
            "note": note_text,
        }
        data["agreements"] = [*data.get("agreements", []), entry]
        return [("agreements", None, entry)]

    return await store.mutate(
        ctx,
        candidate_id,
        record_id,
        "payment_agreement",
        apply,
        client_id=client_id,
        actor=actor,
    )

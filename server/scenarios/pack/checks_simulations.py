"""Cross-reference checks of the simulation files: competences, phone numbers, the popped
CRM record, the tools each competence needs, and the juror card's criteria."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from server.core.referential import Title
from server.scenarios.pack.company import CatalogueItem
from server.scenarios.pack.crm import CrmRecord
from server.scenarios.pack.simulations import Simulation
from server.scenarios.pack.types import SimulationKind
from server.scenarios.pack.validation import PackParts, Problems, duplicates, resolve_criterion
from server.scenarios.payment_rules import schedule_problems

# What a simulation evaluating a competence must carry, per title (the referential files
# hold no such rule yet). Tools are candidate-visible blocks; card fields are jury-only.
REQUIRED_TOOLS: dict[tuple[str, str], str] = {
    ("CRCD", "CP1"): "survey",  # the questionnaire, read word for word
    ("CRCD", "CP5"): "appointment",  # the representatives' free slots
    ("CRCD", "CP6"): "order",  # items, substitutes, add-ons
    ("CRCD", "CP9"): "collection",  # the debt and the allowed payment plans
}
REQUIRED_CARD_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("CRCD", "CP5"): ("barriers", "objections"),
    ("CRCD", "CP7"): ("objections",),
    ("CRCD", "CP8"): ("objections",),
    ("CRCD", "CP9"): ("objections", "agreement"),
}


def check_simulations(
    parts: PackParts, title: Title | None, out: Problems
) -> list[tuple[Path, Simulation]]:
    """Every problem of every simulation file; returns the simulations with their juror
    cards' criteria resolved to the referential's exact text."""
    sims = parts.simulations
    if not sims and parts.complete:
        out.add(parts.file("simulations"), "", "aucune simulation (fichiers simulations/*.yaml)")
    id_dups = duplicates([s.id for _, s in sims])
    phone_owner: dict[str, str] = {}
    records = {r.id: r for r in parts.crm or ()}
    catalogue = {c.ref: c for c in parts.catalogue or ()}
    resolved: list[tuple[Path, Simulation]] = []
    for path, sim in sims:
        if sim.id in id_dups:
            out.add(path, "id", f"simulation {sim.id} définie dans plusieurs fichiers")
        phone = sim.candidate.phone
        if phone is not None:
            if phone.digits in phone_owner:
                out.add(
                    path,
                    "candidate.phone",
                    f"numéro {phone} déjà utilisé par la simulation {phone_owner[phone.digits]}",
                )
            phone_owner.setdefault(phone.digits, sim.id)
        _check_one(parts, title, path, sim, records, catalogue, out)
        resolved.append((path, _resolve_watch(title, path, sim, out)))
    return resolved


def _check_one(
    parts: PackParts,
    title: Title | None,
    path: Path,
    sim: Simulation,
    records: dict[str, CrmRecord],
    catalogue: dict[str, CatalogueItem],
    out: Problems,
) -> None:
    c = sim.candidate
    head = parts.head
    if title is not None:
        known = {comp.code for comp in title.competences}
        for j, code in enumerate(sim.competences):
            if code not in known:
                out.add(path, f"competences[{j}]", f"compétence inconnue {code}")
        for code in sim.competences:
            tool = REQUIRED_TOOLS.get((title.id, code))
            if tool and getattr(c, tool) is None:
                out.add(path, f"candidate.{tool}", f"une simulation {code} doit fournir {tool}")
            for name in REQUIRED_CARD_FIELDS.get((title.id, code), ()):
                if not getattr(sim.juror, name):
                    out.add(path, f"juror.{name}", f"une simulation {code} doit en prévoir")
    if head is not None and c.principal not in {p.id for p in head.principals}:
        out.add(path, "candidate.principal", f"donneur d'ordre inconnu {c.principal}")
    if sim.kind.is_call:
        if c.phone is None:
            out.add(path, "candidate.phone", "un appel a un numéro (appelant ou appelé)")
        if c.crm_record is None:
            out.add(path, "candidate.crm_record", "un appel ouvre une fiche CRM")
    if sim.kind is SimulationKind.OUTBOUND_CALL and not c.brief.strip():
        out.add(path, "candidate.brief", "un appel sortant dit au candidat qui appeler et pourquoi")
    record = records.get(c.crm_record) if c.crm_record else None
    if c.crm_record and record is None and parts.crm is not None:
        out.add(path, "candidate.crm_record", f"fiche CRM inconnue {c.crm_record}")
    if record is not None:
        if record.principal != c.principal:
            out.add(
                path,
                "candidate.crm_record",
                f"la fiche {record.id} appartient au donneur "
                f"d'ordre {record.principal}, pas {c.principal}",
            )
        if c.phone is not None and c.phone.digits not in {p.digits for p in record.phones}:
            out.add(
                path,
                "candidate.phone",
                f"le numéro {c.phone} ne figure pas sur la fiche {record.id}",
            )
    if parts.catalogue is not None:
        for j, ref in enumerate(c.offers):
            _check_ref(catalogue, c.principal, ref, path, f"candidate.offers[{j}]", out)
    _check_survey(sim, path, out)
    if head is not None and c.appointment is not None:
        for r, rep in enumerate(c.appointment.representatives):
            for k, slot in enumerate(rep.slots):
                if slot.date() <= head.story_date:
                    out.add(
                        path,
                        f"candidate.appointment.representatives[{r}].slots[{k}]",
                        f"créneau {slot.isoformat(' ', 'minutes')} pas après la date du "
                        f"sujet ({head.story_date.isoformat()})",
                    )
            if duplicates([s.isoformat() for s in rep.slots]):
                out.add(
                    path, f"candidate.appointment.representatives[{r}].slots", "créneau en double"
                )
    if c.order is not None and parts.catalogue is not None:
        _check_order(sim, catalogue, path, out)
    if c.collection is not None:
        _check_collection(sim, record, path, out)
        if head is not None:
            _check_expected_agreement(sim, head.story_date, path, out)
    elif sim.juror.agreement is not None:
        out.add(path, "juror.agreement", "un accord de paiement sans « candidate.collection »")


def _check_ref(
    catalogue: dict[str, CatalogueItem],
    principal: str,
    ref: str,
    path: Path,
    where: str,
    out: Problems,
) -> CatalogueItem | None:
    item = catalogue.get(ref)
    if item is None:
        out.add(path, where, f"référence catalogue inconnue {ref}")
    elif item.principal != principal:
        out.add(path, where, f"{ref} est un article de {item.principal}, pas de {principal}")
    return item


def _check_survey(sim: Simulation, path: Path, out: Problems) -> None:
    survey, answers = sim.candidate.survey, sim.juror.survey_answers
    if survey is None:
        if answers:
            out.add(path, "juror.survey_answers", "réponses d'enquête sans questionnaire")
        return
    ids = [q.id for q in survey.questions]
    if duplicates(ids):
        out.add(path, "candidate.survey.questions", "identifiant de question en double")
    for qid in answers:
        if qid not in ids:
            out.add(path, f"juror.survey_answers.{qid}", f"question inconnue {qid}")
    for qid in ids:
        if qid not in answers:
            out.add(path, "juror.survey_answers", f"pas de réponse pour la question {qid}")


def _check_order(
    sim: Simulation, catalogue: dict[str, CatalogueItem], path: Path, out: Problems
) -> None:
    order, principal = sim.candidate.order, sim.candidate.principal
    assert order is not None
    items = {}
    for j, ref in enumerate(order.items):
        item = _check_ref(catalogue, principal, ref, path, f"candidate.order.items[{j}]", out)
        if item is not None:
            items[ref] = item
    for j, ref in enumerate(order.add_ons):
        item = _check_ref(catalogue, principal, ref, path, f"candidate.order.add_ons[{j}]", out)
        if item is not None and not item.available:
            out.add(path, f"candidate.order.add_ons[{j}]", f"{ref} est indisponible")
    for ref, subs in order.substitutes.items():
        where = f"candidate.order.substitutes.{ref}"
        if ref not in order.items:
            out.add(path, where, f"{ref} n'est pas un article de la commande (items)")
        elif ref in items and items[ref].available:
            out.add(path, where, f"{ref} est disponible : pas de substitut à prévoir")
        for k, sub in enumerate(subs):
            item = _check_ref(catalogue, principal, sub, path, f"{where}[{k}]", out)
            if item is not None and not item.available:
                out.add(path, f"{where}[{k}]", f"le substitut {sub} est lui-même indisponible")
    for ref, item in items.items():
        if not item.available and ref not in order.substitutes:
            out.add(
                path,
                "candidate.order.substitutes",
                f"{ref} est indisponible : prévoir au moins un produit de substitution",
            )


def _check_collection(sim: Simulation, record: CrmRecord | None, path: Path, out: Problems) -> None:
    debt = sim.candidate.collection
    assert debt is not None
    if record is not None:
        total = Decimal("0.00")
        for j, number in enumerate(debt.invoices):
            invoice = record.invoice(number)
            if invoice is None:
                out.add(
                    path,
                    f"candidate.collection.invoices[{j}]",
                    f"facture {number} absente de la fiche {record.id}",
                )
            elif invoice.status.value != "impayee":
                out.add(
                    path,
                    f"candidate.collection.invoices[{j}]",
                    f"la facture {number} n'est pas impayée",
                )
            else:
                total += invoice.amount
        if total and total != debt.amount_due:
            out.add(
                path,
                "candidate.collection.amount_due",
                f"{debt.amount_due} € annoncés, les factures impayées font {total} €",
            )
    for j, plan in enumerate(debt.plans):
        if plan.min_installment and debt.amount_due / plan.installments < plan.min_installment:
            out.add(
                path,
                f"candidate.collection.plans[{j}]",
                f"{plan.installments} échéances de moins de {plan.min_installment} € : "
                "plan impossible pour cette dette",
            )


def _check_expected_agreement(
    sim: Simulation, story_date: dt.date, path: Path, out: Problems
) -> None:
    """The card's agreement is one the candidate's tool records: a plan of the procedure, its
    schedule within that plan's limits, for the whole debt."""
    debt = sim.candidate.collection
    expected = sim.juror.agreement
    assert debt is not None
    if expected is None:
        return
    plan = next((p for p in debt.plans if p.label == expected.plan), None)
    if plan is None:
        out.add(
            path,
            "juror.agreement.plan",
            f"« {expected.plan} » n'est pas un échéancier de candidate.collection.plans",
        )
        return
    rows = [(i.date, i.amount) for i in expected.installments]
    for problem in schedule_problems(plan, debt.amount_due + plan.fees, rows, story_date):
        out.add(path, "juror.agreement", f"l'outil du candidat refuserait cet accord : {problem}")


def _resolve_watch(title: Title | None, path: Path, sim: Simulation, out: Problems) -> Simulation:
    if title is None:
        return sim
    watch = []
    for j, ref in enumerate(sim.juror.watch):
        good, error = resolve_criterion(title, sim.competences, ref)
        if error:
            out.add(path, f"juror.watch[{j}]", error)
        watch.append(good or ref)
    return sim.model_copy(update={"juror": sim.juror.model_copy(update={"watch": tuple(watch)})})

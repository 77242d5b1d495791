"""Cross-reference checks of a pack's parts, each problem with its file and field.

Works on whatever parsed: a file with schema errors is simply absent here, and the checks
that need it are skipped, so one run reports everything it can."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from server.core.loading import Problem
from server.core.referential import Title
from server.scenarios.pack.company import CatalogueItem, DossierDocument
from server.scenarios.pack.crm import CrmRecord
from server.scenarios.pack.models import PackFile, ScenarioPack
from server.scenarios.pack.simulations import Simulation, WritingJurorNotes, WritingTask
from server.scenarios.pack.types import REQUIRED_DOSSIER_KINDS, Channel, CriterionRef, format_amount

PACK_FILE = "pack.yaml"
CATALOGUE_FILE = "catalogue.yaml"
CRM_FILE = "crm.yaml"
WRITING_FILE = "writing_tasks.yaml"
SIMULATIONS_DIR = "simulations"
DOSSIER_DIR = "dossier"


@dataclass
class PackParts:
    """The parsed files of one pack directory (None / empty where a file did not parse)."""

    root: Path
    head: PackFile | None = None
    catalogue: tuple[CatalogueItem, ...] | None = None
    crm: tuple[CrmRecord, ...] | None = None
    simulations: list[tuple[Path, Simulation]] = field(default_factory=list)
    writing: tuple[WritingTask, ...] | None = None
    dossier: list[tuple[Path, DossierDocument]] = field(default_factory=list)
    complete: bool = True  # every file parsed
    simulations_parsed: bool = True  # every simulations/*.yaml parsed (so an unknown id is one)
    dossier_read: bool = True  # every document pack.yaml lists was found (so a missing mention is)

    def file(self, name: str) -> str:
        return str(self.root / name)


class Problems(list[Problem]):
    def add(self, file: Path | str, where: str, message: str) -> None:
        self.append(Problem(str(file), where, message))


def duplicates(values: list[str]) -> set[str]:
    return {v for v, n in Counter(values).items() if n > 1}


def resolve_criterion(
    title: Title, allowed: tuple[str, ...], ref: CriterionRef
) -> tuple[CriterionRef | None, str | None]:
    """The reference with its exact criterion text, or why it is wrong."""
    if ref.competence not in allowed:
        return None, (
            f"compétence {ref.competence} non évaluée ici "
            f"(évaluées : {', '.join(allowed) or 'aucune'})"
        )
    try:
        criteria = title.competence(ref.competence).criteria
    except KeyError:
        return None, f"compétence inconnue {ref.competence}"
    if isinstance(ref.criterion, int):
        if not 1 <= ref.criterion <= len(criteria):
            return None, (
                f"{ref.competence} a {len(criteria)} critères : numéro {ref.criterion} hors limites"
            )
        return ref.model_copy(update={"criterion": criteria[ref.criterion - 1]}), None
    if ref.criterion not in criteria:
        return None, (
            f"critère inconnu pour {ref.competence} : « {ref.criterion} » "
            "(recopier le texte exact du référentiel ou donner son numéro)"
        )
    return ref, None


# ---------------------------------------------------------------- pack.yaml


def check_head(parts: PackParts, titles: dict[str, Title], out: Problems) -> Title | None:
    head = parts.head
    if head is None:
        return None
    f = parts.file(PACK_FILE)
    if head.id != parts.root.name:
        out.add(
            f,
            "id",
            f"l'identifiant {head.id} doit être le nom du dossier du pack ({parts.root.name})",
        )
    title = titles.get(head.title)
    if title is None:
        out.add(f, "title", f"titre inconnu {head.title} (connus : {', '.join(titles) or '-'})")
    declared = [u.format for u in head.formats]
    for i, use in enumerate(head.formats):
        if title is not None and use.format not in {fmt.id for fmt in title.formats}:
            out.add(f, f"formats[{i}].format", f"format inconnu {use.format} pour {title.id}")
        if use.format in duplicates(declared):
            out.add(f, f"formats[{i}].format", f"format {use.format} déclaré deux fois")
    for pid in duplicates([p.id for p in head.principals]):
        out.add(f, "principals", f"donneur d'ordre {pid} déclaré deux fois")
    for i, entry in enumerate(head.dossier):
        for fid in entry.formats:
            if fid not in declared:
                out.add(f, f"dossier[{i}].formats", f"format {fid} non déclaré par le pack")
    for fid in declared:
        kinds = {e.kind for e in head.dossier if not e.formats or fid in e.formats}
        for kind in REQUIRED_DOSSIER_KINDS:
            if kind not in kinds:
                out.add(f, "dossier", f"format {fid} : aucun document de type {kind.value}")
    return title


def check_catalogue(parts: PackParts, out: Problems) -> None:
    if parts.catalogue is None:
        return
    f = parts.file(CATALOGUE_FILE)
    principals = {p.id for p in parts.head.principals} if parts.head else None
    refs = [item.ref for item in parts.catalogue]
    for i, item in enumerate(parts.catalogue):
        if item.ref in duplicates(refs):
            out.add(f, f"items[{i}].ref", f"référence {item.ref} en double")
        if principals is not None and item.principal not in principals:
            out.add(f, f"items[{i}].principal", f"donneur d'ordre inconnu {item.principal}")
    if not parts.dossier or not parts.dossier_read:
        return  # the missing document may be the one that cites the reference and its price
    lines = [
        "".join(line.split()).replace("\u00a0", "").replace("\u202f", "")
        for _, doc in parts.dossier
        for line in doc.text.splitlines()
    ]
    for i, item in enumerate(parts.catalogue):
        ref = "".join(item.ref.split())
        price = "".join(format_amount(item.price).split())
        mentioning = [line for line in lines if ref in line]
        if not mentioning:
            out.add(f, f"items[{i}].ref", f"la référence {item.ref} n'apparaît pas dans le dossier")
        elif not any(price in line for line in mentioning):
            out.add(
                f,
                f"items[{i}].price",
                f"le prix {format_amount(item.price)} € de {item.ref} "
                "ne figure sur aucune ligne du dossier qui la cite",
            )


def check_crm(parts: PackParts, out: Problems) -> None:
    if parts.crm is None:
        return
    f = parts.file(CRM_FILE)
    head = parts.head
    principals = {p.id for p in head.principals} if head else None
    refs = {item.ref for item in parts.catalogue or ()}
    ids = [r.id for r in parts.crm]
    for i, r in enumerate(parts.crm):
        at = f"records[{i}]"
        if r.id in duplicates(ids):
            out.add(f, f"{at}.id", f"fiche {r.id} en double")
        if principals is not None and r.principal not in principals:
            out.add(f, f"{at}.principal", f"donneur d'ordre inconnu {r.principal}")
        for j, c in enumerate(r.contracts):
            if c.catalogue_ref and parts.catalogue is not None and c.catalogue_ref not in refs:
                out.add(
                    f,
                    f"{at}.contracts[{j}].catalogue_ref",
                    f"référence catalogue inconnue {c.catalogue_ref}",
                )
        if head is None:
            continue
        today = head.story_date
        dated = [("since", r.since)]
        dated += [(f"history[{j}].date", h.date) for j, h in enumerate(r.history)]
        dated += [(f"invoices[{j}].date", v.date) for j, v in enumerate(r.invoices)]
        dated += [(f"orders[{j}].date", o.date) for j, o in enumerate(r.orders)]
        dated += [(f"contracts[{j}].start", c.start) for j, c in enumerate(r.contracts)]
        for where, day in dated:
            if day is not None and day > today:
                out.add(
                    f,
                    f"{at}.{where}",
                    f"{day.isoformat()} est après la date du sujet ({today.isoformat()})",
                )
        for j, v in enumerate(r.invoices):
            if v.status.value == "impayee" and v.due >= today:
                out.add(
                    f,
                    f"{at}.invoices[{j}].status",
                    f"facture {v.number} impayée mais pas encore échue ({v.due.isoformat()})",
                )


# ---------------------------------------------------------------- writing tasks


def check_writing(
    parts: PackParts, title: Title | None, out: Problems
) -> tuple[WritingTask, ...] | None:
    if parts.writing is None:
        return None
    f = parts.file(WRITING_FILE)
    sims = {s.id: s for _, s in parts.simulations}
    resolved: list[WritingTask] = []
    followed: dict[str, str] = {}
    for i, w in enumerate(parts.writing):
        at = f"writing_tasks[{i}]"
        if w.id in duplicates([t.id for t in parts.writing]):
            out.add(f, f"{at}.id", f"tâche d'écriture {w.id} en double")
        if w.simulation in followed:
            out.add(
                f,
                f"{at}.simulation",
                f"la simulation {w.simulation} est déjà suivie de l'écrit "
                f"{followed[w.simulation]} : le RC prévoit une seule réponse écrite par simulation",
            )
        followed.setdefault(w.simulation, w.id)
        _check_replacement(w, f, at, out)
        sim = sims.get(w.simulation)
        if sim is None:
            if parts.simulations_parsed:  # else it may be the one that did not parse
                out.add(f, f"{at}.simulation", f"simulation inconnue {w.simulation}")
            resolved.append(w)
            continue
        juror = _resolved_notes(title, sim.competences, w.juror, f, f"{at}.juror", out)
        update: dict[str, object] = {"juror": juror}
        if w.replacement is not None:
            notes = _resolved_notes(
                title, sim.competences, w.replacement.juror, f, f"{at}.replacement.juror", out
            )
            update["replacement"] = w.replacement.model_copy(update={"juror": notes})
        resolved.append(w.model_copy(update=update))
    return tuple(resolved)


def _check_replacement(w: WritingTask, f: str, at: str, out: Problems) -> None:
    """What the candidate writes when the simulation was not played (never a confirmation of
    a call that did not take place)."""
    if w.channel is Channel.SMS and not w.candidate.max_length:
        out.add(f, f"{at}.candidate.max_length", "un SMS a une longueur maximale")
    if w.replaced:
        out.add(f, f"{at}.replaced", "champ réservé à Plateau : ne pas l'écrire dans le pack")
    if w.replacement is None and not w.standalone:
        out.add(
            f,
            f"{at}.replacement",
            f"aucun écrit de remplacement si la simulation {w.simulation} n'est pas jouée : "
            "donnez replacement (une consigne qui se suffit à elle-même et ses notes de "
            "correction) ou standalone: true si la consigne ne dépend pas de l'appel",
        )
    if w.replacement is not None and w.standalone:
        out.add(
            f,
            f"{at}.standalone",
            "standalone: true et replacement s'excluent : une consigne autonome n'a pas de "
            "remplacement",
        )
    if (
        w.replacement is not None
        and w.channel is Channel.SMS
        and not w.replacement.candidate.max_length
    ):
        out.add(f, f"{at}.replacement.candidate.max_length", "un SMS a une longueur maximale")


def _resolved_notes(
    title: Title | None,
    competences: tuple[str, ...],
    notes: WritingJurorNotes,
    f: str,
    at: str,
    out: Problems,
) -> WritingJurorNotes:
    if title is None:
        return notes
    watch = []
    for j, ref in enumerate(notes.watch):
        good, error = resolve_criterion(title, competences, ref)
        if error:
            out.add(f, f"{at}.watch[{j}]", error)
        watch.append(good or ref)
    return notes.model_copy(update={"watch": tuple(watch)})


# ---------------------------------------------------------------- whole pack


def check_formats(pack: ScenarioPack, title: Title, root: Path, out: Problems) -> None:
    from server.scenarios.pack.formats import select

    for i, use in enumerate(pack.formats):
        try:
            exam_format = title.format(use.format)
        except KeyError:
            continue  # reported by check_head
        _, problems = select(pack, exam_format)
        for message in problems:
            out.add(root / PACK_FILE, f"formats[{i}]", message)


def check_leaks(pack: ScenarioPack, sim_files: dict[str, Path], root: Path, out: Problems) -> None:
    """No jury-only sentence may be copied into what a candidate receives."""
    visible = " ".join(_strings(pack.candidate_view().model_dump(mode="json")))
    # A replacement brief reaches the candidate when its simulation was not played.
    replacements = [w.replacement.candidate.brief for w in pack.writing_tasks if w.replacement]
    visible += " " + " ".join(_strings(replacements))
    for s in pack.simulations:
        for sentence in _sentences(s.staff_texts()):
            if sentence in visible:
                out.add(
                    sim_files.get(s.id, root),
                    "juror",
                    f"texte réservé au jury repris dans le contenu du candidat : « {sentence} »",
                )
    for i, w in enumerate(pack.writing_tasks):
        for sentence in _sentences(w.jury_texts()):
            if sentence in visible:
                out.add(
                    root / WRITING_FILE,
                    f"writing_tasks[{i}].juror",
                    f"texte réservé au jury repris dans le contenu du candidat : « {sentence} »",
                )


def _strings(value: object) -> Iterator[str]:
    """Every string value (and dict key) of a JSON-like tree, whitespace collapsed."""
    if isinstance(value, str):
        yield " ".join(value.split())
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _sentences(texts: Iterable[str], min_length: int = 25) -> list[str]:
    from server.scenarios.pack.models import SENTENCE_END

    out = []
    for text in texts:
        for sentence in SENTENCE_END.split(" ".join(str(text).split())):
            if len(sentence) >= min_length:
                out.append(sentence)
    return out

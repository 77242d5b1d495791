"""Which simulations and writing tasks a session of a given format takes from a pack.

The RC rule, when the pack does not list them explicitly (pack.yaml `formats`):
- the simulations whose competences all belong to the format's practical part
  (titre: all nine; CCP 1: CP1–CP4, the chat included; CCP 2: CP5–CP9),
  minus any chat when the format allows none (CCP 2 is calls only);
- the writing tasks tied to those simulations, in order, up to the format's maximum
  (CCP 1: one);
- the dossier documents that serve the format, cut to the sections that serve it or one of
  its simulations (pack.yaml `dossier[i].sections`, see `pack.sections`).
The result must then meet the format's counts (`ExamFormat.simulations`: the RC's « des
réponses » of CCP 2 is at least two), cover each of its competences, mix inbound and outbound
calls where the RC says « appels entrants et sortants » (even with a single call), fit the
calls phase with the wrap-up after each call, and, for a format that plays only part of the
subject, not hand over the whole dossier. (That each format has its dossier documents,
consignes included, is checked on pack.yaml.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.core.referential import ExamFormat, PhaseKind
from server.scenarios.pack.sections import word_count
from server.scenarios.pack.types import SimulationKind

if TYPE_CHECKING:
    from server.scenarios.pack.company import DossierDocument
    from server.scenarios.pack.models import FormatSubset, ScenarioPack


class PackFormatError(ValueError):
    """The pack cannot serve the format; `problems` lists why, in French."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def select(pack: ScenarioPack, exam_format: ExamFormat) -> tuple[FormatSubset, list[str]]:
    """The subset for `exam_format` and every problem with it (empty when it is usable)."""
    from server.scenarios.pack.models import FormatSubset

    problems: list[str] = []
    use = pack.format_use(exam_format.id)
    if use is None:
        problems.append(f"le pack {pack.id} ne déclare pas le format {exam_format.id}")
    by_id = {s.id: s for s in pack.simulations}
    tasks_by_id = {w.id: w for w in pack.writing_tasks}

    if use is not None and use.simulations is not None:
        unknown = [i for i in use.simulations if i not in by_id]
        problems += [f"simulation inconnue {i}" for i in unknown]
        wanted = set(use.simulations)
        sims = tuple(s for s in pack.simulations if s.id in wanted)
    else:
        practical = set(exam_format.practical)
        no_chat = exam_format.simulations.chats.max == 0
        sims = tuple(
            s
            for s in pack.simulations
            if set(s.competences) <= practical and not (no_chat and s.kind is SimulationKind.CHAT)
        )
    kept = {s.id for s in sims}

    if use is not None and use.writing_tasks is not None:
        problems += [
            f"tâche d'écriture inconnue {i}" for i in use.writing_tasks if i not in tasks_by_id
        ]
        wanted = set(use.writing_tasks)
        tasks = tuple(w for w in pack.writing_tasks if w.id in wanted)
    else:
        tasks = tuple(w for w in pack.writing_tasks if w.simulation in kept)
        limit = exam_format.simulations.writing_tasks.max
        if limit is not None:
            tasks = tasks[:limit]
    whole = tuple(d for d in pack.dossier if d.serves(exam_format.id))
    docs = tuple(d.for_format(exam_format.id, frozenset(kept)) for d in whole)
    subset = FormatSubset(
        format=exam_format.id, simulations=sims, writing_tasks=tasks, dossier=docs
    )
    if len(sims) < len(pack.simulations):
        problems += _whole_dossier(whole, docs, exam_format)
    return subset, problems + subset_problems(
        subset, exam_format, wrap_up_minutes=pack.wrap_up_minutes
    )


def _whole_dossier(
    whole: tuple[DossierDocument, ...], docs: tuple[DossierDocument, ...], exam_format: ExamFormat
) -> list[str]:
    """A format playing part of the subject must not receive the whole dossier."""
    words = sum(word_count(d.text) for d in whole)
    if not words or sum(word_count(d.text) for d in docs) < words:
        return []
    preparation = exam_format.phase(PhaseKind.PREPARATION)
    reading = f" pour {preparation.minutes} min de préparation" if preparation else ""
    return [
        f"format {exam_format.id} : le dossier est donné en entier ({words} mots{reading}) "
        "alors que ce format ne joue qu'une partie des simulations : dites dans pack.yaml "
        "(dossier[].sections) quelles sections servent quelles simulations ou quels formats"
    ]


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n <= 1 else plural}"


def subset_problems(
    subset: FormatSubset, exam_format: ExamFormat, *, wrap_up_minutes: int = 0
) -> list[str]:
    fid = exam_format.id
    problems: list[str] = []
    calls = [s for s in subset.simulations if s.kind.is_call]
    chats = [s for s in subset.simulations if s.kind is SimulationKind.CHAT]
    counts = exam_format.simulations
    for singular, plural, n, count in (
        ("appel", "appels", len(calls), counts.calls),
        ("chat", "chats", len(chats), counts.chats),
        ("tâche d'écriture", "tâches d'écriture", len(subset.writing_tasks), counts.writing_tasks),
    ):
        if not count.admits(n):
            problems.append(f"format {fid} : {_count(n, singular, plural)}, il en faut {count}")

    evaluated = {c for s in subset.simulations for c in s.competences}
    for code in exam_format.practical:
        if code not in evaluated:
            problems.append(
                f"format {fid} : la compétence {code} n'est évaluée par aucune simulation"
            )
    for s in subset.simulations:
        outside = [c for c in s.competences if c not in exam_format.practical]
        if outside:
            problems.append(
                f"format {fid} : la simulation {s.id} évalue {', '.join(outside)}, "
                "hors de ce format"
            )
    kinds = {s.kind for s in calls}
    if (
        counts.calls_both_ways
        and calls
        and kinds != {SimulationKind.INBOUND_CALL, SimulationKind.OUTBOUND_CALL}
    ):
        problems.append(f"format {fid} : les appels doivent mêler appels entrants et sortants")
    kept = {s.id for s in subset.simulations}
    for w in subset.writing_tasks:
        if w.simulation not in kept:
            problems.append(
                f"format {fid} : la tâche d'écriture {w.id} suit la simulation "
                f"{w.simulation}, absente de ce format"
            )
    phase = exam_format.phase(PhaseKind.APPELS)
    total = sum(s.minutes for s in subset.simulations)
    wrap_up = wrap_up_minutes * len(calls)
    if phase is not None and total + wrap_up > phase.minutes:
        after = (
            f" et l'après-appel {wrap_up} min ({wrap_up_minutes} min × "
            f"{_count(len(calls), 'appel', 'appels')})"
            if wrap_up
            else ""
        )
        problems.append(
            f"format {fid} : les simulations durent {total} min{after}, la phase "
            f"d'appels {phase.minutes} min"
        )
    return problems


def for_format(pack: ScenarioPack, exam_format: ExamFormat) -> FormatSubset:
    subset, problems = select(pack, exam_format)
    if problems:
        raise PackFormatError(problems)
    return subset

"""Which simulations and writing tasks a session of a given format takes from a pack.

The RC rule, when the pack does not list them explicitly (pack.yaml `formats`):
- the simulations whose competences all belong to the format's practical part
  (titre: all nine; CCP 1: CP1–CP4, the chat included; CCP 2: CP5–CP9),
  minus any chat when the format allows none (CCP 2 is calls only);
- the writing tasks tied to those simulations, in order, up to the format's maximum
  (CCP 1: one);
- the dossier documents that serve the format.
The result must then meet the format's counts (`ExamFormat.simulations`), cover each of
its competences, mix inbound and outbound calls, and fit the calls phase. (That each format
has its dossier documents, consignes included, is checked on pack.yaml.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.scenarios.pack_types import SimulationKind
from server.scenarios.referential import ExamFormat, PhaseKind

if TYPE_CHECKING:
    from server.scenarios.pack_models import FormatSubset, ScenarioPack


class PackFormatError(ValueError):
    """The pack cannot serve the format; `problems` lists why, in French."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def select(pack: ScenarioPack, exam_format: ExamFormat) -> tuple[FormatSubset, list[str]]:
    """The subset for `exam_format` and every problem with it (empty when it is usable)."""
    from server.scenarios.pack_models import FormatSubset

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
    docs = tuple(d for d in pack.dossier if d.serves(exam_format.id))
    subset = FormatSubset(
        format=exam_format.id, simulations=sims, writing_tasks=tasks, dossier=docs
    )
    return subset, problems + subset_problems(subset, exam_format)


def subset_problems(subset: FormatSubset, exam_format: ExamFormat) -> list[str]:
    fid = exam_format.id
    problems: list[str] = []
    calls = [s for s in subset.simulations if s.kind.is_call]
    chats = [s for s in subset.simulations if s.kind is SimulationKind.CHAT]
    counts = exam_format.simulations
    for what, n, count in (
        ("appels", len(calls), counts.calls),
        ("chats", len(chats), counts.chats),
        ("tâches d'écriture", len(subset.writing_tasks), counts.writing_tasks),
    ):
        if not count.admits(n):
            problems.append(f"format {fid} : {n} {what}, il en faut {count}")
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
    if len(calls) >= 2 and kinds != {SimulationKind.INBOUND_CALL, SimulationKind.OUTBOUND_CALL}:
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
    if phase is not None and total > phase.minutes:
        problems.append(
            f"format {fid} : les simulations durent {total} min, la phase "
            f"d'appels {phase.minutes} min"
        )
    return problems


def for_format(pack: ScenarioPack, exam_format: ExamFormat) -> FormatSubset:
    subset, problems = select(pack, exam_format)
    if problems:
        raise PackFormatError(problems)
    return subset

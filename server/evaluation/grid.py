"""The evaluation grid, pure: which criteria (word for word from the referential) each part of
a candidate's exam is marked on, and what the marks say of each competence.

Derivation rules (an aid the jury sees next to the marks; the deliberation decides):
- a professional competence is « non acquise » as soon as one of its criteria is marked
  « non acquis » in a part where it was assessed, « acquise » when at least one criterion is
  « acquis » and none « non acquis », « non évaluée » otherwise (only « non observé », or no
  mark at all);
- a transversal competence is evaluated « au travers des compétences professionnelles »
  (RC § 3.3): among the professional competences that carry it (`carried_by`) and were
  evaluated, it is « acquise » when a strict majority is acquise, « non acquise » otherwise,
  « non évaluée » when none of them was evaluated. A majority and not « all »: in the CRCD
  every transversal competence is carried by all nine professional ones, so « all » would
  make the four transversal competences a mere copy of « every competence acquise ».
Once a deliberation version is signed, the grid's transversal competences are those of the
decision (`transversal_decided`): a signed grid never contradicts what the jury decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import NotRequired, TypedDict

from server.core.referential import ExamFormat, Title
from server.scenarios.pack.models import FormatSubset
from server.scenarios.pack.types import CriterionRef


class CriterionOut(TypedDict):
    """A criterion of a competence, as the grid shows it (HTTP: `schemas.CriterionOut`)."""

    index: int
    text: str
    watch: bool


class GridCompetence(TypedDict):
    """A competence of a part (HTTP: `schemas.GridCompetenceOut`)."""

    code: str
    name: str
    ccp: str
    criteria: list[CriterionOut]


class Part(TypedDict):
    """A markable part (HTTP: `schemas.PartOut`): `not_played` for a simulation only,
    `replaced` for a writing task only."""

    part: str
    kind: str
    label: str
    not_played: NotRequired[str | None]
    replaced: NotRequired[bool]
    competences: list[GridCompetence]


# What the marks say of a transversal competence (HTTP: `schemas.TransversalOut`).
TransversalStatus = TypedDict(
    "TransversalStatus",
    {
        "code": str,
        "name": str,
        "status": str,
        "carried_by": list[str],
        "from": dict[str, str],
        "acquired": int,
        "evaluated": int,
        "explanation": str,
    },
)


class TransversalDecided(TypedDict):
    """A transversal competence as the signed decision has it (HTTP:
    `schemas.TransversalDecidedOut`)."""

    code: str
    name: str
    status: str
    carried_by: list[str]
    granted_ccps: list[str]
    explanation: str


TECHNICAL_INTERVIEW = "entretien_technique"
WRITING_PREFIX = "writing:"
FINAL_INTERVIEW_TOPIC = "final"


class MarkValue(StrEnum):
    ACQUIS = "acquis"
    NON_ACQUIS = "non_acquis"
    NON_OBSERVE = "non_observe"

    @property
    def label(self) -> str:
        return {"acquis": "Acquis", "non_acquis": "Non acquis", "non_observe": "Non observé"}[
            self.value
        ]


class Status(StrEnum):
    ACQUISE = "acquise"
    NON_ACQUISE = "non_acquise"
    NON_EVALUEE = "non_evaluee"

    @property
    def label(self) -> str:
        return {"acquise": "Acquise", "non_acquise": "Non acquise", "non_evaluee": "Non évaluée"}[
            self.value
        ]


@dataclass(frozen=True)
class MarkFact:
    part: str
    competence: str
    criterion: int
    value: MarkValue


def _watched(title: Title, refs: Iterable[CriterionRef]) -> set[tuple[str, int]]:
    """(competence, 1-based index) of the criteria a juror card asks to watch."""
    out = set()
    for ref in refs:
        criteria = title.competence(ref.competence).criteria
        if isinstance(ref.criterion, int):
            out.add((ref.competence, ref.criterion))
        elif ref.criterion in criteria:
            out.add((ref.competence, criteria.index(ref.criterion) + 1))
    return out


def _competences(
    title: Title, codes: Iterable[str], watched: set[tuple[str, int]]
) -> list[GridCompetence]:
    out: list[GridCompetence] = []
    for code in codes:
        comp = title.competence(code)
        out.append(
            {
                "code": code,
                "name": comp.name,
                "ccp": title.ccp_of(code).code,
                "criteria": [
                    {"index": i, "text": text, "watch": (code, i) in watched}
                    for i, text in enumerate(comp.criteria, start=1)
                ],
            }
        )
    return out


def parts(
    title: Title,
    exam_format: ExamFormat,
    subset: FormatSubset,
    not_played: Mapping[str, str] | None = None,
) -> list[Part]:
    """Every markable part: the simulations in run order (a simulation not played says so,
    with its reason), the writing tasks (marked on the competences of the simulation they
    follow; a replacement task says it is one), the technical interview (on the competences
    the RC assigns to it); each with its competences and their criteria word for word, the
    criteria the juror card asks to watch flagged."""
    not_played = not_played or {}
    result: list[Part] = []
    for sim in subset.simulations:
        result.append(
            {
                "part": sim.id,
                "kind": sim.kind.value,
                "label": sim.title,
                "not_played": not_played.get(sim.id),
                "competences": _competences(
                    title, sim.competences, _watched(title, sim.juror.watch)
                ),
            }
        )
    for task in subset.writing_tasks:
        source = next((s for s in subset.simulations if s.id == task.simulation), None)
        codes = source.competences if source else tuple(w.competence for w in task.juror.watch)
        what = "Écrit de remplacement" if task.replaced else "Écrit"
        after = " (simulation non jouée)" if task.replaced else ""
        result.append(
            {
                "part": f"{WRITING_PREFIX}{task.id}",
                "kind": "ecrit",
                "label": (
                    f"{what} ({task.channel.label}) — {source.title if source else task.id}{after}"
                ),
                "replaced": task.replaced,
                "competences": _competences(
                    title, dict.fromkeys(codes), _watched(title, task.juror.watch)
                ),
            }
        )
    if exam_format.technical_interview:
        result.append(
            {
                "part": TECHNICAL_INTERVIEW,
                "kind": "entretien",
                "label": "Entretien technique",
                "competences": _competences(title, exam_format.technical_interview, set()),
            }
        )
    return result


def criterion_text(structure: list[Part], part: str, code: str, index: int) -> str | None:
    """The exact text of a criterion of a part, or None when that part is not marked on it."""
    for p in structure:
        if p["part"] != part:
            continue
        for comp in p["competences"]:
            if comp["code"] == code and 1 <= index <= len(comp["criteria"]):
                return comp["criteria"][index - 1]["text"]
    return None


def competence_counts(marks: Iterable[MarkFact]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for m in marks:
        per = counts.setdefault(m.competence, {v.value: 0 for v in MarkValue})
        per[m.value.value] += 1
    return counts


def competence_status(marks: Iterable[MarkFact]) -> dict[str, Status]:
    out = {}
    for code, counts in competence_counts(marks).items():
        if counts[MarkValue.NON_ACQUIS.value]:
            out[code] = Status.NON_ACQUISE
        elif counts[MarkValue.ACQUIS.value]:
            out[code] = Status.ACQUISE
        else:
            out[code] = Status.NON_EVALUEE
    return out


def transversal_status(title: Title, professional: dict[str, Status]) -> list[TransversalStatus]:
    """Each transversal competence with its status and how it was derived (`from`: the
    evaluated carrying competences and their status; `acquired`/`evaluated`: the counts)."""
    out: list[TransversalStatus] = []
    for t in title.transversal:
        assessed = {
            c: professional[c]
            for c in t.carried_by
            if professional.get(c, Status.NON_EVALUEE) is not Status.NON_EVALUEE
        }
        acquired = sum(1 for s in assessed.values() if s is Status.ACQUISE)
        if not assessed:
            status = Status.NON_EVALUEE
        elif 2 * acquired > len(assessed):
            status = Status.ACQUISE
        else:
            status = Status.NON_ACQUISE
        out.append(
            {
                "code": t.code,
                "name": t.name,
                "status": status.value,
                "carried_by": list(t.carried_by),
                "from": {c: s.value for c, s in assessed.items()},
                "acquired": acquired,
                "evaluated": len(assessed),
                "explanation": _explain(status, acquired, len(assessed)),
            }
        )
    return out


def transversal_decided(
    title: Title, exam_format: ExamFormat, ccps: dict[str, bool]
) -> list[TransversalDecided]:
    """The transversal competences as the signed decision has them, so that a signed grid
    never contradicts the decision: a transversal competence is evaluated « au travers des
    compétences professionnelles » (RC § 3.3); it is « acquise » when a CCP the jury granted
    holds one of the competences that carry it, « non acquise » when every CCP holding them
    was refused, « non évaluée » when this format evaluates none of them."""
    out: list[TransversalDecided] = []
    for t in title.transversal:
        carriers = [c for c in t.carried_by if c in exam_format.practical]
        by_ccp: dict[str, list[str]] = {}
        for code in carriers:
            by_ccp.setdefault(title.ccp_of(code).code, []).append(code)
        granted = [ccp for ccp in by_ccp if ccps.get(ccp)]
        if not carriers:
            status = Status.NON_EVALUEE
            explanation = "Aucune des compétences professionnelles qui la portent n'est évaluée."
        elif granted:
            status = Status.ACQUISE
            via = " ; ".join(f"{ccp} ({', '.join(by_ccp[ccp])})" for ccp in granted)
            explanation = f"Acquise au travers du ou des CCP obtenus : {via}."
        else:
            status = Status.NON_ACQUISE
            explanation = (
                "Non acquise : aucun CCP qui la porte n'est obtenu "
                f"({', '.join(by_ccp)} non obtenu)."
            )
        out.append(
            {
                "code": t.code,
                "name": t.name,
                "status": status.value,
                "carried_by": list(t.carried_by),
                "granted_ccps": granted,
                "explanation": explanation,
            }
        )
    return out


def _explain(status: Status, acquired: int, evaluated: int) -> str:
    if status is Status.NON_EVALUEE:
        return "Aucune des compétences professionnelles qui la portent n'a été évaluée."
    return (
        f"{acquired} compétence(s) professionnelle(s) acquise(s) sur {evaluated} évaluée(s) "
        f"parmi celles qui la portent : {status.label.lower()} (majorité requise)."
    )

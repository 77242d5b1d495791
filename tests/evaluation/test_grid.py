"""The grid, pure: every criterion of every part word for word from the referential, the
juror card's watched criteria flagged, and the derivation of competences from the marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.core.referential import Title, load_titles
from server.evaluation import grid
from server.evaluation.grid import MarkFact, MarkValue, Status
from server.scenarios.pack.loader import load_packs

ROOT = Path(__file__).parents[2] / "scenarios"
TITLES = load_titles(ROOT / "titles")
PACKS = load_packs(ROOT / "packs", TITLES)
CRCD = TITLES["CRCD"]


@pytest.mark.parametrize("pack_id", sorted(PACKS))
@pytest.mark.parametrize("format_id", [f.id for f in CRCD.formats])
def test_every_part_lists_its_criteria_word_for_word(pack_id: str, format_id: str) -> None:
    pack, fmt = PACKS[pack_id], CRCD.format(format_id)
    if pack.title != CRCD.id or format_id not in {u.format for u in pack.formats}:
        pytest.skip(f"{pack_id} ne sert pas le format {format_id}")
    subset = pack.for_format(fmt)
    parts = grid.parts(CRCD, fmt, subset)
    by_id = {p["part"]: p for p in parts}
    # The simulations in run order, then the writing tasks, then the technical interview.
    assert [p["part"] for p in parts] == [s.id for s in subset.simulations] + [
        f"writing:{t.id}" for t in subset.writing_tasks
    ] + ["entretien_technique"]
    for sim in subset.simulations:
        part = by_id[sim.id]
        assert [c["code"] for c in part["competences"]] == list(sim.competences)
        for comp in part["competences"]:
            assert [k["text"] for k in comp["criteria"]] == list(
                CRCD.competence(comp["code"]).criteria
            )
        watched = {
            (c["code"], k["text"]) for c in part["competences"] for k in c["criteria"] if k["watch"]
        }
        assert watched == {(w.competence, w.criterion) for w in sim.juror.watch}
    interview = by_id["entretien_technique"]
    assert [c["code"] for c in interview["competences"]] == list(fmt.technical_interview)
    for task in subset.writing_tasks:
        source = pack.simulation(task.simulation)
        assert [c["code"] for c in by_id[f"writing:{task.id}"]["competences"]] == list(
            source.competences
        )


def _title_with_transversal(carried_by: tuple[str, ...]) -> Title:
    data = CRCD.model_dump()
    data["transversal"] = [{"code": "CT9", "name": "Essai", "carried_by": carried_by}]
    return Title.model_validate(data)


def test_a_competence_is_non_acquise_on_one_non_acquis_and_non_evaluee_when_only_unobserved() -> (
    None
):
    marks = [
        MarkFact("s1", "CP1", 1, MarkValue.ACQUIS),
        MarkFact("s1", "CP1", 2, MarkValue.NON_OBSERVE),
        MarkFact("s2", "CP2", 1, MarkValue.NON_OBSERVE),
        MarkFact("s3", "CP3", 1, MarkValue.ACQUIS),
        MarkFact("s4", "CP3", 2, MarkValue.NON_ACQUIS),
    ]
    assert grid.competence_status(marks) == {
        "CP1": Status.ACQUISE,
        "CP2": Status.NON_EVALUEE,
        "CP3": Status.NON_ACQUISE,
    }
    assert grid.competence_counts(marks)["CP3"] == {"acquis": 1, "non_acquis": 1, "non_observe": 0}


def test_a_transversal_competence_follows_the_majority_of_the_evaluated_carriers() -> None:
    title = _title_with_transversal(("CP1", "CP2", "CP3", "CP4"))
    a, n, e = Status.ACQUISE, Status.NON_ACQUISE, Status.NON_EVALUEE

    def derive(**status: Status) -> dict:
        (only,) = grid.transversal_status(title, status)
        return only

    two_of_three = derive(CP1=a, CP2=a, CP3=n, CP4=e)
    assert two_of_three["status"] == "acquise"
    assert two_of_three["from"] == {"CP1": "acquise", "CP2": "acquise", "CP3": "non_acquise"}
    assert (two_of_three["acquired"], two_of_three["evaluated"]) == (2, 3)
    assert "2 compétence(s)" in two_of_three["explanation"]
    assert derive(CP1=a, CP2=n)["status"] == "non_acquise"  # a tie is no majority
    assert derive(CP1=n, CP2=n, CP3=a)["status"] == "non_acquise"
    assert derive(CP5=a)["status"] == "non_evaluee"  # CP5 does not carry it
    assert derive()["status"] == "non_evaluee"


def test_the_real_transversal_table_is_used() -> None:
    status = {c.code: Status.ACQUISE for c in CRCD.competences}
    status["CP9"] = Status.NON_ACQUISE
    out = grid.transversal_status(CRCD, status)
    assert [t["code"] for t in out] == [t.code for t in CRCD.transversal]
    assert all(t["status"] == "acquise" and t["evaluated"] == 9 for t in out)

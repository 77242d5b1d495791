"""Which simulations and writing tasks a CCP session takes from a title pack."""

from __future__ import annotations

import pytest

from server.scenarios.pack_formats import PackFormatError, select
from server.scenarios.pack_models import FormatUse, ScenarioPack
from server.scenarios.pack_types import SimulationKind
from server.scenarios.referential import Title


@pytest.fixture
def horizon(packs: dict[str, ScenarioPack]) -> ScenarioPack:
    return packs["plateforme-horizon"]


def test_title_takes_everything(horizon: ScenarioPack, crcd: Title) -> None:
    subset = horizon.for_format(crcd.format("titre"))
    assert subset.simulations == horizon.simulations
    assert subset.writing_tasks == horizon.writing_tasks
    assert [d.id for d in subset.dossier][-1] == "07_consignes_titre"


def test_ccp1_takes_its_competences_with_the_chat_and_one_writing_task(
    packs: dict[str, ScenarioPack], crcd: Title
) -> None:
    for pack in packs.values():
        subset = pack.for_format(crcd.format("ccp1"))
        assert {c for s in subset.simulations for c in s.competences} == {
            "CP1",
            "CP2",
            "CP3",
            "CP4",
        }
        assert sum(s.kind is SimulationKind.CHAT for s in subset.simulations) == 1
        assert len(subset.writing_tasks) == 1
        assert subset.writing_tasks[0].simulation in {s.id for s in subset.simulations}
        assert sum(d.kind.value == "consignes" for d in subset.dossier) == 1


def test_ccp2_is_calls_only(packs: dict[str, ScenarioPack], crcd: Title) -> None:
    for pack in packs.values():
        subset = pack.for_format(crcd.format("ccp2"))
        assert all(s.kind.is_call for s in subset.simulations)
        assert {c for s in subset.simulations for c in s.competences} == {
            "CP5",
            "CP6",
            "CP7",
            "CP8",
            "CP9",
        }
        assert len(subset.writing_tasks) == 2
        # run order is kept
        order = [s.id for s in pack.simulations]
        assert [s.id for s in subset.simulations] == [
            i for i in order if i in {s.id for s in subset.simulations}
        ]


def test_a_format_the_pack_does_not_declare_is_refused(horizon: ScenarioPack, crcd: Title) -> None:
    only_title = horizon.model_copy(update={"formats": (FormatUse(format="titre"),)})
    with pytest.raises(PackFormatError) as err:
        only_title.for_format(crcd.format("ccp2"))
    assert "ne déclare pas le format ccp2" in str(err.value)


def test_explicit_lists_override_the_rule_and_are_checked(
    horizon: ScenarioPack, crcd: Title
) -> None:
    ccp2 = crcd.format("ccp2")
    use = FormatUse(
        format="ccp2",
        simulations=("s05-prospection-copieurs", "s09-recouvrement-energie"),
        writing_tasks=("e3-courrier-echeancier",),
    )
    pack = horizon.model_copy(update={"formats": (use,)})
    subset, problems = select(pack, ccp2)
    assert [s.id for s in subset.simulations] == [
        "s05-prospection-copieurs",
        "s09-recouvrement-energie",
    ]
    assert [w.id for w in subset.writing_tasks] == ["e3-courrier-echeancier"]
    # only outbound calls, and three competences missing: every problem is listed
    assert "format ccp2 : les appels doivent mêler appels entrants et sortants" in problems
    for code in ("CP6", "CP7", "CP8"):
        assert f"format ccp2 : la compétence {code} n'est évaluée par aucune simulation" in problems
    assert len(problems) == 4


def test_counts_come_from_the_referential(horizon: ScenarioPack, crcd: Title) -> None:
    titre = crcd.format("titre")
    fewer = horizon.model_copy(update={"simulations": horizon.simulations[:-1]})
    _, problems = select(fewer, titre)
    assert "format titre : 7 appels, il en faut exactement 8" in problems
    assert "format titre : la compétence CP9 n'est évaluée par aucune simulation" in problems
    assert "format titre : 2 tâches d'écriture, il en faut exactement 3" in problems
    with pytest.raises(PackFormatError):
        fewer.for_format(titre)


def test_calls_must_fit_the_calls_phase(horizon: ScenarioPack, crcd: Title) -> None:
    longer = horizon.model_copy(
        update={
            "simulations": tuple(s.model_copy(update={"minutes": 15}) for s in horizon.simulations)
        }
    )
    _, problems = select(longer, crcd.format("titre"))
    assert problems == ["format titre : les simulations durent 135 min, la phase d'appels 90 min"]

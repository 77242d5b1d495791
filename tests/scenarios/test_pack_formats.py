"""Which simulations and writing tasks a CCP session takes from a title pack."""

from __future__ import annotations

import pytest

from server.core.referential import Title
from server.scenarios.pack.formats import PackFormatError, select
from server.scenarios.pack.models import FormatUse, ScenarioPack
from server.scenarios.pack.types import SimulationKind


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
    # only outbound calls, three competences missing and a single written reply (the RC's
    # « des réponses »): every problem is listed
    assert "format ccp2 : les appels doivent mêler appels entrants et sortants" in problems
    for code in ("CP6", "CP7", "CP8"):
        assert f"format ccp2 : la compétence {code} n'est évaluée par aucune simulation" in problems
    assert "format ccp2 : 1 tâche d'écriture, il en faut au moins 2" in problems
    assert len(problems) == 5


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
    assert problems == [
        "format titre : les simulations durent 135 min et l'après-appel 8 min "
        "(1 min × 8 appels), la phase d'appels 90 min"
    ]
    without_wrap_up = longer.model_copy(update={"wrap_up_minutes": 0})
    _, problems = select(without_wrap_up, crcd.format("titre"))
    assert problems == ["format titre : les simulations durent 135 min, la phase d'appels 90 min"]


def test_the_wrap_up_after_each_call_counts_in_the_calls_phase(
    horizon: ScenarioPack, crcd: Title
) -> None:
    """The shipped packs fit exactly: 82 min of cards and 8 × 1 min of wrap-up in 90 min."""
    _, problems = select(horizon, crcd.format("titre"))
    assert problems == []
    one_more = horizon.model_copy(update={"wrap_up_minutes": 2})
    _, problems = select(one_more, crcd.format("titre"))
    assert problems == [
        "format titre : les simulations durent 82 min et l'après-appel 16 min "
        "(2 min × 8 appels), la phase d'appels 90 min"
    ]


def test_a_ccp_session_gets_the_dossier_sections_its_simulations_use(
    packs: dict[str, ScenarioPack], crcd: Title
) -> None:
    """Not the whole title dossier: each campaign sheet, offer and CGV section goes to the
    formats that play its simulations; the common sections go to every format."""
    horizon = packs["plateforme-horizon"]
    words = {
        fid: sum(len(d.text.split()) for d in horizon.for_format(crcd.format(fid)).dossier)
        for fid in ("titre", "ccp1", "ccp2")
    }
    assert words["ccp1"] < 0.75 * words["titre"] and words["ccp2"] < 0.85 * words["titre"]
    ccp1 = " ".join(d.text for d in horizon.for_format(crcd.format("ccp1")).dossier)
    ccp2 = " ".join(d.text for d in horizon.for_format(crcd.format("ccp2")).dossier)
    titre = " ".join(d.text for d in horizon.for_format(crcd.format("titre")).dossier)
    ccp1_only = "## A. Ligne Info Mobilité Solidaire"
    ccp2_only = "## G. Prospection Bureautique Ouest Services (B to B)"
    common = "## 2. Vérification d'identité"
    assert ccp1_only in ccp1 and ccp1_only not in ccp2
    assert ccp2_only in ccp2 and ccp2_only not in ccp1
    assert all(common in text for text in (ccp1, ccp2, titre))
    assert ccp1_only in titre and ccp2_only in titre
    # A principal shared by both CCPs (Fibrélia: assistance in CCP 1, retention in CCP 2).
    assert "## Fibrélia — offres internet" in ccp1 and "## Fibrélia — offres internet" in ccp2
    # The candidate view is the cut dossier, rendered.
    view = horizon.candidate_view(crcd.format("ccp1"))
    html = " ".join(d.html for d in view.dossier)
    assert "Ligne Info Mobilité Solidaire" in html and "Prospection Bureautique Ouest" not in html


def test_a_section_serves_its_formats_its_simulations_or_every_format() -> None:
    from server.scenarios.pack.sections import SectionUse, cut

    text = (
        "# Doc\n\nIntro.\n\n## Pour tous\n\nA.\n\n## Fiche X\n\nB.\n\n"
        "```\n## pas un titre\n```\n\n## CCP 2\n\nC.\n"
    )
    uses = (
        SectionUse(heading="Pour tous"),
        SectionUse(heading="Fiche X", simulations=("x",)),
        SectionUse(heading="CCP 2", formats=("ccp2",)),
    )
    assert cut(text, uses, "ccp1", frozenset({"x"})) == text.partition("## CCP 2")[0]
    assert cut(text, uses, "ccp2", frozenset()) == (
        "# Doc\n\nIntro.\n\n## Pour tous\n\nA.\n\n## CCP 2\n\nC.\n"
    )
    assert cut(text, (), "ccp1", frozenset()) == text

"""The jury's run sheet (`GET …/subject/jury`) types each simulation: the scenario's simulation
with its juror card, its order, its kind in French and its competences' names — the pages'
typedefs name them, and a simulation missing its card or carrying an unknown key is refused."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from server.progress.schemas import JurySubjectOut
from server.scenarios.pack.simulations import Simulation


def test_the_schema_names_the_simulations_fields() -> None:
    schema = JurySubjectOut.model_json_schema(mode="serialization")
    items = schema["properties"]["simulations"]["items"]["$ref"].rsplit("/", 1)[-1]
    fields = set(schema["$defs"][items]["properties"])
    assert set(Simulation.model_fields) | {"order", "kind_label", "competence_names"} == fields


def _sheet(simulation: dict[str, Any]) -> dict[str, Any]:
    return {
        "pack": {"id": "p", "name": "P", "version": "1"},
        "simulations": [simulation],
        "writing_tasks": [],
    }


@pytest.mark.parametrize("change", [{"juror": None}, {"surprise": 1}, {"order": "premier"}])
def test_a_simulation_of_another_shape_is_refused(change: dict[str, Any]) -> None:
    simulation = {
        "order": 1,
        "id": "s01",
        "title": "Appel entrant",
        "kind": "appel_entrant",
        "competences": ["CP1"],
        "minutes": 10,
        "candidate": {"principal": "horizon"},
        "juror": {
            "persona": "Mme X",
            "situation": "Une question",
            "opening": "Bonjour",
            "expected_outcome": "Réponse",
            "watch": [{"competence": "CP1", "criterion": 1}],
        },
        "kind_label": "Appel entrant",
        "competence_names": {"CP1": "Accueillir"},
    }
    JurySubjectOut.model_validate(_sheet(simulation))  # the shape itself is accepted
    with pytest.raises(ValidationError):
        JurySubjectOut.model_validate(_sheet(simulation | change))

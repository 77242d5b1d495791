"""`call.screen_pop` carries the simulation as a candidate may read it (`SimulationPublic`):
the pages' typedefs name its fields, and anything of the jury's side (the juror's card, the
staff title) is refused by the event itself, not only left out by the service."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from server.scenarios.pack.simulations import SimulationPublic
from server.telephony.events import ScreenPop

PUBLIC = {"id": "s01", "kind": "appel_entrant", "principal": "horizon"}


def pop(simulation: dict[str, Any]) -> ScreenPop:
    return ScreenPop(
        candidate_id="c1",
        call_id="k1",
        number="06 12 34 56 78",
        crm_record_id=None,
        simulation=simulation,
    )


def test_the_event_names_the_public_fields() -> None:
    schema = ScreenPop.model_json_schema(mode="serialization")
    assert schema["properties"]["simulation"]["$ref"].endswith("/SimulationPublic")
    sent = pop(PUBLIC).model_dump(mode="json")["simulation"]
    assert set(sent) == set(SimulationPublic.model_fields)


@pytest.mark.parametrize("leak", [{"juror": {"persona": "x"}}, {"title": "Relance impayé"}])
def test_what_is_the_jurys_is_refused(leak: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        pop(PUBLIC | leak)

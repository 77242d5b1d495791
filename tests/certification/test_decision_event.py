"""`certification.decision` carries the decision in force typed as the HTTP answer types it
(`schemas.DecisionOut`: the rules' decision, the person, the signed version, the labels), so
that the pages' typedefs name its fields and a decision of another shape is refused."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from server.certification.events import DecisionTaken
from server.certification.schemas import DecisionOut

DECISION = {
    "candidate_id": "c1",
    "title_id": "CRCD",
    "title_version": "2024",
    "pathway": "formation_continue",
    "sitting": {"session_id": "s1", "kind": "titre", "day": "2026-12-04"},
    "outcome": "titre",
    "person_id": "p1",
    "deliberation_version": 1,
    "outcome_label": "Titre obtenu",
    "document": "parchemin",
    "document_label": "Parchemin",
}


def test_the_event_carries_the_decision_as_the_http_answer_types_it() -> None:
    schema = DecisionTaken.model_json_schema(mode="serialization")
    assert schema["properties"]["decision"]["$ref"] == "#/$defs/DecisionOut"
    assert set(schema["$defs"]["DecisionOut"]["properties"]) == set(DecisionOut.model_fields)


@pytest.mark.parametrize(
    "bad",
    [
        {"outcome": "peut-être"},
        {"deliberation_version": "une"},
        {"surprise": 1},
    ],
)
def test_a_decision_of_another_shape_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        DecisionTaken(candidate_id="c1", decision=DECISION | bad)


def test_a_decision_sent_is_the_decision_written() -> None:
    sent = DecisionTaken(candidate_id="c1", decision=DECISION).model_dump(mode="json")
    assert sent["decision"] == DecisionOut.model_validate(DECISION).model_dump(mode="json")
    assert sent["decision"]["sitting"]["day"] == "2026-12-04"

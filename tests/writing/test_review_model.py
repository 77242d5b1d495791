"""The jury's review of the replies (GET /api/candidates/{id}/writing/review) is typed down to
the writing task and the French aid's findings (`ReviewedDraftOut.task`, `.issues`: not
`dict[str, Any]`), so the pages' typedefs say what they hold; the JSON is unchanged."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from server.core.referential import load_titles
from server.scenarios.pack.loader import load_packs
from server.writing import spelling
from server.writing.schemas import ReviewedDraftOut
from tests.scenarios.packs_helpers import PACKS, TITLES


def _round_trip(field: str, value: Any) -> Any:
    adapter: TypeAdapter[Any] = TypeAdapter(ReviewedDraftOut.model_fields[field].annotation)
    return adapter.dump_python(adapter.validate_python(value), mode="json")


def test_the_review_names_the_task_and_the_findings() -> None:
    schema = ReviewedDraftOut.model_json_schema(mode="serialization")
    task = schema["properties"]["task"]["anyOf"][0]
    assert task["$ref"].endswith("/WritingTask")
    issues = schema["properties"]["issues"]["additionalProperties"]["items"]
    assert issues["$ref"].endswith("/SpellingIssueOut")


def test_the_findings_are_answered_as_the_aid_writes_them() -> None:
    found = spelling.check("Bonjour Madame, je vous envoi le devi ,comme convenu.")
    assert found and any(f["suggestions"] for f in found)
    issues = {"body": found, "subject": []}
    assert json.dumps(_round_trip("issues", issues)) == json.dumps(issues)


def test_the_task_is_answered_as_dumped() -> None:
    for pack in load_packs(PACKS, load_titles(TITLES)).values():
        for task in pack.writing_tasks:
            for t in (task, task.when_not_played()):
                dumped = t.model_dump(mode="json")
                assert json.dumps(_round_trip("task", dumped)) == json.dumps(dumped)
    assert _round_trip("task", None) is None

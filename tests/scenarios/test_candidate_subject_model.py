"""The candidate's subject (GET /api/candidates/{id}/subject) is typed down to the pack's
candidate-visible models (`CandidateSubjectOut`: the company, the principals, the dossier…,
not `dict[str, Any]`), so the pages' typedefs say what they hold; and the JSON it answers is
the candidate view as dumped, unchanged by the typing."""

from __future__ import annotations

import json
from typing import Any

from server.core.referential import Title
from server.crm.schemas import SurveyOut
from server.progress.schemas import CandidateSubjectOut, JurySubjectOut
from server.scenarios.pack.models import CandidatePack, ScenarioPack


def test_the_subject_model_holds_the_candidate_view_models() -> None:
    schema = CandidateSubjectOut.model_json_schema(mode="serialization")
    for name in CandidatePack.model_fields:
        if name in ("company", "principals", "dossier", "catalogue", "crm", "simulations"):
            field = schema["properties"][name]
            ref = field.get("$ref") or field.get("items", {}).get("$ref")
            assert ref, f"{name}: {field}"
    tasks = schema["properties"]["writing_tasks"]
    assert tasks["items"]["$ref"].endswith("/WritingTaskPublic")


def _subject(view: CandidatePack, tasks: list[dict[str, Any]]) -> dict[str, Any]:
    data = view.model_dump(mode="json")
    data["writing_tasks"] = tasks
    data["writing_sealed"] = not tasks
    data["format_name"] = "Épreuve"
    return data


def test_the_json_is_the_candidate_view_as_dumped(
    packs: dict[str, ScenarioPack], crcd: Title
) -> None:
    for pack in packs.values():
        for exam_format in (None, *crcd.formats):
            view = pack.candidate_view(exam_format)
            tasks = [w.public().model_dump(mode="json") for w in pack.writing_tasks]
            for data in (_subject(view, tasks), _subject(view, [])):
                out = CandidateSubjectOut.model_validate(data).model_dump(mode="json")
                assert json.dumps(out) == json.dumps(data)  # same keys, same order


def test_a_survey_is_typed_and_answered_as_dumped(packs: dict[str, ScenarioPack]) -> None:
    """GET …/surveys/{simulation}: the questionnaire is the pack's `Survey`, as dumped."""
    schema = SurveyOut.model_json_schema(mode="serialization")
    assert schema["properties"]["survey"]["$ref"].endswith("/Survey")
    surveys = [s.candidate.survey for p in packs.values() for s in p.simulations]
    assert any(surveys)
    for survey in filter(None, surveys):
        data = {"simulation_id": "s", "survey": survey.model_dump(mode="json"), "answers": {}}
        out = SurveyOut.model_validate(data).model_dump(mode="json")
        assert json.dumps(out) == json.dumps(data)


def test_the_jury_run_sheet_types_its_writing_tasks(packs: dict[str, ScenarioPack]) -> None:
    """GET …/subject/jury: the writing tasks are the pack's `WritingTask`, as dumped."""
    schema = JurySubjectOut.model_json_schema(mode="serialization")
    assert schema["properties"]["writing_tasks"]["items"]["$ref"].endswith("/WritingTask")
    for pack in packs.values():
        tasks = [
            t.model_dump(mode="json") for w in pack.writing_tasks for t in (w, w.when_not_played())
        ]
        assert any(t.get("replaced") for t in tasks)
        data = {"pack": {"id": "p", "name": "n", "version": "1"}, "simulations": []}
        data["writing_tasks"] = tasks
        out = JurySubjectOut.model_validate(data).model_dump(mode="json")
        assert json.dumps(out) == json.dumps(data)

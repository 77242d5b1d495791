"""Candidate-visible and jury-only content are separate types; nothing jury-only reaches the
candidate view."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from server.core.referential import Title
from server.scenarios.pack.models import CandidatePack, ScenarioPack
from server.scenarios.pack.simulations import JurorCard, WritingJurorNotes


def _model_types(model: type[BaseModel], seen: set[type] | None = None) -> set[type]:
    seen = set() if seen is None else seen
    if model in seen:
        return seen
    seen.add(model)
    for field in model.model_fields.values():
        stack: list[Any] = [field.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                _model_types(tp, seen)
            stack.extend(typing.get_args(tp))
            if isinstance(tp, types.UnionType):
                stack.extend(tp.__args__)
    return seen


def test_candidate_view_type_holds_no_jury_type() -> None:
    reachable = _model_types(CandidatePack)
    assert JurorCard not in reachable and WritingJurorNotes not in reachable
    assert "juror" not in {name for m in reachable for name in m.model_fields}
    assert "title" not in _model_types_fields(reachable, "SimulationPublic")


def _model_types_fields(models: set[type], name: str) -> set[str]:
    return next(set(m.model_fields) for m in models if m.__name__ == name)


def test_no_jury_sentence_in_any_candidate_view(
    packs: dict[str, ScenarioPack], crcd: Title
) -> None:
    for pack in packs.values():
        sentences = pack.jury_only_sentences()
        assert len(sentences) > 150  # the cards are rich enough for the check to mean something
        for exam_format in (None, *crcd.formats):
            body = pack.candidate_view(exam_format).model_dump_json()
            assert pack.leaked_sentences(body) == []
            for sim in pack.simulations:  # staff labels stay out too
                assert sim.title not in body


def test_candidate_view_carries_what_the_candidate_needs(
    packs: dict[str, ScenarioPack], crcd: Title
) -> None:
    pack = packs["plateforme-horizon"]
    view = pack.candidate_view(crcd.format("ccp2"))
    assert view.format == "ccp2" and view.story_date.isoformat() == "2026-03-17"
    assert [s.id for s in view.simulations][0] == "s05-prospection-copieurs"
    assert view.simulations[0].appointment is not None
    assert all("<script" not in d.html for d in view.dossier)
    assert view.dossier[0].html.startswith("<h1>")
    assert len(view.crm) == len(pack.crm)
    assert {w.id for w in view.writing_tasks} == {"e2-sms-fidelisation", "e3-courrier-echeancier"}


def test_leak_detection_finds_a_copied_sentence(packs: dict[str, ScenarioPack]) -> None:
    pack = packs["plateforme-horizon"]
    secret = pack.simulation("s03-assistance-fibre").juror.situation
    body = '{"text": "' + secret.replace("\n", "\\n") + '"}'
    assert pack.leaked_sentences(body)
    assert pack.leaked_sentences("Rien de secret ici.") == []

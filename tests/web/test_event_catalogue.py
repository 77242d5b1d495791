"""The events' catalogue (docs/events.md, docs/events.schema.json and the pages' JSDoc
typedefs, softphone_web/js/types/events.js) is generated from the models the contributions
declare: the committed files must be what the generator writes now, and every event model must
be declared by a contribution, described, and given its audiences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field

from server import event_catalogue
from server.app import CONTRIBUTIONS
from server.core.events import Audience, Event
from server.web.composition import Contribution, assemble


def test_the_committed_catalogue_is_up_to_date() -> None:
    stale = event_catalogue.out_of_date(CONTRIBUTIONS)
    assert not stale, (
        f"out of date: {', '.join(map(str, stale))}; regenerate with "
        f"`.venv/bin/python -m {event_catalogue.__name__}` and commit the result"
    )


def _subclasses(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub, *_subclasses(sub)}
    return out


def test_every_event_model_is_declared_by_a_contribution() -> None:
    declared = set(assemble(CONTRIBUTIONS).edges.events.values())
    defined = {c for c in _subclasses(Event) if c.__module__.startswith("server.")}
    missing = sorted(c.__qualname__ for c in defined - declared)
    assert not missing, f"event models no contribution declares (Contribution.events): {missing}"


def test_every_event_is_described_with_its_audiences() -> None:
    for type_name, event in assemble(CONTRIBUTIONS).edges.events.items():
        assert event.model_fields["type"].default == type_name
        assert event.__doc__, f"{type_name}: no docstring (its description in the catalogue)"
        assert event.audiences, f"{type_name}: no audience"
        if Audience.SOCKET in event.audiences:
            assert event.audiences == (Audience.SOCKET,), f"{type_name}: a reply is not published"
        for name, info in event.model_fields.items():
            assert name == "type" or info.description, f"{type_name}.{name}: no description"


class Pinged(Event):
    """A test event."""

    audiences: ClassVar[tuple[Audience, ...]] = (Audience.JURY,)
    type: Literal["test.pinged"] = "test.pinged"
    candidate_id: str = Field(description="Whose.")
    count: int | None = Field(description="How many times.")


class Ponged(Event):
    """A reply."""

    audiences: ClassVar[tuple[Audience, ...]] = (Audience.SOCKET,)
    numbered: ClassVar[bool] = False
    type: Literal["test.ponged"] = "test.ponged"


TINY = (Contribution(name="tiny", events=(Pinged, Ponged)),)


def test_the_generator_writes_types_audiences_and_sequence_numbers() -> None:
    files = event_catalogue.generate(TINY)
    md = files[event_catalogue.MARKDOWN]
    assert "### `test.pinged`" in md and "Audiences: `jury`. Numbered: yes." in md
    assert "| `count` | `number \\| null` | How many times. |" in md
    schema = json.loads(files[event_catalogue.SCHEMA])
    pinged = schema["$defs"]["Pinged"]
    assert pinged["x-audiences"] == ["jury"]
    assert set(pinged["required"]) == {"type", "candidate_id", "count", "seq"}
    assert "seq" not in schema["$defs"]["Ponged"]["properties"]  # a reply is not numbered
    assert [one["$ref"] for one in schema["oneOf"]] == ["#/$defs/Pinged", "#/$defs/Ponged"]
    js = files[event_catalogue.JSDOC]
    assert ' * @typedef {object} Pinged\n * @property {"test.pinged"} type' in js
    assert " * @property {number | null} count How many times." in js
    assert " * @typedef {Pinged | Ponged} ServerEvent" in js
    assert js.endswith("export {};\n")


def test_a_stale_file_is_told(tmp_path: Path) -> None:
    for path, text in event_catalogue.generate(TINY).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    assert event_catalogue.out_of_date(TINY, tmp_path) == []
    (tmp_path / event_catalogue.SCHEMA).write_text("{}\n", encoding="utf-8")
    (tmp_path / event_catalogue.JSDOC).unlink()
    assert event_catalogue.out_of_date(TINY, tmp_path) == [
        event_catalogue.SCHEMA,
        event_catalogue.JSDOC,
    ]


def test_an_enum_inside_an_event_is_a_union_of_its_values_not_an_object() -> None:
    """A StrEnum field (the timeline's `status`) is its own definition in the schema: the
    typedef names its values, so a page comparing it with a value the server never sends fails
    tsc (it was `{object}`, which compared with nothing)."""
    js = event_catalogue.generate(CONTRIBUTIONS)[event_catalogue.JSDOC]
    assert (
        ' * @typedef {"not_started" | "running" | "paused" | "awaiting" | "finished"} Status\n'
        in js
    )
    assert " * @property {TimelineState} state " in js  # the timeline event says what it sends
    assert " * @property {number} extra_minutes" in js  # always sent: not optional

"""One input policy for every text a person sends: every body model of every route and every
WebSocket command types each text with `Line`/`Text` (server/core/text.py), bounds every list,
and leaves no field open (no bare Any or dict); the policy's own rules, one by one."""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any

import pytest
from annotated_types import MaxLen
from fastapi.routing import APIRoute
from pydantic import BaseModel, BeforeValidator, ValidationError

from server.core import text
from server.core.text import JsonValue, Line, Scalar, Text, TextRefused, check


def _violations(model: type[BaseModel], seen: set[type]) -> list[str]:
    if model in seen:
        return []
    seen.add(model)
    out: list[str] = []
    for name, info in model.model_fields.items():
        if name == "type" and typing.get_origin(info.annotation) is typing.Literal:
            continue
        out += [
            f"{model.__name__}.{name}: {p}" for p in _check(info.annotation, info.metadata, seen)
        ]
    return out


def _check(annotation: Any, metadata: list[Any], seen: set[type]) -> list[str]:
    origin = typing.get_origin(annotation)
    if annotation in (Scalar, JsonValue) or any(_is_open_policy(m) for m in metadata):
        return []
    if origin is Annotated:
        base, *extra = typing.get_args(annotation)
        return _check(base, [*metadata, *extra], seen)
    if origin in (typing.Union, types.UnionType):
        return [p for arg in typing.get_args(annotation) for p in _check(arg, metadata, seen)]
    if annotation is str:
        if not any(isinstance(m, Line) for m in metadata):
            return ["text without Line/Text"]
        return []
    if origin is dict:
        problems = [] if any(isinstance(m, MaxLen) for m in metadata) else ["unbounded dict"]
        key, value = typing.get_args(annotation)
        return problems + _check(key, [], seen) + _check(value, [], seen)
    if origin in (list, tuple, set, frozenset):
        problems = [] if any(isinstance(m, MaxLen) for m in metadata) else ["unbounded list"]
        for arg in typing.get_args(annotation):
            if arg is not Ellipsis:
                problems += _check(arg, [], seen)
        return problems
    if origin is typing.Literal or annotation in (int, float, bool, type(None)):
        return []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _violations(annotation, seen)
    if isinstance(annotation, type) and annotation.__module__ in ("datetime", "decimal", "enum"):
        return []
    if isinstance(annotation, type) and issubclass(annotation, int | str):  # enums
        return []
    return [f"open type {annotation!r}"]


def _is_open_policy(metadata: Any) -> bool:
    return isinstance(metadata, BeforeValidator) and metadata.func in (
        text._check_scalar,
        text._check_open,
    )


def _input_models() -> list[type[BaseModel]]:
    from server.app import CONTRIBUTIONS
    from server.web.messages import Resync, TimeSync

    models: list[type[BaseModel]] = [TimeSync, Resync]
    models += [cmd.model for c in CONTRIBUTIONS for cmd in c.commands]
    for router in (r for c in CONTRIBUTIONS for r in c.routers):
        for route in router.routes:
            if isinstance(route, APIRoute) and route.body_field is not None:
                ann = route.body_field.field_info.annotation
                if isinstance(ann, type) and issubclass(ann, BaseModel):
                    models.append(ann)
                else:
                    models.append(_wrap(route.path, ann))
    return models


def _wrap(path: str, annotation: Any) -> type[BaseModel]:
    return types.new_class(
        f"Body of {path}",
        (BaseModel,),
        {},
        lambda ns: ns.update({"__annotations__": {"body": annotation}}),
    )


def test_every_text_a_person_sends_is_typed_and_bounded() -> None:
    seen: set[type] = set()
    problems = [p for m in _input_models() for p in _violations(m, seen)]
    assert problems == []


def test_every_query_parameter_is_typed_and_bounded() -> None:
    from server.app import CONTRIBUTIONS

    problems = []
    for router in (r for c in CONTRIBUTIONS for r in c.routers):
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            for param in route.dependant.query_params:
                info = param.field_info
                for p in _check(info.annotation, info.metadata, set()):
                    problems.append(f"{route.path} ?{param.name}: {p}")
    assert problems == []


@pytest.mark.parametrize(
    ("text", "multiline", "message"),
    [
        ("a\ud800", True, "moitié de paire"),
        ("\udfff", False, "moitié de paire"),
        ("a\x00b", True, "contrôle interdit (U+0000)"),
        ("a\x1bb", True, "U+001B"),
        ("a\x7fb", True, "U+007F"),
        ("a\x85b", True, "U+0085"),
        ("\u202egnp.exe", False, "sens d'écriture"),
        ("\u2066x", True, "U+2066"),
        ("\u2069", True, "U+2069"),
        ("a\nb", False, "une seule ligne"),
        ("a\tb", False, "une seule ligne"),
    ],
)
def test_the_policy_refuses_in_french(text: str, multiline: bool, message: str) -> None:
    with pytest.raises(TextRefused) as refused:
        check(text, multiline=multiline)
    assert message in str(refused.value)


def test_the_policy_keeps_and_normalises_what_it_allows() -> None:
    assert check("a\tb\nc", multiline=True) == "a\tb\nc"
    assert check("a\r\nb\rc", multiline=True) == "a\nb\nc"
    assert check("cafe\u0301", multiline=False) == "caf\u00e9"
    assert check("\u200f\u00e9\U0001f600", multiline=False) == "\u200f\u00e9\U0001f600"


def test_the_types_bound_length_before_and_after_normalising() -> None:
    class M(BaseModel):
        name: Annotated[str, Line(3)]
        body: Annotated[str, Text(5)] = ""

    assert M.model_json_schema()["properties"]["name"]["maxLength"] == 3
    with pytest.raises(ValidationError):
        M(name="abcd")
    with pytest.raises(ValidationError):
        M(name="a\nb")
    assert M(name="x", body="a\r\nb").body == "a\nb"
    # U+FB2C (a Hebrew presentation form) does not compose back: NFC makes 1 character 3.
    with pytest.raises(ValidationError):
        M(name="a\ufb2c")


def test_a_password_set_with_a_decomposed_accent_signs_in_as_typed_on_a_page() -> None:
    from argon2 import PasswordHasher

    from server.auth.schemas import PasswordLogin
    from server.auth.service import hash_password

    stored = hash_password("mot-de-passe-e\u0301te\u0301")  # e.g. `plateau` on the command line
    typed = PasswordLogin(username="orga", password="mot-de-passe-e\u0301te\u0301").password
    assert typed == "mot-de-passe-été"
    assert PasswordHasher().verify(stored, typed)


class _Trimmed(BaseModel):
    """A body model that trims spaces, as exams' and documents' do (`str_strip_whitespace`)."""

    model_config = {"str_strip_whitespace": True}
    line: Annotated[str, Line(50)] = "x"
    text: Annotated[str, Text(50)] = "x"


@pytest.mark.parametrize("control", ["\x85", "\x1c", "\x1f", "\x0b", "\x0c"])
@pytest.mark.parametrize("field", ["line", "text"])
def test_a_control_at_either_end_is_refused_not_trimmed_away(control: str, field: str) -> None:
    # Python counts these controls as spaces: trimming used to drop them silently before the
    # policy saw them, and « \uf8e5\x85 » removed a participant (the hostile-input property).
    for value in (f"{control}motif", f"motif{control}", f"\uf8e5{control}", control):
        with pytest.raises(ValidationError, match="contrôle interdit"):
            _Trimmed(**{field: value})


def test_ordinary_spaces_are_still_trimmed() -> None:
    kept = _Trimmed(line="  motif \n", text="\n motif\tlong \r\n")
    assert (kept.line, kept.text) == ("motif", "motif\tlong")

"""Reading data files into pydantic models, with errors that name the file and the field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from server.core.french_errors import french_message
from server.core.text import refused_texts

M = TypeVar("M", bound=BaseModel)
# libyaml's parser (in PyYAML's wheels) is several times faster than the pure-Python one.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DataModel(BaseModel):
    """Base of every data-file model: unknown fields are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class DataFileError(ValueError):
    """One or more problems in data files; str() lists every one."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def field_path(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_yaml(path: Path) -> Any:
    """The parsed file; a text the input policy refuses (a control character, a bidi
    override…) is a problem at its field, like any other."""
    data = _parse_yaml(path)
    problems = [Problem(str(path), field_path(loc), msg) for loc, msg in refused_texts(data)]
    if problems:
        raise DataFileError(problems)
    return data


def _parse_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except FileNotFoundError:
        raise DataFileError([Problem(str(path), "", "fichier introuvable")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else ""
        raise DataFileError([Problem(str(path), where, f"YAML invalide : {exc}")]) from None


# The last part of a location pydantic adds for each member of a union (`int | str` gives
# `criterion.int` and `criterion.str`): not a field of the file.
_UNION_MEMBER = re.compile(
    r"(int|str|float|bool|bytes|decimal|date|datetime|time|none"
    r"|(list|tuple|dict|set|frozenset|literal)\[.*\]|(function|constrained)-.+)"
)


def validation_problems(path: Path | str, exc: ValidationError) -> list[Problem]:
    return error_problems(path, exc.errors())


def error_problems(path: Path | str, errors: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """One problem per pydantic error, in French; the failed members of one union (errors in
    a row on the same field and value) are one problem at the field itself ("un nombre entier
    attendu ou du texte attendu")."""
    keys = [_union_key(err) for err in errors]
    problems: list[Problem] = []
    for i, err in enumerate(errors):
        loc, message, key = tuple(err["loc"]), french_message(err), keys[i]
        if key is not None and i > 0 and keys[i - 1] == key:
            last = problems[-1]
            problems[-1] = Problem(last.file, last.field, f"{last.message} ou {message}")
        elif key is not None and i + 1 < len(keys) and keys[i + 1] == key:
            problems.append(Problem(str(path), field_path(loc[:-1]), message))
        else:
            problems.append(Problem(str(path), field_path(loc), message))
    return problems


def _union_key(err: Mapping[str, Any]) -> tuple[tuple[Any, ...], Any] | None:
    loc = tuple(err["loc"])
    if len(loc) > 1 and isinstance(loc[-1], str) and _UNION_MEMBER.fullmatch(loc[-1]):
        return loc[:-1], err.get("input")
    return None


def parse_model(model: type[M], data: Any, path: Path | str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DataFileError(validation_problems(path, exc)) from None


def load_model(model: type[M], path: Path) -> M:
    return parse_model(model, read_yaml(path), path)

"""One input policy for every text a person sends, and defensive reading of what is stored.

Writing (the edge): a field is typed `Annotated[str, Line(200)]` (one line) or
`Annotated[str, Text(4000)]` (several lines) in its pydantic model. Both refuse, in French:
a lone surrogate (half of a UTF-16 pair, unencodable), NUL and the other C0/C1 control
characters (tab and newline only in `Text`), the bidirectional override and isolate controls
(U+202A–U+202E, U+2066–U+2069: « \u202egnp.exe » would show as « exe.png »); they normalise to
NFC, and the declared maximum length holds before and after. `Scalar` and `JsonValue` bound
the values whose type is open (a survey answer, a quantity typed as text or number).

Reading: `readable(value)` replaces every such character in a JSON-like value by U+FFFD
(�) and logs it, so a row written before this policy (or by a bug) never takes down a list,
a snapshot, a PDF or an archive; `dumps(value)` is the JSON text of a value made readable
first when it needs to be (the fast path scans the text once).
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from annotated_types import GroupedMetadata, MaxLen
from pydantic import AfterValidator, BeforeValidator

log = logging.getLogger(__name__)

SURROGATES = "\ud800-\udfff"
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
# C0 but tab/newline/carriage return, DEL, C1.
CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_FORBIDDEN_ALWAYS = re.compile(f"[{SURROGATES}{BIDI_CONTROLS}{CONTROLS}]")
_LINE_BREAKS = re.compile("[\t\n\r]")
REPLACEMENT = "\ufffd"

MAX_DEPTH = 8  # nesting of an open value (lists, objects) sent by a person
MAX_ITEMS = 200  # items of one list or object in an open value
MAX_SCALAR_TEXT = 4000


class TextRefused(ValueError):
    """A text that breaks the policy; the message is French and never quotes the text."""


def _describe(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if "\ud800" <= char <= "\udfff":
        return f"caractère invalide ({code}, moitié de paire UTF-16)"
    if char in "\t\n\r":
        return "retour à la ligne ou tabulation interdit dans ce champ (une seule ligne)"
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return f"caractère de contrôle du sens d'écriture interdit ({code})"
    return f"caractère de contrôle interdit ({code})"


def check(text: str, *, multiline: bool, max_length: int | None = None) -> str:
    """`text` as stored (NFC; CR LF and lone CR as LF when multi-line), or TextRefused."""
    _refuse_controls(text)
    if not multiline and (bad := _LINE_BREAKS.search(text)) is not None:
        raise TextRefused(_describe(bad.group()))
    if multiline and "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    if max_length is not None and len(text) > max_length:
        raise TextRefused(f"au plus {max_length} caractères")
    return text


def _refuse_controls(value: Any) -> Any:
    """The forbidden characters, looked for before a model trims the text's ends: Unicode
    counts some controls (U+0085, U+000B, U+000C) as spaces, and a trim would drop them
    unseen — the text must be refused, not stored without them."""
    if isinstance(value, str) and (bad := _FORBIDDEN_ALWAYS.search(value)) is not None:
        raise TextRefused(_describe(bad.group()))
    return value


def check_line(text: str) -> str:
    return check(text, multiline=False)


def check_text(text: str) -> str:
    return check(text, multiline=True)


@dataclass(frozen=True)
class Line(GroupedMetadata):
    """One line of text of at most `max_length` characters: `Annotated[str, Line(200)]`."""

    max_length: int
    multiline = False

    def __iter__(self) -> Iterator[Any]:
        yield BeforeValidator(_refuse_controls)
        yield MaxLen(self.max_length)
        yield AfterValidator(self._check)

    def _check(self, text: str) -> str:
        return check(text, multiline=self.multiline, max_length=self.max_length)


@dataclass(frozen=True)
class Text(Line):
    """Several lines (tab and newline allowed): `Annotated[str, Text(4000)]`."""

    multiline = True


def _check_open(value: Any, depth: int = 0) -> Any:
    """An open value (JSON scalars, lists, objects) within the policy, texts normalised."""
    if depth > MAX_DEPTH:
        raise TextRefused(f"valeur trop imbriquée (au plus {MAX_DEPTH} niveaux)")
    if isinstance(value, str):
        return check(value, multiline=True, max_length=MAX_SCALAR_TEXT)
    if value is None or isinstance(value, bool | int | float):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
            raise TextRefused("nombre trop grand")
        return value
    if isinstance(value, list | tuple):
        if len(value) > MAX_ITEMS:
            raise TextRefused(f"au plus {MAX_ITEMS} valeurs")
        return [_check_open(v, depth + 1) for v in value]
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            raise TextRefused(f"au plus {MAX_ITEMS} valeurs")
        out = {}
        for key, v in value.items():
            if not isinstance(key, str):
                raise TextRefused("clé invalide")
            out[check(key, multiline=False, max_length=200)] = _check_open(v, depth + 1)
        return out
    raise TextRefused("valeur de type non pris en charge")


def _check_scalar(value: Any) -> Any:
    if isinstance(value, list | tuple | dict):
        raise TextRefused("une valeur simple attendue (texte, nombre, oui/non)")
    return _check_open(value)


# A text, a number, a boolean or nothing (a quantity typed in a field, an amount).
Scalar = Annotated[str | int | float | bool | None, BeforeValidator(_check_scalar)]
# Any JSON value within the policy: bounded depth, items, texts (a survey answer).
JsonValue = Annotated[Any, BeforeValidator(_check_open)]


def refused_texts(
    value: Any, loc: tuple[int | str, ...] = ()
) -> Iterator[tuple[tuple[int | str, ...], str]]:
    """Every text of a parsed data file (YAML) the policy refuses, as (location, French
    message); several lines are allowed (a pack's texts are Markdown)."""
    stack: list[tuple[tuple[int | str, ...], Any]] = [(loc, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            try:
                check(item, multiline=True)
            except TextRefused as exc:
                yield where, str(exc)
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                stack.append(((*where, str(key)), child))
                if isinstance(key, str):
                    stack.append(((*where, "<clé>"), key))
        elif isinstance(item, list | tuple):
            stack.extend(((*where, i), child) for i, child in reversed(list(enumerate(item))))


# ---------------------------------------------------------------- reading defensively


_UNREADABLE = _FORBIDDEN_ALWAYS
# What json.dumps (ensure_ascii=False) writes for a C0 control other than \t \n \r; it also
# matches a literal « \u0001 » typed by a person (the slow path then finds nothing to replace).
_ESCAPED_CONTROL = re.compile(r"\\u00(?:0[0-8bcef]|1[0-9a-f])")


def _clean(text: str) -> str:
    return _UNREADABLE.sub(REPLACEMENT, text)


def readable(value: Any, *, where: str = "") -> Any:
    """`value` with every unreadable or deceptive character replaced by U+FFFD (logged once
    per value, without the text): for what was stored before the policy, or by a bug."""
    replaced = 0

    def walk(v: Any) -> Any:
        nonlocal replaced
        if isinstance(v, str):
            if _UNREADABLE.search(v) is None:
                return v
            replaced += 1
            return _clean(v)
        if isinstance(v, dict):
            return {walk(k) if isinstance(k, str) else k: walk(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [walk(x) for x in v]
        return v

    out = walk(value)
    if replaced:
        log.warning(
            "%d texte(s) illisible(s) remplacé(s) à la lecture%s",
            replaced,
            f" ({where})" if where else "",
        )
    return out


def dumps(value: Any, *, where: str = "", **options: Any) -> str:
    """The JSON text of `value` (ensure_ascii off), made readable first when it needs to be:
    the result always encodes to UTF-8."""
    options.setdefault("ensure_ascii", False)
    text = json.dumps(value, **options)
    if _UNREADABLE.search(text) is None and _ESCAPED_CONTROL.search(text) is None:
        return text
    return json.dumps(readable(value, where=where), **options)


def dumps_bytes(value: Any, *, where: str = "", **options: Any) -> bytes:
    return dumps(value, where=where, **options).encode("utf-8")

"""pydantic's validation errors in French, for every place that shows them to a person
(a scenario author running `plateau scenarios validate`, a candidate editing a CRM record)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

_PLAIN = {
    "missing": "obligatoire",
    "json_invalid": "JSON invalide",
    "string_unicode": "caractère invalide (moitié de paire UTF-16)",
    "string_sub_type": "du texte attendu",
    "union_tag_invalid": "type de message inconnu",
    "union_tag_not_found": "type de message manquant",
    "is_instance_of": "valeur invalide",
    "recursion_loop": "valeur trop imbriquée",
    "extra_forbidden": "champ inconnu",
    "string_type": "du texte attendu",
    "string_pattern_mismatch": "format invalide",
    "bool_type": "oui ou non attendu",
    "bool_parsing": "oui ou non attendu",
    "int_type": "un nombre entier attendu",
    "int_parsing": "un nombre entier attendu",
    "int_from_float": "un nombre entier attendu",
    "float_type": "un nombre attendu",
    "float_parsing": "un nombre attendu",
    "decimal_type": "un nombre attendu",
    "decimal_parsing": "un nombre attendu",
    "dict_type": "un objet attendu",
    "model_type": "un objet attendu",
    "model_attributes_type": "un objet attendu",
    "list_type": "une liste attendue",
    "tuple_type": "une liste attendue",
    "date_type": "une date attendue",
    "date_parsing": "date invalide",
    "date_from_datetime_parsing": "date invalide",
    "datetime_parsing": "date et heure invalides",
    "time_parsing": "heure invalide",
    "url_parsing": "adresse invalide",
    "datetime_type": "une date et une heure attendues",
    "datetime_from_date_parsing": "date et heure invalides",
    "date_from_datetime_inexact": "une date sans heure attendue",
    "time_type": "une heure attendue",
    "finite_number": "un nombre fini attendu",
    "decimal_max_digits": "trop de chiffres",
    "decimal_whole_digits": "trop de chiffres avant la virgule",
}
_WITH_LIMIT = {
    "string_too_short": "au moins {min_length} caractère(s)",
    "string_too_long": "au plus {max_length} caractères",
    "too_short": "au moins {min_length} valeur(s)",
    "too_long": "au plus {max_length} valeurs",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être au moins {ge}",
    "less_than": "doit être inférieur à {lt}",
    "less_than_equal": "doit être au plus {le}",
    "decimal_max_places": "au plus {decimal_places} décimale(s)",
    "literal_error": "valeur non proposée (possibles : {expected})",
    "enum": "valeur non proposée (possibles : {expected})",
}


def field_path(loc: Iterable[int | str]) -> str:
    """("lines", 0, "ref") -> "lines[0].ref"."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def french_message(err: Mapping[str, Any]) -> str:
    """The French text of one pydantic error (`ValidationError.errors()` item); a validator's
    own message (already French here) is kept; an unknown kind keeps pydantic's text."""
    kind = str(err.get("type", ""))
    if kind in ("value_error", "assertion_error"):
        msg = str(err.get("msg", ""))
        return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind in _WITH_LIMIT:
        try:
            text = _WITH_LIMIT[kind].format(**(err.get("ctx") or {}))
            return text.replace("' or '", "' ou '")
        except (KeyError, IndexError):
            pass
    return str(err.get("msg", "valeur invalide"))


def french_errors(errors: Iterable[Mapping[str, Any]], *, skip: int = 0) -> list[dict[str, str]]:
    """pydantic's errors as [{"field", "message"}] in French, never quoting the input;
    `skip` drops the first parts of each location (FastAPI's "body", "query"…)."""
    out = []
    for err in errors:
        loc = tuple(err.get("loc", ()))[skip:]
        out.append({"field": field_path(loc), "message": french_message(err)})
    return out


def french_summary(errors: list[dict[str, str]]) -> str:
    """« Champ « email » : format invalide. » (the first error; the others are listed apart)."""
    if not errors:
        return "Requête invalide."
    first = errors[0]
    if not first["field"]:
        return f"Requête invalide : {first['message']}."
    return f"Champ « {first['field']} » : {first['message']}."

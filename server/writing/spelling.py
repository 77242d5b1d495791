"""A French spelling aid for the jury (pyspellchecker's French dictionary, pure Python) plus
a few typography rules that can be checked reliably. It flags, the juror decides: grammar
(agreements, conjugation) is not checked."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from spellchecker import SpellChecker

WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿœŒæÆ]+(?:[-'’][A-Za-zÀ-ÖØ-öø-ÿœŒæÆ]+)*")
DOUBLE_SPACE = re.compile(r"(?<=\S)  +(?=\S)")
NO_SPACE_BEFORE_DOUBLE = re.compile(r"(?<=[\wÀ-ÿ»])([:;!?])")
REPEATED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
LOWER_AFTER_STOP = re.compile(r"[.!?]\s+([a-zà-ÿ])")


@dataclass(frozen=True)
class Issue:
    start: int
    end: int
    kind: str  # orthographe | typographie | répétition
    message: str
    suggestions: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _checker() -> SpellChecker:
    return SpellChecker(language="fr")


def check(text: str, allowed: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Issues in `text`, sorted by position; `allowed`: words never flagged (the pack's
    company, customer and product names)."""
    known = {w.lower() for w in allowed}
    checker = _checker()
    issues: list[Issue] = []
    for m in WORD.finditer(text):
        word = m.group(0)
        for part in re.split(r"[-'’]", word):
            lower = part.lower()
            if len(part) < 2 or lower in known:
                continue
            if lower not in checker:
                suggestion = checker.correction(lower)
                issues.append(
                    Issue(
                        m.start(),
                        m.end(),
                        "orthographe",
                        f"« {part} » est inconnu du dictionnaire.",
                        (suggestion,) if suggestion and suggestion != lower else (),
                    )
                )
                break
    for m in DOUBLE_SPACE.finditer(text):
        issues.append(Issue(m.start(), m.end(), "typographie", "Espaces multiples."))
    for m in NO_SPACE_BEFORE_DOUBLE.finditer(text):
        is_time = m.group(1) == ":" and text[m.end() : m.end() + 1].isdigit()  # 10:30
        if not is_time:
            issues.append(
                Issue(
                    m.start(),
                    m.end(),
                    "typographie",
                    f"Une espace insécable précède « {m.group(1)} » en français.",
                )
            )
    for m in REPEATED.finditer(text):
        if not m.group(1).isdigit():
            issues.append(
                Issue(m.start(), m.end(), "répétition", f"Mot répété : « {m.group(1)} ».")
            )
    for m in LOWER_AFTER_STOP.finditer(text):
        issues.append(
            Issue(m.start(1), m.end(1), "typographie", "Majuscule attendue en début de phrase.")
        )
    return [asdict(i) for i in sorted(issues, key=lambda i: (i.start, i.kind))]


def pack_words(pack: Any) -> set[str]:
    """Every word of the pack's names (centre, principals, customers, products, cities): the
    aid never flags them."""
    texts = [pack.company.name, pack.company.city, *(p.name for p in pack.principals)]
    for record in pack.crm:
        texts += [record.last_name, record.first_name, record.company]
        if record.address is not None:
            texts += [str(v) for v in record.address.model_dump().values() if v]
    texts += [item.label for item in pack.catalogue]
    return {w.lower() for t in texts for w in WORD.findall(t)}

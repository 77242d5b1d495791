"""French grammar with Grammalecte (Debian's `python3-grammalecte`, offline): agreements,
conjugation, confusions (« Suite a », « l'entretient »), punctuation. Loaded once, on first use,
through `debian_libs`; absent, `available()` says why and `errors()` returns nothing.

Options: Grammalecte's defaults, less the purely typographic ones a keyboard cannot be blamed
for in an exam (typographic apostrophe ’, non-breaking spaces before « ; : ! ? »): the aid
flags language, not typesetting.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from server.writing import debian_libs

PACKAGE = "python3-grammalecte"
OFF = ("apos", "nbsp", "typo", "esp", "num", "unit")
# Rules outside any option that are typesetting too (non-breaking spaces in « 1 000 »).
IGNORED_RULES = ("num_grand_nombre",)


@dataclass(frozen=True)
class GrammarError:
    start: int
    end: int
    rule: str
    message: str
    suggestions: tuple[str, ...]


class _Engine:
    def __init__(self, module: Any) -> None:
        checker = module.GrammarChecker("fr")
        self.gce = checker.getGCEngine()
        self.options = {**self.gce.getDefaultOptions(), **{k: False for k in OFF}}
        self.version = str(getattr(self.gce, "version", "") or "")
        self.lock = threading.Lock()  # the engine keeps per-parse state in module globals

    def parse(self, paragraph: str) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.gce.parse(paragraph, "FR", dOptions=self.options))


@lru_cache(maxsize=1)
def _engine() -> tuple[_Engine | None, str]:
    loaded = debian_libs.load("grammalecte", package=PACKAGE)
    if loaded.module is None:
        return None, loaded.origin
    try:
        return _Engine(loaded.module), loaded.origin
    except Exception as exc:  # noqa: BLE001 - reported as absent, with the reason
        return None, f"{PACKAGE} inutilisable ({exc})"


def available() -> tuple[bool, str]:
    """(usable, its version or why not)."""
    engine, origin = _engine()
    return (True, f"Grammalecte {engine.version}") if engine else (False, origin)


PARAGRAPH = re.compile(r"[^\n]+")


@lru_cache(maxsize=4096)
def errors(text: str) -> tuple[GrammarError, ...]:
    """Grammalecte's errors in `text`, paragraph by paragraph, offsets in `text`."""
    engine, _ = _engine()
    if engine is None:
        return ()
    out = []
    for m in PARAGRAPH.finditer(text):
        for e in engine.parse(m.group(0)):
            if e.get("sRuleId", "").startswith(IGNORED_RULES):
                continue
            out.append(
                GrammarError(
                    m.start() + e["nStart"],
                    m.start() + e["nEnd"],
                    e.get("sRuleId", ""),
                    e.get("sMessage", "").replace("“", "« ").replace("”", " »"),
                    tuple(e.get("aSuggestions", ()))[:3],
                )
            )
    return tuple(out)

"""French spelling with Hunspell and Debian's French dictionary (`hunspell-fr`, the Dicollecte
« classique et réforme 1990 » lexicon, offline) through Debian's binding `python3-hunspell`.
Absent, `available()` says why and the caller falls back to pyspellchecker."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from server.writing import debian_libs

PACKAGES = "python3-hunspell hunspell-fr"
DICTIONARY = Path(os.environ.get("PLATEAU_HUNSPELL_FR", "/usr/share/hunspell/fr_FR"))


class _Speller:
    def __init__(self, module: Any, base: Path) -> None:
        self.h = module.HunSpell(str(base.with_suffix(".dic")), str(base.with_suffix(".aff")))
        self.lock = threading.Lock()

    def known(self, word: str) -> bool:
        with self.lock:
            return bool(self.h.spell(word))

    def suggest(self, word: str) -> tuple[str, ...]:
        with self.lock:
            return tuple(self.h.suggest(word))[:3]


@lru_cache(maxsize=1)
def _speller() -> tuple[_Speller | None, str]:
    if not DICTIONARY.with_suffix(".dic").is_file():
        return None, f"dictionnaire {DICTIONARY}.dic absent (apt-get install hunspell-fr)"
    loaded = debian_libs.load("hunspell", package="python3-hunspell")
    if loaded.module is None:
        return None, loaded.origin
    try:
        return _Speller(loaded.module, DICTIONARY), f"Hunspell ({DICTIONARY.name})"
    except Exception as exc:  # noqa: BLE001 - reported as absent, with the reason
        return None, f"{PACKAGES} inutilisable ({exc})"


def available() -> tuple[bool, str]:
    speller, origin = _speller()
    return speller is not None, origin


@lru_cache(maxsize=20_000)
def known(word: str) -> bool:
    speller, _ = _speller()
    return speller.known(word) if speller else True


@lru_cache(maxsize=5_000)
def suggestions(word: str) -> tuple[str, ...]:
    speller, _ = _speller()
    return speller.suggest(word) if speller else ()

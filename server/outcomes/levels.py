"""Levels of qualification: the referentials of 2015-2016 still say « niveau IV » (the 1969
nomenclature); since the décret n° 2019-14 of 8 January 2019 (cadre national des certifications
professionnelles) a document states the level in the new scale: V → 3, IV → 4, III → 5,
II → 6, I → 7. Pure."""

from __future__ import annotations

NOMENCLATURE_1969 = {"V": 3, "IV": 4, "III": 5, "II": 6, "I": 7}


def level_number(level: str) -> str:
    """« IV » → « 4 »; a level already in the new scale (« 4 ») is kept."""
    text = level.strip().upper().removeprefix("NIVEAU").strip()
    if text in NOMENCLATURE_1969:
        return str(NOMENCLATURE_1969[text])
    return text if text.isdigit() else level.strip()


def level_label(level: str) -> str:
    """« niveau 4 »."""
    return f"niveau {level_number(level)}"

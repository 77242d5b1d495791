"""A candidate's record across sessions, and what of it counts toward a title on a given day.

Capitalisation: CCPs obtained at earlier sessions count toward the title while the title is
valid, and for one year after the end of its validity (« En cas de clôture du titre, le candidat
ayant antérieurement obtenu des CCP dispose d'un an à compter de la date de la fin de validité du
titre pour obtenir le titre initialement visé »). CCPs obtained under a previous version of the
title count through the correspondence table of the current version (RC annexe 2).
Pure: no I/O, dates passed in.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from pydantic import BaseModel, ConfigDict

from server.core.referential import Title


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ObtainedCcp(Fact):
    """A CCP the jury awarded. `ccp` is the CCP code for the version it was obtained under, or,
    for a previous version whose CCPs have no code (the 2011 CRCD), the CCP's intitulé as the
    correspondence table writes it."""

    title_id: str
    version: str
    ccp: str
    obtained_on: date
    session_id: str


class TitleAward(Fact):
    title_id: str
    version: str
    obtained_on: date
    session_id: str


class CcsAward(Fact):
    title_id: str
    ccs: str
    obtained_on: date
    session_id: str


class CandidateRecord(Fact):
    """Everything a candidate obtained, whatever the session (a person, not a session seat)."""

    candidate_id: str
    ccps: tuple[ObtainedCcp, ...] = ()
    titles: tuple[TitleAward, ...] = ()
    ccs: tuple[CcsAward, ...] = ()

    def title_award(self, title_id: str, on: date | None = None) -> TitleAward | None:
        """The first award of the title (any version) obtained on or before `on`."""
        found = [
            t for t in self.titles if t.title_id == title_id and (on is None or t.obtained_on <= on)
        ]
        return min(found, key=lambda t: t.obtained_on) if found else None

    def ccs_award(self, title_id: str, ccs: str) -> CcsAward | None:
        return next((c for c in self.ccs if c.title_id == title_id and c.ccs == ccs), None)


class HeldCcp(Fact):
    """A CCP of the current version that counts toward the title."""

    code: str
    name: str
    obtained_on: date
    session_id: str
    version: str
    # The CCP as obtained, when it counts through a correspondence (its old intitulé or code).
    obtained_as: str | None = None
    counts_until: date | None = None

    @property
    def via_correspondence(self) -> bool:
        return self.obtained_as is not None


class Holdings(Fact):
    """A record read against one title on one day."""

    title_id: str
    on: date
    held: tuple[HeldCcp, ...]
    # Entries of this title that do not count: unknown version or CCP, no correspondence, or
    # past the title's deadline.
    not_counted: tuple[ObtainedCcp, ...] = ()
    deadline: date | None = None
    expired: bool = False

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(h.code for h in self.held)

    def get(self, code: str) -> HeldCcp | None:
        return next((h for h in self.held if h.code == code), None)


def one_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def counts_until(title: Title) -> date | None:
    """The last day CCPs of this title count toward it: end of validity + one year."""
    return one_year_after(title.valid_until) if title.valid_until is not None else None


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _current_code(title: Title, entry: ObtainedCcp) -> tuple[str, str | None] | None:
    """(current CCP code, what it was obtained as if through a correspondence), or None."""
    codes = {c.code for c in title.ccps}
    if entry.version == title.version:
        return (entry.ccp, None) if entry.ccp in codes else None
    for prev in title.previous_versions:
        if prev.version != entry.version:
            continue
        for corr in prev.correspondences:
            if _norm(corr.old) == _norm(entry.ccp):
                return corr.new, entry.ccp
    return None


def holdings(title: Title, record: CandidateRecord, on: date) -> Holdings:
    """The CCPs of `title` the candidate holds on `on` (obtained that day or earlier)."""
    deadline = counts_until(title)
    expired = deadline is not None and on > deadline
    best: dict[str, HeldCcp] = {}
    not_counted: list[ObtainedCcp] = []
    for entry in record.ccps:
        if entry.title_id != title.id or entry.obtained_on > on:
            continue
        mapped = None if expired else _current_code(title, entry)
        if mapped is None:
            not_counted.append(entry)
            continue
        code, obtained_as = mapped
        held = HeldCcp(
            code=code,
            name=title.ccp(code).name,
            obtained_on=entry.obtained_on,
            session_id=entry.session_id,
            version=entry.version,
            obtained_as=obtained_as,
            counts_until=deadline,
        )
        if code not in best or held.obtained_on < best[code].obtained_on:
            best[code] = held
    ordered = tuple(best[c.code] for c in title.ccps if c.code in best)
    return Holdings(
        title_id=title.id,
        on=on,
        held=ordered,
        not_counted=tuple(not_counted),
        deadline=deadline,
        expired=expired,
    )

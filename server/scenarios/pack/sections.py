"""A dossier document cut at its second-level headings (« ## … »), so that a session of one
format receives the sections its simulations use and not the whole title dossier.

pack.yaml says, per document, which sections serve which simulations or formats
(`dossier[i].sections`); a document without `sections` is given whole. Pure text work."""

from __future__ import annotations

import re

from pydantic import Field

from server.core.loading import DataModel

_FENCE = re.compile(r"^\s*(```|~~~)")


class SectionUse(DataModel):
    """One « ## » section of a document and what it serves. With neither `simulations` nor
    `formats`, every format; otherwise the formats listed, and every format that plays one of
    the simulations listed."""

    heading: str = Field(min_length=1)  # the heading's text, exactly, without the « ## »
    simulations: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()

    def serves(self, format_id: str, simulation_ids: frozenset[str]) -> bool:
        if not self.simulations and not self.formats:
            return True
        return format_id in self.formats or any(s in simulation_ids for s in self.simulations)


def split_sections(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The text before the first « ## » heading, then each (heading, block) in order; a
    block starts at its heading line and runs to the next one. Headings inside a fenced code
    block do not count."""
    preamble: list[str] = []
    blocks: list[tuple[str, list[str]]] = []
    fenced = False
    for line in text.splitlines(keepends=True):
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            blocks.append((line[3:].strip(), [line]))
        elif blocks:
            blocks[-1][1].append(line)
        else:
            preamble.append(line)
    return "".join(preamble), [(h, "".join(lines)) for h, lines in blocks]


def headings(text: str) -> list[str]:
    return [h for h, _ in split_sections(text)[1]]


def cut(
    text: str, uses: tuple[SectionUse, ...], format_id: str, simulation_ids: frozenset[str]
) -> str:
    """The document as the format receives it: the preamble and the sections that serve it
    (a section `uses` does not name is kept: the validator reports it)."""
    if not uses:
        return text
    by_heading = {u.heading: u for u in uses}
    preamble, blocks = split_sections(text)
    kept = [
        block
        for heading, block in blocks
        if heading not in by_heading or by_heading[heading].serves(format_id, simulation_ids)
    ]
    return preamble + "".join(kept)


def word_count(text: str) -> int:
    return len(text.split())

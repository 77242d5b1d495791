"""What the catalogue edge returns: the titles run here, their formats, the scenario packs."""

from __future__ import annotations

from pydantic import BaseModel

from server.core.referential import PhaseKind


class PhaseOut(BaseModel):
    kind: PhaseKind
    label: str
    minutes: int


class FormatOut(BaseModel):
    id: str
    name: str
    phases: list[PhaseOut]


class TitleOut(BaseModel):
    id: str
    name: str
    formats: list[FormatOut]


class PackOut(BaseModel):
    id: str
    name: str
    title: str  # the title's id
    version: str
    author: str
    confidential: bool
    summary: str  # for organisers; not shown to candidates
    formats: list[str]  # the ids of the title's formats the pack serves


class CatalogueOut(BaseModel):
    titles: list[TitleOut]  # the titles whose exams run here
    packs: list[PackOut]
    problems: list[str]  # the packs that failed to load, and why (French)

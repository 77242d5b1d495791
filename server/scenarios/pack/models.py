"""A scenario pack (one exam subject) as one validated, frozen model, and the
candidate-facing view of it that carries no jury-only type.

Read from files by `pack.loader.load_pack`; rebuilt from the database by
`service.get_snapshot`. `sha256()` is over a canonical JSON of the whole pack.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from pydantic import Field, model_validator

from server.core.loading import DataModel
from server.core.referential import ExamFormat
from server.scenarios.pack.company import (
    SLUG,
    CatalogueItem,
    Company,
    DossierDocument,
    DossierEntry,
    Principal,
)
from server.scenarios.pack.crm import CrmRecord
from server.scenarios.pack.simulations import (
    Simulation,
    SimulationPublic,
    WritingTask,
    WritingTaskPublic,
)
from server.scenarios.pack.types import DossierKind


class FormatUse(DataModel):
    """A format the pack serves. Without lists, the subset follows the RC rule (see
    `pack_formats`); with lists, exactly those simulations / writing tasks, in run order."""

    format: str
    simulations: tuple[str, ...] | None = None
    writing_tasks: tuple[str, ...] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return {"format": data} if isinstance(data, str) else data


class PackMeta(DataModel):
    id: str = Field(pattern=SLUG)
    title: str  # the title's id in the referential, e.g. CRCD
    name: str = Field(min_length=1)  # the subject's name, shown to everyone
    version: str = Field(min_length=1)
    author: str = Field(min_length=1)
    confidential: bool
    story_date: date  # "today" in the story: every date of the pack is consistent with it
    summary: str = ""  # for organisers; not shown to candidates
    formats: tuple[FormatUse, ...] = Field(min_length=1)
    company: Company
    principals: tuple[Principal, ...] = Field(min_length=1)
    # Minutes the candidate needs after each call to qualify it (wrap-up): counted when the
    # calls must fit the calls phase and when the jury is told what the time left can hold.
    # Left out of the dump at 0: a pack frozen before it existed keeps its hash.
    wrap_up_minutes: int = Field(default=0, ge=0, le=10, exclude_if=lambda v: v == 0)


class PackFile(PackMeta):
    """pack.yaml: the metadata and the index of the dossier's Markdown files, in order."""

    dossier: tuple[DossierEntry, ...] = Field(min_length=1)


class CandidateDocument(DataModel):
    id: str
    kind: DossierKind
    title: str
    text: str  # Markdown
    html: str  # rendered with raw HTML escaped


class CandidatePack(DataModel):
    """Everything a candidate may receive about the subject. Built only from
    candidate-visible types: no juror card, no marking note, no staff label."""

    id: str
    name: str
    version: str
    format: str | None
    story_date: date
    company: Company
    principals: tuple[Principal, ...]
    dossier: tuple[CandidateDocument, ...]
    catalogue: tuple[CatalogueItem, ...]
    crm: tuple[CrmRecord, ...]
    simulations: tuple[SimulationPublic, ...]
    writing_tasks: tuple[WritingTaskPublic, ...]


class FormatSubset(DataModel):
    """What a session of one format uses from a pack, in run order."""

    format: str
    simulations: tuple[Simulation, ...]
    writing_tasks: tuple[WritingTask, ...]
    dossier: tuple[DossierDocument, ...]


SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


class ScenarioPack(PackMeta):
    dossier: tuple[DossierDocument, ...]
    catalogue: tuple[CatalogueItem, ...] = ()
    crm: tuple[CrmRecord, ...]
    simulations: tuple[Simulation, ...]
    writing_tasks: tuple[WritingTask, ...] = ()

    # ------------------------------------------------------------ look-ups

    def simulation(self, simulation_id: str) -> Simulation:
        for s in self.simulations:
            if s.id == simulation_id:
                return s
        raise KeyError(simulation_id)

    def record(self, record_id: str) -> CrmRecord:
        for r in self.crm:
            if r.id == record_id:
                return r
        raise KeyError(record_id)

    def catalogue_item(self, ref: str) -> CatalogueItem:
        for item in self.catalogue:
            if item.ref == ref:
                return item
        raise KeyError(ref)

    def format_use(self, format_id: str) -> FormatUse | None:
        return next((f for f in self.formats if f.format == format_id), None)

    def simulation_by_phone(self, digits: str) -> Simulation | None:
        return next(
            (
                s
                for s in self.simulations
                if s.candidate.phone and s.candidate.phone.digits == digits
            ),
            None,
        )

    # ------------------------------------------------------------ formats

    def for_format(self, exam_format: ExamFormat) -> FormatSubset:
        """The subset a session of `exam_format` uses; raises PackFormatError when the pack
        does not serve that format or the subset breaks the format's counts."""
        from server.scenarios.pack.formats import for_format

        return for_format(self, exam_format)

    # ------------------------------------------------------------ views

    def candidate_view(self, exam_format: ExamFormat | None = None) -> CandidatePack:
        if exam_format is None:
            sims, tasks, docs = self.simulations, self.writing_tasks, self.dossier
        else:
            subset = self.for_format(exam_format)
            sims, tasks, docs = subset.simulations, subset.writing_tasks, subset.dossier
        return CandidatePack(
            id=self.id,
            name=self.name,
            version=self.version,
            format=exam_format.id if exam_format else None,
            story_date=self.story_date,
            company=self.company,
            principals=self.principals,
            dossier=tuple(
                CandidateDocument(id=d.id, kind=d.kind, title=d.title, text=d.text, html=d.html())
                for d in docs
            ),
            catalogue=self.catalogue,
            crm=self.crm,
            simulations=tuple(s.public() for s in sims),
            writing_tasks=tuple(w.public() for w in tasks),
        )

    def jury_only_texts(self) -> Iterator[str]:
        """Every string a candidate must not receive: the simulations' staff labels, the
        juror cards and the writing tasks' marking notes."""
        for s in self.simulations:
            yield from s.staff_texts()
        for w in self.writing_tasks:
            yield from w.jury_texts()

    def jury_only_sentences(self, min_length: int = 25) -> list[str]:
        """The jury-only texts cut into sentences long enough that finding one in a
        candidate-facing response means a leak (short answers like « Oui. » are skipped)."""
        out: dict[str, None] = {}
        for text in self.jury_only_texts():
            for sentence in SENTENCE_END.split(" ".join(text.split())):
                if len(sentence) >= min_length:
                    out[sentence] = None
        return list(out)

    def leaked_sentences(self, text: str) -> list[str]:
        """The jury-only sentences found in `text` (a page, an API or WebSocket body):
        whitespace is collapsed and JSON escapes of newlines and quotes are undone first."""
        flat = " ".join(text.replace("\\n", " ").replace('\\"', '"').split())
        return [s for s in self.jury_only_sentences() if s in flat]

    # ------------------------------------------------------------ freezing

    def canonical_json(self) -> str:
        return json.dumps(
            self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

"""Candidate-visible facts about the fictitious company: who it is, for whom it works,
what it sells (the structured catalogue), and the Markdown dossier documents."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from server.core.loading import DataModel
from server.scenarios.pack.sections import SectionUse, cut
from server.scenarios.pack.types import CENT, DossierKind, Money, VatRate

SLUG = r"^[a-z0-9][a-z0-9-]*$"


class Company(DataModel):
    """The contact centre the candidate works for."""

    name: str = Field(min_length=1)
    activity: str = Field(min_length=1)
    city: str = Field(min_length=1)


class Principal(DataModel):
    """A donneur d'ordre whose campaign the centre runs (a company or a public service)."""

    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=1)
    sector: str = Field(min_length=1)
    public_service: bool = False


class CatalogueItem(DataModel):
    ref: str = Field(min_length=1)
    principal: str
    label: str = Field(min_length=1)
    price: Money  # TTC, in euros
    vat_rate: VatRate  # percent
    unit: str = "l'unité"
    available: bool = True
    description: str = ""

    @property
    def price_excl_vat(self) -> Decimal:
        return (self.price / (1 + self.vat_rate / 100)).quantize(CENT)


class CatalogueFile(DataModel):
    """catalogue.yaml"""

    items: tuple[CatalogueItem, ...] = ()


class DossierEntry(DataModel):
    """One line of pack.yaml's `dossier` index: a Markdown file under dossier/."""

    file: str = Field(pattern=r"^[A-Za-z0-9_.-]+\.md$")
    kind: DossierKind
    formats: tuple[str, ...] = ()  # empty: every format the pack serves
    # Its « ## » sections and what each serves (see pack_sections); empty: the whole document.
    sections: tuple[SectionUse, ...] = ()


class DossierDocument(DataModel):
    """A candidate-visible document: Markdown text, rendered safely on display."""

    id: str
    kind: DossierKind
    formats: tuple[str, ...] = ()
    title: str
    text: str
    # Left out of the dump when empty: a pack frozen before sections existed keeps its hash.
    sections: tuple[SectionUse, ...] = Field(default=(), exclude_if=lambda v: not v)

    def serves(self, format_id: str) -> bool:
        return not self.formats or format_id in self.formats

    def for_format(self, format_id: str, simulation_ids: frozenset[str]) -> DossierDocument:
        """The document as a session of `format_id` playing `simulation_ids` receives it."""
        if not self.sections:
            return self
        return self.model_copy(
            update={"text": cut(self.text, self.sections, format_id, simulation_ids)}
        )

    def html(self) -> str:
        from server.scenarios.pack.markdown import render_markdown

        return render_markdown(self.text)

"""A PDF is rendered once per content: the same document asked again (twenty staff downloading
the procès-verbal at once, a juror downloading the grid twice) is the same bytes, served
without rendering it again (a grid costs ~0.3 s of CPU, and renders go one at a time); a
document whose printed content changed is rendered anew."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from server.documents import pdf


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML of every real render from now on, with a cold cache."""
    from xhtml2pdf import pisa

    made: list[str] = []
    original = pisa.CreatePDF

    def counted(html: str, *args: Any, **kwargs: Any) -> Any:
        made.append(html)
        return original(html, *args, **kwargs)

    monkeypatch.setattr(pisa, "CreatePDF", counted)
    pdf.forget_rendered()
    yield made
    pdf.forget_rendered()


def _render(name: str) -> bytes:
    return pdf.pdf_of_html(f"<html><body><h1>{name}</h1><p>Procès-verbal</p></body></html>")


def test_the_same_content_is_rendered_once_and_served_the_same(renders: list[str]) -> None:
    first = _render("Session du 4 décembre")
    again = _render("Session du 4 décembre")
    assert first == again and first.startswith(b"%PDF")
    assert len(renders) == 1


def test_a_changed_content_is_rendered_anew(renders: list[str]) -> None:
    before = _render("Session du 4 décembre")
    after = _render("Session du 5 décembre")
    assert before != after
    assert len(renders) == 2


async def test_twenty_asking_at_once_cost_one_render(renders: list[str]) -> None:
    html = "<html><body><p>Résultats — 20 demandes</p></body></html>"
    got = await asyncio.gather(*(asyncio.to_thread(pdf.pdf_of_html, html) for _ in range(20)))
    assert len(set(got)) == 1
    assert len(renders) == 1


def test_the_cache_keeps_a_bounded_number_of_documents(renders: list[str]) -> None:
    for n in range(pdf.RENDERED_KEPT + 5):
        _render(f"document {n}")
    assert len(renders) == pdf.RENDERED_KEPT + 5
    _render("document 0")  # the oldest was let go: rendered again
    assert len(renders) == pdf.RENDERED_KEPT + 6
    _render(f"document {pdf.RENDERED_KEPT + 4}")  # the newest is still kept
    assert len(renders) == pdf.RENDERED_KEPT + 6

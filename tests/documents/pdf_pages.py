"""Reading rendered PDFs as a person would see them: each page as a PNG (pypdfium2, no system
library), the text of each page, and where on the page a piece of text lies."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium


@dataclass(frozen=True)
class Box:
    page: int
    left: float
    bottom: float
    right: float
    top: float


@contextmanager
def opened(pdf: bytes) -> Iterator[pdfium.PdfDocument]:
    doc = pdfium.PdfDocument(pdf)
    try:
        yield doc
    finally:
        doc.close()


def to_png(pdf: bytes, folder: Path, stem: str, *, scale: float = 1.5) -> list[Path]:
    """Every page as `<stem>-<n>.png` in `folder` (A4 at 108 dpi by default)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    with opened(pdf) as doc:
        for n, page in enumerate(doc, start=1):
            image = page.render(scale=scale).to_pil()
            path = folder / f"{stem}-{n}.png"
            image.save(path)
            out.append(path)
    return out


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, whitespace collapsed."""
    texts = []
    with opened(pdf) as doc:
        for page in doc:
            texts.append(" ".join(page.get_textpage().get_text_range().split()))
    return texts


def occurrences(pdf: bytes, text: str) -> list[list[Box]]:
    """Each occurrence of `text`: the bounding box of each of its characters (PDF points,
    origin at the bottom left; spaces, which have no box, left out)."""
    found = []
    with opened(pdf) as doc:
        for n, page in enumerate(doc):
            textpage = page.get_textpage()
            searcher = textpage.search(text, match_case=True)
            while (hit := searcher.get_next()) is not None:
                start, count = hit
                chars = [Box(n, *textpage.get_charbox(i)) for i in range(start, start + count)]
                found.append([b for b in chars if b.right > b.left])
    return found


def boxes(pdf: bytes, text: str) -> list[Box]:
    """Every character box of every occurrence of `text`."""
    return [b for hit in occurrences(pdf, text) for b in hit]


def page_size(pdf: bytes) -> tuple[float, float]:
    with opened(pdf) as doc:
        width, height = doc[0].get_size()
        return float(width), float(height)

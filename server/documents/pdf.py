"""HTML templates (Jinja2, autoescaped) rendered to PDF with xhtml2pdf: pure Python, no
system library to install, so the demo machine can print a grid too. Rendering is CPU work:
`render_pdf_async` runs it in a worker thread (one at a time: ReportLab keeps global state).

A document is rendered once per content: the last `RENDERED_KEPT` PDFs are kept by the hash of
their HTML, so the same document asked again — twenty staff downloading the procès-verbal at
once, a juror downloading the grid twice — is the same bytes without rendering it again (a
grid costs ~0.3 s of CPU). Whatever a document prints (its data, its version, the minute of a
preview) is in its HTML: a change of any of it is a new render."""

from __future__ import annotations

import asyncio
import hashlib
import io
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context

from server.core import localtime
from server.core.text import readable
from server.outcomes.levels import level_label

TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"], default=True),
    undefined=StrictUndefined,
    # Every printed value read defensively: a stored text the policy would refuse today is
    # printed with U+FFFD in place of what cannot be, never a document that fails whole.
    finalize=lambda value: readable(value, where="PDF") if isinstance(value, str) else value,
)


# Instants in the centre's time zone (the template context's `zone`), humanly formatted.
@pass_context
def _date_time(context: Context, value: Any) -> str:
    return localtime.date_time(value, context["zone"]) if value else "—"


@pass_context
def _clock(context: Context, value: Any) -> str:
    return localtime.clock_time(value, context["zone"]) if value else "—"


_env.filters.update(
    date_time=_date_time,
    clock=_clock,
    day=lambda d: localtime.short_day(d) if d else "—",
    long_day=lambda d: localtime.long_day(d) if d else "—",
    level=level_label,
)
_lock = threading.Lock()  # one render at a time, and the cache below
RENDERED_KEPT = 32  # a session's documents: PV, results, a grid and a booklet per candidate
_rendered: OrderedDict[bytes, bytes] = OrderedDict()  # sha-256 of the HTML → its PDF


class PdfError(RuntimeError):
    pass


def render_html(template: str, **context: Any) -> str:
    return _env.get_template(template).render(**context)


def render_pdf(template: str, **context: Any) -> bytes:
    return pdf_of_html(render_html(template, **context), template)


def pdf_of_html(html: str, template: str = "HTML") -> bytes:
    """The PDF of `html`: rendered, or the one rendered last time for the same HTML."""
    # Imported by the first PDF, not with the server: xhtml2pdf brings ReportLab and pypdf,
    # half a second of CPU in every process (tests/documents/test_pdf_library_loaded_late.py).
    from xhtml2pdf import pisa

    key = hashlib.sha256(html.encode("utf-8", "surrogatepass")).digest()
    with _lock:
        kept = _rendered.get(key)
        if kept is not None:
            _rendered.move_to_end(key)
            return kept
        out = io.BytesIO()
        result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
        if result.err:
            raise PdfError(f"PDF non généré ({template}) : {result.err} erreur(s)")
        _rendered[key] = made = out.getvalue()
        if len(_rendered) > RENDERED_KEPT:
            _rendered.popitem(last=False)
        return made


def forget_rendered() -> None:
    """Let every kept PDF go (tests)."""
    with _lock:
        _rendered.clear()


async def render_pdf_async(template: str, **context: Any) -> bytes:
    return await asyncio.to_thread(render_pdf, template, **context)

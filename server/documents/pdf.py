"""HTML templates (Jinja2, autoescaped) rendered to PDF with xhtml2pdf: pure Python, no
system library to install, so the demo machine can print a grid too. Rendering is CPU work:
`render_pdf_async` runs it in a worker thread (one at a time: ReportLab keeps global state)."""

from __future__ import annotations

import asyncio
import io
import threading
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
_lock = threading.Lock()


class PdfError(RuntimeError):
    pass


def render_html(template: str, **context: Any) -> str:
    return _env.get_template(template).render(**context)


def render_pdf(template: str, **context: Any) -> bytes:
    # Imported by the first PDF, not with the server: xhtml2pdf brings ReportLab and pypdf,
    # half a second of CPU in every process (tests/documents/test_pdf_library_loaded_late.py).
    from xhtml2pdf import pisa

    html = render_html(template, **context)
    out = io.BytesIO()
    with _lock:
        result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise PdfError(f"PDF non généré ({template}) : {result.err} erreur(s)")
    return out.getvalue()


async def render_pdf_async(template: str, **context: Any) -> bytes:
    return await asyncio.to_thread(render_pdf, template, **context)

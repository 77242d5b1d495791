"""Dossier Markdown: safe rendering (raw HTML is escaped, never passed through) and the
checks a pack's documents must pass."""

from __future__ import annotations

from collections.abc import Iterator

from markdown_it import MarkdownIt
from markdown_it.token import Token

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)
# Used only to *find* raw HTML an author wrote, which the renderer above would show as text.
_html_finder = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def render_markdown(text: str) -> str:
    """Markdown to HTML with raw HTML disabled: `<script>` comes out as `&lt;script&gt;`.
    markdown-it also refuses `javascript:`, `vbscript:`, `file:` and most `data:` links."""
    html: str = _renderer.render(text)  # markdown-it types it Any
    return html


def markdown_title(text: str) -> str | None:
    """The text of the first-level heading the document starts with, if any."""
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("# "):
            return line[2:].strip() or None
        return None
    return None


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def markdown_problems(text: str) -> list[str]:
    """What is wrong with a dossier document, in French (empty when it is fine)."""
    problems: list[str] = []
    if markdown_title(text) is None:
        problems.append("le document doit commencer par un titre de niveau 1 (« # Titre »)")
    tokens = list(_walk(_html_finder.parse(text)))
    if any(t.type in ("html_block", "html_inline") for t in tokens):
        problems.append("HTML brut interdit : il serait affiché tel quel (écrire en Markdown)")
    for t in tokens:
        href = str(t.attrs.get("href", "")) if t.type == "link_open" else ""
        if ":" in href:
            problems.append(f"lien externe interdit pendant l'épreuve : {href}")
    return problems

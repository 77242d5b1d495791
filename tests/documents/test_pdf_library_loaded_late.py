"""The PDF library (xhtml2pdf, with ReportLab and pypdf: half a second of CPU to import) is
loaded by the first PDF rendered, not by every process that imports the server (`plateau
serve`, the replicas, the CLI, each test worker): no module of server/ imports it at its top
level."""

from __future__ import annotations

import ast

from server.core.config import PROJECT_ROOT

LATE = ("xhtml2pdf", "reportlab", "pypdf")


def test_no_module_imports_the_pdf_library_at_its_top_level() -> None:
    found = []
    for path in sorted((PROJECT_ROOT / "server").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            found += [
                f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} {name}"
                for name in names
                if name.split(".")[0] in LATE
            ]
    assert found == []

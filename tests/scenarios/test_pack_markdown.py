from __future__ import annotations

from server.scenarios.pack.markdown import markdown_problems, markdown_title, render_markdown


def test_raw_html_is_escaped() -> None:
    html = render_markdown("# Titre\n\n<script>alert('x')</script>\n\nTexte <b>gras</b>.")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;" in html


def test_dangerous_links_are_not_rendered() -> None:
    html = render_markdown("[clic](javascript:alert(1)) ![img](data:text/html;base64,AAAA)")
    assert 'href="javascript' not in html and 'src="data:text/html' not in html


def test_tables_and_emphasis_render() -> None:
    html = render_markdown("| a | b |\n| --- | --- |\n| 1 | **2** |\n")
    assert "<table>" in html and "<strong>2</strong>" in html


def test_document_checks() -> None:
    assert markdown_title("\n# Offres et tarifs\n\ntexte") == "Offres et tarifs"
    assert markdown_title("## Pas un titre de niveau 1") is None
    assert markdown_problems("# Bon\n\nRien à redire, voir [la CGV](#cgv).") == []
    problems = markdown_problems("Pas de titre\n\n<div>brut</div>\n\n[site](https://exemple.fr)")
    assert len(problems) == 3
    assert "titre de niveau 1" in problems[0]
    assert "HTML brut" in problems[1]
    assert "https://exemple.fr" in problems[2]

"""<crm-search> in Chromium: its list of results is refreshed whenever a record changes (the
record fetched after a call's wrap-up, another action's answer). A refresh keeps the result
elements, so that a click in progress — pressed before the refresh, released after — still
opens the record. It used to rebuild every result, and under load the candidate's click on a
search result was lost (the previous call's record stayed in front: CI beside two busy loops,
2026-12-07)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, new_page, open_test_document
from tests.e2e.live_updates import kept_across, press_during

pytestmark = pytest.mark.browser

HTML = """<head><meta charset="utf-8"><title>Recherche de fiches (test)</title></head>
<body><crm-search></crm-search></body>"""

SCRIPT = """import "/static/js/cti/crm-search.js";
window.__records = [
  { id: "JDL-10388", last_name: "Chauvin", first_name: "Bernard", civility: "M.", phones: [] },
  { id: "JDL-10412", last_name: "Lebrun", first_name: "Julien", civility: "M.", phones: [] },
  { id: "JDL-10413", last_name: "Lebrun", first_name: "Agathe", civility: "Mme", phones: [] },
];
window.__opened = [];
const search = document.querySelector("crm-search");
search.records = window.__records;
search.addEventListener("record-open", (ev) => window.__opened.push(ev.detail.id));
window.__refresh = () => {
  // a fresh copy of every record, as after a fetch; one of them changed elsewhere
  search.records = window.__records.map((r) => (r.id === "JDL-10388" ? { ...r, company: "Jardins" } : { ...r }));
};
document.body.dataset.ready = "true";
"""


REFRESH = "() => window.__refresh()"


def test_a_click_on_a_result_survives_the_results_being_refreshed(
    static_server: LiveServer, browser: Any
) -> None:
    page = new_page(browser, static_server)
    open_test_document(page, HTML, SCRIPT)
    page.locator("crm-search input").fill("lebrun")
    hits = page.locator("crm-search li")
    assert hits.count() == 2
    assert kept_across(page, "crm-search li", REFRESH), "a refresh rebuilt the results"
    press_during(page, hits.first, REFRESH)  # the list refreshed between press and release
    assert page.evaluate("() => window.__opened") == ["JDL-10412"]
    # A record that changed shows its change; one that left the hits leaves the list.
    page.evaluate(
        """() => { const s = document.querySelector('crm-search');
                   s.records = window.__records.filter((r) => r.id !== 'JDL-10413')
                     .map((r) => (r.id === 'JDL-10412' ? { ...r, first_name: 'Julie' } : r)); }"""
    )
    assert hits.count() == 1
    assert "Julie" in (hits.first.text_content() or "")
    assert page.console_errors == []

"""<run-sheet> in Chromium: the juror's run sheet is re-rendered whenever the candidate's calls
or chat change (`statuses`, `reasons`), as well as when the selection changes. A re-render keeps
each simulation's button, so that a click in progress — pressed before a status update,
released after — still selects the simulation. It used to rebuild every button, and under load
a juror's click was lost while a status arrived: the juror then called the candidate on the
simulation still selected, the wrong one (CI beside two busy loops)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, new_page, open_test_document
from tests.e2e.live_updates import kept_across, press_during

pytestmark = pytest.mark.browser

HTML = """<head><meta charset="utf-8"><title>Feuille de route (test)</title></head>
<body><run-sheet></run-sheet></body>"""

SCRIPT = """import "/static/js/jury/run-sheet.js";
window.__sims = [
  { id: "s01", order: 1, kind: "appel_entrant", kind_label: "Appel entrant", title: "Réclamation" },
  { id: "s02", order: 2, kind: "appel_sortant", kind_label: "Appel sortant", title: "Relance" },
  { id: "s03", order: 3, kind: "chat", kind_label: "Messagerie", title: "Devis" },
];
window.__picked = [];
const sheet = document.querySelector("run-sheet");
sheet.simulations = window.__sims;
sheet.statuses = { s01: "current" };
sheet.selected = "s01";
sheet.addEventListener("simulation-select", (ev) => window.__picked.push(ev.detail.id));
window.__update = () => {
  // a fresh reading of the calls, as after each call event: s01 is done, s02 live
  sheet.statuses = { s01: "done", s02: "current" };
  sheet.reasons = {};
};
document.body.dataset.ready = "true";
"""


def test_a_click_on_a_simulation_survives_a_status_update(
    static_server: LiveServer, browser: Any
) -> None:
    page = new_page(browser, static_server)
    open_test_document(page, HTML, SCRIPT)
    sheet = page.locator("run-sheet")
    assert sheet.locator("button").count() == 3
    assert kept_across(page, "run-sheet button"), "a status update rebuilt the buttons"
    # The update shows: the states and the classes changed in place.
    assert sheet.locator(".rs-state").all_text_contents() == ["Faite", "En cours", "À faire"]
    assert sheet.locator(".rs-item").nth(0).get_attribute("class") == "rs-item rs-done"
    target = sheet.locator('[data-id="s03"]')
    # a status arrives between press and release
    press_during(
        page,
        target,
        "() => { document.querySelector('run-sheet').statuses = { s01: 'done', s02: 'done' }; }",
    )
    assert page.evaluate("() => window.__picked") == ["s03"]
    assert target.get_attribute("aria-current") == "true"
    assert sheet.locator('[data-id="s01"]').get_attribute("aria-current") == "false"
    assert target.get_attribute("tabindex") == "0"
    assert sheet.locator('[data-id="s01"]').get_attribute("tabindex") == "-1"
    # A simulation not played shows its reason, and loses it when played after all.
    page.evaluate(
        """() => { const s = document.querySelector('run-sheet');
                   s.statuses = { s01: 'done', s02: 'done', s03: 'skipped' };
                   s.reasons = { s03: 'Temps de la phase écoulé' }; }"""
    )
    assert (target.locator(".rs-reason").text_content() or "") == "Temps de la phase écoulé"
    assert sheet.locator(".rs-state").nth(2).text_content() == "Non jouée"
    page.evaluate("() => { document.querySelector('run-sheet').statuses = { s03: 'done' }; }")
    assert target.locator(".rs-reason").count() == 0
    # The keyboard still moves along the list from the button it is on, after the updates.
    target.focus()
    page.keyboard.press("ArrowUp")
    assert page.evaluate("() => document.activeElement.dataset.id") == "s02"
    page.keyboard.press("Home")
    assert page.evaluate("() => document.activeElement.dataset.id") == "s01"
    page.keyboard.press("Enter")
    assert page.evaluate("() => window.__picked") == ["s03", "s01"]
    # A run sheet that changed: the simulations kept keep their buttons, in the new order.
    same = page.evaluate(
        """() => { const s = document.querySelector('run-sheet');
                   const b1 = s.querySelector('[data-id="s01"]');
                   s.simulations = [window.__sims[1], { ...window.__sims[0], title: 'Réclamation (bis)' }];
                   const ids = [...s.querySelectorAll('button')].map((b) => b.dataset.id);
                   return ids.join() === 's02,s01' && s.querySelector('[data-id="s01"]') === b1; }"""
    )
    assert same
    assert sheet.locator('[data-id="s01"] .rs-title').text_content() == "Réclamation (bis)"
    assert sheet.locator('[data-id="s01"] .rs-order').text_content() == "1"
    assert page.console_errors == []

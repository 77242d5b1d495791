"""<call-list> in Chromium: the candidate's list of calls to make is re-rendered whenever the
CRM's records are fetched again (after each call's wrap-up, after an action on a record), and
its tasks carry buttons (« Ouvrir la fiche », « Questionnaire », « Appeler le … »). A re-render
keeps each task's card and buttons, so that a click in progress — pressed before the records
arrive, released after — still takes effect; a rebuild between press and release fires no
`click` (the same loss as <crm-search>'s and <run-sheet>'s under load)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, new_page, open_test_document
from tests.e2e.live_updates import kept_across, press_during

pytestmark = pytest.mark.browser

HTML = """<head><meta charset="utf-8"><title>Appels à passer (test)</title></head>
<body><call-list></call-list></body>"""

SCRIPT = """import "/static/js/cti/call-list.js";
window.__tasks = [
  { id: "s01", kind: "appel_entrant", principal: "p1", brief: "Un client appelle." },
  { id: "s02", kind: "appel_sortant", principal: "p1", brief: "Rappeler M. Lebrun.",
    crm_record: "JDL-10412", survey: { title: "Satisfaction" },
    phone: { display: "01 23 45 67 89", digits: "0123456789" } },
  { id: "s03", kind: "chat", principal: "p2", brief: "Répondre au devis.", crm_record: "JDL-10388" },
];
window.__records = {
  "JDL-10412": { id: "JDL-10412", last_name: "Lebrun", first_name: "Julien", civility: "M." },
  "JDL-10388": { id: "JDL-10388", last_name: "Chauvin", first_name: "Bernard", civility: "M." },
};
window.__events = [];
const list = document.querySelector("call-list");
list.principals = { p1: "Jardins de Loire", p2: "Atelier Martin" };
list.tasks = window.__tasks;
list.records = window.__records;
list.canDial = true;
for (const type of ["dial", "record-open", "survey-open"]) {
  list.addEventListener(type, (ev) => window.__events.push([type, ev.detail]));
}
window.__refresh = () => {
  // the records fetched again, one of them renamed meanwhile
  list.records = Object.fromEntries(Object.entries(window.__records).map(([id, r]) =>
    [id, id === "JDL-10412" ? { ...r, first_name: "Julie", civility: "Mme" } : { ...r }]));
};
document.body.dataset.ready = "true";
"""

REFRESH = "() => window.__refresh()"  # the records fetched again


def test_a_click_on_a_task_survives_the_records_being_fetched_again(
    static_server: LiveServer, browser: Any
) -> None:
    page = new_page(browser, static_server)
    open_test_document(page, HTML, SCRIPT)
    tasks = page.locator("call-list article.cl-task")
    assert tasks.count() == 2  # inbound calls are not listed
    outbound = page.locator("call-list article[data-simulation='s02']")
    assert "Julien Lebrun" in (outbound.locator("header").text_content() or "")
    assert kept_across(page, "call-list article, call-list button", REFRESH), (
        "fetching the records rebuilt the tasks"
    )
    # The update shows: the record's new name is in the task's header.
    assert "Julie Lebrun" in (outbound.locator("header").text_content() or "")
    press_during(page, outbound.get_by_role("button", name="Questionnaire"), REFRESH)
    assert page.evaluate("() => window.__events") == [["survey-open", {"simulation": "s02"}]]
    press_during(page, outbound.get_by_role("button", name="Appeler le 01 23 45 67 89"), REFRESH)
    opens = page.locator("call-list article[data-simulation='s03']").get_by_role(
        "button", name="Ouvrir la fiche"
    )
    press_during(page, opens, REFRESH)
    assert page.evaluate("() => window.__events.slice(1)") == [
        ["dial", {"number": "0123456789", "record": "JDL-10412"}],
        ["record-open", {"id": "JDL-10388"}],
    ]
    # The buttons follow a task that changed: its number, its survey gone, dialling forbidden.
    same = page.evaluate(
        """() => { const list = document.querySelector('call-list');
                   const card = list.querySelector('[data-simulation="s02"]');
                   list.canDial = false;
                   list.tasks = window.__tasks.map((s) => s.id !== 's02' ? s :
                     { ...s, survey: null, phone: { display: '01 98 76 54 32', digits: '0198765432' } });
                   return list.querySelector('[data-simulation="s02"]') === card; }"""
    )
    assert same
    dial = outbound.locator("button.cl-dial")
    assert dial.text_content() == "Appeler le 01 98 76 54 32"
    assert dial.is_disabled()
    assert outbound.get_by_role("button", name="Questionnaire").count() == 0
    assert outbound.locator("button").all_text_contents() == [
        "Ouvrir la fiche",
        "Appeler le 01 98 76 54 32",
    ]
    page.evaluate("() => { document.querySelector('call-list').tasks = []; }")
    assert tasks.count() == 0
    assert "Aucun appel sortant" in (page.locator("call-list .cl-tasks").text_content() or "")
    assert page.console_errors == []

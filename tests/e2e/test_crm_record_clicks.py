"""<crm-record> in Chromium: the record open in the candidate's CRM is set again on every upsert
of it (its fresh copy fetched after each action, each `crm.change` event) and on every timeline
event (`editable`). A new copy keeps the record's sections and their buttons (« Modifier la
fiche », « Note de contact », « Commande »…, a phone's « Appeler »), their text and state
updated in place, so that a click in progress — pressed before the copy arrives, released
after — still takes effect; a rebuild between press and release fires no `click` (the loss
<crm-search>, <run-sheet> and <call-list> had under load). An edit form open keeps what the
candidate typed across those updates."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, new_page, open_test_document
from tests.e2e.live_updates import kept_across, press_during

pytestmark = pytest.mark.browser

HTML = """<head><meta charset="utf-8"><title>Fiche client (test)</title></head>
<body><crm-record></crm-record></body>"""

SCRIPT = """import "/static/js/cti/crm-record.js";
window.__record = {
  id: "JDL-10412", kind: "client", principal: "jdl", civility: "M.", first_name: "Julien",
  last_name: "Lebrun", email: "j.lebrun@exemple.fr", notes: "",
  address: { street: "3 rue des Lilas", postcode: "45000", city: "Orléans" },
  phones: [{ display: "01 23 45 67 89", digits: "0123456789" },
           { display: "06 11 22 33 44", digits: "0611223344" }],
  consent: { email: true, sms: false, phone: true },
  contracts: [], orders: [], invoices: [], appointments: [], callbacks: [],
  history: [{ at: "2026-05-02T09:30:00", channel: "telephone", summary: "Premier contact." }],
};
window.__events = [];
const rec = document.querySelector("crm-record");
rec.principals = { jdl: "Jardins de Loire" };
rec.editable = true;
rec.record = window.__record;
for (const type of ["dial", "record-action", "record-save"]) {
  rec.addEventListener(type, (ev) => window.__events.push([type, ev.detail]));
}
let version = 1;
window.__update = () => {
  // the record's fresh copy, as after an action or a crm.change event: one more contact,
  // an invoice unpaid; and the timeline event that sets `editable` again
  version += 1;
  rec.record = { ...window.__record, version,
    history: [...window.__record.history,
              { at: `2026-05-0${version}T10:00:00`, channel: "courriel", summary: `Relance ${version}.` }],
    invoices: [{ number: "F-1", label: "Abonnement", date: "2026-04-01", due: "2026-04-30",
                 amount: "42.50", status: "impayee" }] };
  rec.editable = true;
};
document.body.dataset.ready = "true";
"""


def test_a_click_on_a_record_survives_its_fresh_copy_and_an_edit_keeps_its_text(
    static_server: LiveServer, browser: Any
) -> None:
    page = new_page(browser, static_server)
    open_test_document(page, HTML, SCRIPT)
    record = page.locator("crm-record")
    assert record.locator(".crm-actions button").all_text_contents() == [
        "Modifier la fiche",
        "Note de contact",
        "Rappel / rendez-vous",
        "Commande",
        "Accord de paiement",
    ]
    assert kept_across(page, "crm-record button, crm-record section"), (
        "a fresh copy of the record rebuilt its buttons"
    )
    # The update shows: the new contact, the unpaid invoice.
    assert "Relance 2." in (record.locator(".crm-history").text_content() or "")
    assert "Impayé : 42,50" in (record.locator(".crm-facts").text_content() or "")
    press_during(page, record.get_by_role("button", name="Commande"))
    press_during(page, record.get_by_role("button", name="06 11 22 33 44 · Appeler"))
    assert page.evaluate("() => window.__events") == [
        ["record-action", {"action": "order", "id": "JDL-10412"}],
        ["dial", {"number": "0611223344", "record": "JDL-10412"}],
    ]
    assert record.locator(".crm-history li").count() == 2
    assert "Relance 4." in (record.locator(".crm-history").text_content() or "")
    # The last action's confirmation stays across a fresh copy.
    page.evaluate("() => { document.querySelector('crm-record').message = 'Note enregistrée.'; }")
    page.evaluate("() => window.__update()")
    assert record.locator(".crm-msg").text_content() == "Note enregistrée."
    # Another record opened: the buttons kept act on it, its phones replace the others.
    kept = page.evaluate(
        """() => { const rec = document.querySelector('crm-record');
                   const note = rec.querySelector('[data-action="note"]');
                   const first = rec.querySelector('.dial-link');
                   rec.record = { ...window.__record, id: 'JDL-10388', first_name: 'Bernard',
                     last_name: 'Chauvin', phones: [{ display: '01 23 45 67 89', digits: '0123456789' }] };
                   return rec.querySelector('[data-action="note"]') === note
                     && rec.querySelector('.dial-link') === first; }"""
    )
    assert kept
    assert record.locator("h2").text_content() == "M. Bernard Chauvin"
    assert record.locator(".crm-msg").text_content() == ""
    assert record.locator(".dial-link").all_text_contents() == ["01 23 45 67 89 · Appeler"]
    record.get_by_role("button", name="Note de contact").click()
    record.get_by_role("button", name="01 23 45 67 89 · Appeler").click()
    assert page.evaluate("() => window.__events.slice(2)") == [
        ["record-action", {"action": "note", "id": "JDL-10388"}],
        ["dial", {"number": "0123456789", "record": "JDL-10388"}],
    ]
    # An edit form open keeps what the candidate types across the record's fresh copies and
    # the timeline's events, and saves the changes to the record it opened on.
    page.evaluate("() => { document.querySelector('crm-record').record = window.__record; }")
    record.get_by_role("button", name="Modifier la fiche").click()
    record.locator("#crm-last_name").fill("Lebrun-Martin")
    page.evaluate("() => { window.__update(); window.__update(); }")
    assert record.locator("#crm-last_name").input_value() == "Lebrun-Martin"
    record.get_by_role("button", name="Enregistrer la fiche").click()
    assert page.evaluate("() => window.__events.slice(4)") == [
        ["record-save", {"id": "JDL-10412", "changes": {"last_name": "Lebrun-Martin"}}],
    ]
    page.evaluate("() => document.querySelector('crm-record').stopEditing()")
    assert record.locator("form").count() == 0
    assert "Relance 7." in (record.locator(".crm-history").text_content() or "")
    assert record.locator(".crm-actions button").count() == 5
    # Out of the calls phase: no action, the phones still there; then no record.
    page.evaluate("() => { document.querySelector('crm-record').editable = false; }")
    assert record.locator(".crm-actions button").count() == 0
    assert record.locator(".dial-link").count() == 2
    page.evaluate("() => { document.querySelector('crm-record').record = null; }")
    assert "Aucune fiche ouverte" in (record.text_content() or "")
    assert record.locator("button").count() == 0
    assert page.console_errors == []

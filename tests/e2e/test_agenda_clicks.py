"""<agenda-view> in Chromium: the candidate's agenda is set again after every action on a record
that plans something (`items`, `slots` read again from the server). A new reading keeps each
appointment's record button and each slot's « Réserver » button, their text and state updated
in place, so that a click in progress — pressed before the reading arrives, released after —
still takes effect; a rebuild between press and release fires no `click` (the loss
<crm-search>, <run-sheet> and <call-list> had under load)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, new_page, open_test_document
from tests.e2e.live_updates import kept_across, press_during

pytestmark = pytest.mark.browser

HTML = """<head><meta charset="utf-8"><title>Agenda (test)</title></head>
<body><agenda-view></agenda-view></body>"""

SCRIPT = """import "/static/js/cti/agenda-view.js";
window.__items = [
  { at: "2026-06-02T09:00:00", kind: "rendez_vous", record_id: "JDL-10412",
    record_name: "M. Julien Lebrun", contact: "M. Lebrun", subject: "Devis terrasse" },
  { at: "2026-06-02T14:30:00", kind: "rappel", record_id: "JDL-10388",
    record_name: "M. Bernard Chauvin", subject: "Relance facture" },
  { at: "2026-06-03T10:00:00", kind: "rendez_vous", record_id: "JDL-10501",
    record_name: "Mme Claire Roux", subject: "Visite" },
];
window.__slots = [
  { representative: "Paul Girard", area: "Orléans", at: "2026-06-04T09:00:00", duration_minutes: 60, taken: false },
  { representative: "Anne Petit", area: "Tours", at: "2026-06-04T14:00:00", duration_minutes: 90, taken: false },
];
window.__events = [];
const agenda = document.querySelector("agenda-view");
agenda.items = window.__items;
agenda.slots = window.__slots;
agenda.canBook = true;
agenda.addEventListener("record-open", (ev) => window.__events.push(["record-open", ev.detail]));
agenda.addEventListener("slot-pick", (ev) => window.__events.push(["slot-pick", ev.detail.slot]));
let n = 0;
window.__update = () => {
  // the agenda read again: fresh copies, a record renamed, Anne Petit's slot booked meanwhile
  n += 1;
  agenda.items = window.__items.map((it) => it.record_id === "JDL-10388"
    ? { ...it, record_name: `M. Bernard Chauvin (${n})` } : { ...it });
  agenda.slots = window.__slots.map((s) => ({ ...s, taken: s.representative === "Anne Petit" }));
};
document.body.dataset.ready = "true";
"""


def test_a_click_in_the_agenda_survives_it_being_read_again(
    static_server: LiveServer, browser: Any
) -> None:
    page = new_page(browser, static_server)
    open_test_document(page, HTML, SCRIPT)
    agenda = page.locator("agenda-view")
    assert agenda.locator("section.agenda-day").count() == 2
    assert agenda.get_by_role("button", name="Réserver").count() == 2
    assert kept_across(page, "agenda-view button, agenda-view section"), (
        "reading the agenda again rebuilt its buttons"
    )
    # The update shows: the record renamed, Anne Petit's slot taken.
    assert agenda.get_by_role("button", name="M. Bernard Chauvin (1)").count() == 1
    assert agenda.locator("button.small-button").all_text_contents() == ["Réserver", "Pris"]
    assert agenda.get_by_role("button", name="Pris").is_disabled()
    press_during(page, agenda.get_by_role("button", name="Réserver"))
    press_during(page, agenda.get_by_role("button", name="M. Bernard Chauvin (2)"))
    press_during(page, agenda.get_by_role("button", name="Mme Claire Roux"))
    events = page.evaluate("() => window.__events")
    assert events == [
        [
            "slot-pick",
            {
                "representative": "Paul Girard",
                "area": "Orléans",
                "at": "2026-06-04T09:00:00",
                "duration_minutes": 60,
                "taken": False,
            },
        ],
        ["record-open", {"id": "JDL-10388"}],
        ["record-open", {"id": "JDL-10501"}],
    ]
    # A new appointment the same day goes in its place; the buttons there are kept.
    kept = page.evaluate(
        """() => { const agenda = document.querySelector('agenda-view');
                   const before = [...agenda.querySelectorAll('button')];
                   agenda.items = [...window.__items, { at: '2026-06-02T11:00:00', kind: 'rappel',
                     record_id: 'JDL-10600', record_name: 'Mme Lina Morel', subject: 'Rappel' }];
                   const after = [...agenda.querySelectorAll('button')];
                   return before.every((b) => after.includes(b)) && after.length === before.length + 1; }"""
    )
    assert kept
    assert agenda.locator("section.agenda-day").first.locator(
        ".agenda-item button"
    ).all_text_contents() == ["M. Julien Lebrun", "Mme Lina Morel", "M. Bernard Chauvin"]
    # Booking forbidden out of the calls phase; then nothing planned, no slot.
    page.evaluate("() => { document.querySelector('agenda-view').canBook = false; }")
    assert agenda.get_by_role("button", name="Réserver").is_disabled()
    page.evaluate(
        "() => { const a = document.querySelector('agenda-view'); a.items = []; a.slots = []; }"
    )
    assert "Aucun rendez-vous ni rappel planifié." in (agenda.text_content() or "")
    assert agenda.locator("button, table").count() == 0
    assert page.console_errors == []

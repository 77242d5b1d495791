"""<interview-notes> in Chromium: when the other juror saves the notes of an interview while this
juror is typing in the same field (`evaluation.interview`, live), their version is shown beside
the field with « Masquer »; each further save of theirs updates it. An update keeps the
message, the version and the « Masquer » button, their text updated in place, so that a click
in progress — pressed before the other juror's save arrives, released after — still hides it;
a rebuild between press and release fires no `click` (the loss <crm-search>, <run-sheet> and
<call-list> had under load)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, new_page, open_test_document
from tests.e2e.live_updates import kept_across, press_during

pytestmark = pytest.mark.browser

HTML = """<head><meta charset="utf-8"><title>Notes des entretiens (test)</title></head>
<body><interview-notes id="interviews"></interview-notes></body>"""

# The page's requests: the notes and the timeline answered at once; this juror's saves held
# (never answered), so that the field stays « being typed ».
SCRIPT = """import { PlateauSocket } from "/static/js/socket.js";
import "/static/js/jury/interview-notes.js";
const panel = document.getElementById("interviews");
const ANSWERS = {
  "evaluation-wanted": { competences: [{ code: "CP3", name: "Conseiller le client" }],
                         interview_topics: ["CP3"], interviews: [] },
  "timeline-wanted": null,
};
window.__saves = [];
for (const type of ["evaluation-wanted", "timeline-wanted", "interview-save"]) {
  panel.addEventListener(type, (ev) => {
    ev.preventDefault();
    if (type === "interview-save") window.__saves.push(ev.detail.text);
    else panel.answer(ev.detail.id, ANSWERS[type]);
  });
}
const socket = new PlateauSocket(); // never connected: the test sends its events
window.__send = (type, detail) => socket.dispatchEvent(new CustomEvent(type, { detail: { type, ...detail } }));
panel.bind({ candidateId: "c1", capacity: "client", socket, snapshot: () => null,
             me: { role: "juror", subject_id: "j1" }, simulations: Promise.resolve(new Map()) });
let n = 0;
window.__update = () => {
  // the other juror saves the same notes again
  n += 1;
  window.__send("evaluation.interview", { candidate_id: "c1", interview: { topic: "CP3",
    text: `Sa version ${n}`, updated_at: `2026-06-01T10:0${n}:00+00:00`, by: "juror:j2" } });
};
document.body.dataset.ready = "true";
"""


def test_a_click_on_masquer_survives_the_other_jurors_save(
    static_server: LiveServer, browser: Any
) -> None:
    page = new_page(browser, static_server)
    open_test_document(page, HTML, SCRIPT)
    field = page.locator("interview-notes .in-text")
    field.fill("Mes notes")
    page.wait_for_function("() => window.__saves.length > 0")  # this juror's save, held
    remote = page.locator("interview-notes .in-remote")
    page.evaluate("() => window.__update()")
    assert remote.is_visible()
    assert "pendant votre saisie" in (remote.locator("p").text_content() or "")
    assert remote.locator(".in-remote-text").text_content() == "Sa version 1"
    remote.locator("summary").click()  # the juror reads their version
    assert kept_across(page, "interview-notes .in-remote *"), (
        "the other juror's save rebuilt « Masquer »"
    )
    # The update shows, and the version read stays open.
    assert remote.locator(".in-remote-text").text_content() == "Sa version 2"
    assert remote.locator("details").get_attribute("open") is not None
    dismiss = remote.get_by_role("button", name="Masquer")
    press_during(page, dismiss)  # their save arrives between press and release
    assert remote.is_hidden()
    assert page.evaluate("() => document.activeElement.classList.contains('in-text')")
    assert field.input_value() == "Mes notes"
    # Their next save shows it again, with their latest version.
    page.evaluate("() => window.__update()")
    assert remote.is_visible()
    assert remote.locator(".in-remote-text").text_content() == "Sa version 4"
    assert remote.get_by_role("button", name="Masquer").count() == 1
    assert page.console_errors == []

"""<recordings-panel> in Chromium: the jury's recordings show the notes pinned on each call as
markers on its bar and as « aller à » buttons, and its named intervals (hold, reconnection…) as
bands and buttons; every note a juror pins (`evaluation.note`, live) draws them again. A new
note keeps those buttons, updated in place, so that a click in progress — pressed before the
note arrives, released after — still jumps where it was meant to; a rebuild between press and
release fires no `click` (the loss <crm-search>, <run-sheet> and <call-list> had under load)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, new_page, open_test_document
from tests.e2e.live_updates import kept_across, press_during

pytestmark = pytest.mark.browser

HTML = """<head><meta charset="utf-8"><title>Enregistrements (test)</title>
<link rel="stylesheet" href="/static/css/plateau.css">
<link rel="stylesheet" href="/static/css/jury.css">
<link rel="stylesheet" href="/static/css/jury-observer.css">
</head><body class="console juror"><main class="jury-main">
<div class="panel"><recordings-panel id="recordings"></recordings-panel></div>
</main></body>"""

# No audio: play() is counted (the jump's effect is the player's position), never fetched.
SCRIPT = """import { PlateauSocket } from "/static/js/socket.js";
import "/static/js/jury/recordings-panel.js";
window.__played = 0;
HTMLMediaElement.prototype.play = function () { window.__played += 1; return Promise.resolve(); };
HTMLMediaElement.prototype.load = function () {};
const socket = new PlateauSocket(); // never connected: the test sends its events
window.__send = (type, detail) => socket.dispatchEvent(new CustomEvent(type, { detail: { type, ...detail } }));
const panel = document.getElementById("recordings");
panel.bind({ candidateId: "c1", capacity: "client", socket, snapshot: () => null,
             me: { role: "juror", subject_id: "j1" }, simulations: Promise.resolve(new Map()) });
panel.recordings = [{
  id: "r1", call_id: "call1", started_at: "2026-06-01T10:00:00+00:00", duration_s: 120,
  audio_url: "data:,", sha256: "ab12cd34ef56ab12cd34ef56",
  gaps: [{ start_s: 30, end_s: 40, reason: "hold", label: "Mise en attente", role: "both" },
         { start_s: 80, end_s: 90, reason: "reconnect", label: "Reconnexion", role: "client",
           role_label: "client", silent: true }],
}];
const note = (id, offset_ms, text) => ({ id, call_id: "call1", offset_ms, text,
  at: "2026-06-01T10:10:00+00:00", by: "juror:j2" });
window.__send("evaluation.note", { candidate_id: "c1", note: note("n1", 15000, "Bonne reformulation") });
window.__send("evaluation.note", { candidate_id: "c1", note: note("n2", 60000, "Oubli de la formule") });
let n = 2;
window.__update = () => {
  // the other juror pins a note without a moment, and corrects the first one
  n += 1;
  window.__send("evaluation.note", { candidate_id: "c1", note: note(`n${n}`, null, `Remarque ${n}`) });
  window.__send("evaluation.note", { candidate_id: "c1", note: note("n1", 15000, `Bonne reformulation (${n})`) });
};
window.__at = () => panel.player("r1").currentTime;
window.__rewind = () => { panel.player("r1").currentTime = 0; };
document.body.dataset.ready = "true";
"""


def jump_during_a_note(page: Any, target: Any) -> float:
    """Where the player is after a click on `target` with a note pinned in the middle."""
    page.evaluate("() => window.__rewind()")
    press_during(page, target)
    return float(page.evaluate("() => window.__at()"))


def test_a_click_on_a_recording_survives_a_note_pinned_meanwhile(
    static_server: LiveServer, browser: Any
) -> None:
    page = new_page(browser, static_server)
    open_test_document(page, HTML, SCRIPT)
    item = page.locator("recordings-panel li.rp-item")
    assert item.locator(".rp-marker").count() == 2
    assert item.locator(".rp-note-jump").all_text_contents() == ["00:15", "01:00"]
    assert item.locator(".rp-gap").count() == 2
    assert kept_across(page, "recordings-panel button, recordings-panel li"), (
        "a note pinned rebuilt the recording's buttons"
    )
    # The update shows: the new note (no moment, last), the first one's new text.
    assert item.locator(".rp-note").count() == 3
    assert item.locator(".rp-note-text").all_text_contents() == [
        "Bonne reformulation (3)",
        "Oubli de la formule",
        "Remarque 3",
    ]
    assert item.locator(".rp-note").first.text_content() == "00:15 Bonne reformulation (3)"
    assert item.locator(".rp-note").nth(2).text_content() == "sans moment Remarque 3"
    assert item.locator(".rp-marker").count() == 2
    assert jump_during_a_note(page, item.locator(".rp-marker").nth(1)) == 60
    assert jump_during_a_note(page, item.locator(".rp-note-jump").first) == 15
    assert jump_during_a_note(page, item.locator(".rp-gap").nth(1)) == 80
    assert jump_during_a_note(page, item.locator(".rp-gap-jump").first) == 30
    assert page.evaluate("() => window.__played") == 4
    assert item.locator(".rp-note").count() == 7
    # A note given a moment later: its line gets a button and the bar a marker.
    page.evaluate(
        """() => window.__send("evaluation.note", { candidate_id: "c1", note: { id: "n3",
             call_id: "call1", offset_ms: 100000, text: "Remarque 3", at: "2026-06-01T10:10:00+00:00" } })"""
    )
    assert item.locator(".rp-marker").count() == 3
    assert item.locator('.rp-note[data-id="n3"] .rp-note-jump').text_content() == "01:40"
    assert jump_during_a_note(page, item.locator('.rp-note[data-id="n3"] button')) == 100
    assert page.console_errors == []

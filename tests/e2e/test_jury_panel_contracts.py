"""The page contract of <crm-feed>, <written-replies> and <documents-panel>, without the
server's answers: the panels fetch nothing (tests/js/components-fetch-nothing.test.js), they ask
the page by an event and show what the page hands them (a property), its failures in French as
before. Bound in Chromium to a context whose socket nobody connects (the test dispatches its
events); what the page reads for them (juror-review-feeds.js) runs against the real server in
test_jury_observer_components.py and test_jury_review_components.py."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_test_document

pytestmark = pytest.mark.browser

PAGE_HTML = """<head><meta charset="utf-8"><title>Contrats des panneaux (test)</title></head>
<body><main>
<crm-feed id="log" mode="log"></crm-feed>
<written-replies id="writing"></written-replies>
<documents-panel id="documents"></documents-panel>
</main></body>"""

# Every event a panel sends is counted in window.__asked (type, or type:simulationId).
PAGE_SCRIPT = """import { PlateauSocket } from "/static/js/socket.js";
import "/static/js/jury/crm-feed.js";
import "/static/js/jury/written-replies.js";
import "/static/js/jury/documents-panel.js";

const socket = new PlateauSocket(); // never connected: the test sends its events
const sims = new Map([["s05-enquete", { id: "s05-enquete", order: 5, title: "Enquête de satisfaction", kind: "call" }]]);
const ctx = {
  candidateId: "c1", capacity: "observer", socket, snapshot: () => null,
  me: { role: "juror" }, simulations: Promise.resolve(sims),
};
window.__asked = [];
for (const type of ["crm-journal-wanted", "crm-survey-wanted", "replies-wanted", "documents-wanted"]) {
  document.addEventListener(type, (ev) => {
    window.__asked.push(ev.detail && ev.detail.simulationId ? `${type}:${ev.detail.simulationId}` : type);
  }, { capture: true });
}
window.__send = (type, detail) => socket.dispatchEvent(new CustomEvent(type, { detail: { type, ...detail } }));
window.__ctx = ctx;
for (const id of ["log", "writing", "documents"]) document.getElementById(id).bind(ctx);
document.body.dataset.ready = "true";
"""

SURVEY_ANSWER = {
    "id": 7,
    "at": "2026-06-01T10:00:00+00:00",
    "kind": "survey_answer",
    "field": "s05-enquete.q1",
    "record_id": "R1",
    "old": None,
    "new": "oui",
}
REPLY = {
    "task_id": "e1",
    "channel": "courriel",
    "task": {"simulation": "s05-enquete", "channel": "courriel"},
    "content": {"to": "client@example.fr", "subject": "Suite", "body": "Bonjour"},
    "counts": {"words": 1, "characters": 7},
    "frozen": True,
    "saved_at": "2026-06-01T10:00:00+00:00",
}


def asked(page: Any) -> list[str]:
    return list(page.evaluate("() => window.__asked"))


def test_the_panels_ask_the_page_and_show_what_it_hands_them(page: Any) -> None:
    open_test_document(page, PAGE_HTML, PAGE_SCRIPT)
    log = page.locator("#log")
    writing = page.locator("#writing")
    docs = page.locator("#documents")
    # Bound: the journal, the replies and the documents are asked of the page.
    assert asked(page) == ["crm-journal-wanted", "replies-wanted", "documents-wanted"]
    expect(writing).to_contain_text("Chargement des écrits…")
    expect(docs).to_contain_text("Chargement…")

    # <crm-feed>: the journal handed over; an answer to a survey it lacks the questions of is
    # asked for once; the records' names and the questions, word for word, when handed.
    page.evaluate("(c) => { document.getElementById('log').journal = [c]; }", SURVEY_ANSWER)
    item = log.locator(".cf-item")
    expect(item).to_have_count(1)
    expect(item.locator(".cf-text")).to_have_text("Question q1 : oui")
    expect(item.locator(".cf-record")).to_have_text("R1")
    page.evaluate("(c) => { document.getElementById('log').journal = [c]; }", SURVEY_ANSWER)
    assert asked(page)[3:] == ["crm-survey-wanted:s05-enquete"]
    assert page.evaluate("() => document.getElementById('log').surveysWanted") == ["s05-enquete"]
    page.evaluate(
        """() => {
            const feed = document.getElementById('log');
            feed.records = [{ id: "R1", civility: "M.", first_name: "Karim", last_name: "Haddad" }];
            feed.addSurvey("s05-enquete", [{ id: "q1", text: "Êtes-vous satisfait ?" }]);
        }"""
    )
    expect(item.locator(".cf-record")).to_have_text("M. Karim Haddad · R1")
    expect(item.locator(".cf-text")).to_have_text("« Êtes-vous satisfait ? » : oui")
    # A failed read of the journal, in French; a snapshot asks for it again.
    page.evaluate("() => { document.getElementById('log').journalError = 'Accès refusé.'; }")
    expect(log.locator("[role=alert]")).to_have_text("Journal du CRM illisible : Accès refusé.")
    page.evaluate("() => window.__send('snapshot', { state: null })")
    assert asked(page)[-3:] == ["crm-journal-wanted", "replies-wanted", "documents-wanted"]

    # <written-replies>: a failure before any reply (the list emptied), then the replies with
    # the simulation's title from the context; a freeze asks again.
    page.evaluate(
        "() => { document.getElementById('writing').error = 'Le serveur ne répond pas (connexion interrompue ?).'; }"
    )
    expect(writing.locator("[role=alert]")).to_have_text(
        "Écrits non chargés : Le serveur ne répond pas (connexion interrompue ?)."
    )
    expect(writing.locator(".wr-list")).to_be_empty()
    page.evaluate(
        "(r) => { document.getElementById('writing').review = { frozen: true, drafts: [r] }; }",
        REPLY,
    )
    expect(writing.locator("[role=alert]")).to_have_text("")
    expect(writing.locator(".wr-title")).to_have_text(
        "Courriel Écrit 1 — suite de « Enquête de satisfaction »"
    )
    page.evaluate("() => window.__send('writing.frozen', { candidate_id: 'c1' })")
    assert asked(page)[-1] == "replies-wanted"

    # <documents-panel>: no grid (404) is no error, the link greyed with its reason; another
    # refusal is told; a decision asks again.
    page.evaluate(
        """() => { document.getElementById('documents').documents = {
            grid: { ok: false, status: 404, error: "Aucun sujet." }, summary: { error: "x" } }; }"""
    )
    grid_link = docs.locator("li", has_text="Grille d'évaluation (PDF)")
    expect(grid_link).to_have_attribute("data-enabled", "false")
    expect(grid_link).to_contain_text("Pas de grille : aucun sujet n'est associé à la session.")
    expect(docs.locator("[role=alert]")).to_have_text("")
    page.evaluate(
        """() => { document.getElementById('documents').documents = {
            grid: { ok: false, status: 403, error: "Accès refusé." }, summary: null }; }"""
    )
    expect(docs.locator("[role=alert]")).to_have_text("Documents : Accès refusé.")
    page.evaluate(
        """() => { document.getElementById('documents').documents = {
            grid: { ok: true, deliberations: [] }, summary: null }; }"""
    )
    expect(grid_link).to_have_attribute("data-enabled", "true")
    expect(docs.locator("[role=alert]")).to_have_text("")
    page.evaluate("() => window.__send('certification.decision', { candidate_id: 'c1' })")
    assert asked(page)[-1] == "documents-wanted"

    # Unbound (another candidate): what the page hands late is dropped, nothing is asked.
    page.evaluate(
        """() => {
            for (const id of ["log", "writing", "documents"]) document.getElementById(id).unbind();
            window.__asked = [];
            document.getElementById('log').journal = [{ id: 8, at: "2026-06-01T10:01:00+00:00", kind: "note", new: { summary: "tard" } }];
            document.getElementById('writing').review = { frozen: false, drafts: [] };
            document.getElementById('writing').error = "tard";
            document.getElementById('documents').documents = { grid: { ok: false, status: 500, error: "tard" }, summary: null };
            document.getElementById('documents').reload();
            document.getElementById('writing').reload();
        }"""
    )
    expect(log.locator(".cf-item")).to_have_count(0)
    expect(writing).not_to_contain_text("tard")
    expect(docs).not_to_contain_text("tard")
    assert asked(page) == []
    assert page.console_errors == []


# <deliberation-panel> alone, its timers held by the test: window.setTimeout is replaced before
# the panel runs, each delayed call is kept until the test runs them all (window.__runTimers), so
# a refresh cancelled or not is a fact of the page, not of a wait. The page answers every request.
DELIBERATION_HTML = """<head><meta charset="utf-8"><title>Délibération (test)</title></head>
<body><main><deliberation-panel id="delib"></deliberation-panel></main></body>"""
DELIBERATION_SCRIPT = """import { PlateauSocket } from "/static/js/socket.js";
import "/static/js/jury/deliberation-panel.js";

const timers = new Map();
let next = 0;
window.setTimeout = (fn, ms) => { timers.set(++next, fn); return next; };
window.clearTimeout = (id) => { timers.delete(id); };
window.__runTimers = () => { const due = [...timers.values()]; timers.clear(); for (const fn of due) fn(); return due.length; };
const ANSWERS = {
  "evaluation-wanted": { competences: [], deliberations: [], interview_topics: [] },
  "certification-wanted": {}, "decision-preview-wanted": {}, "readiness-wanted": {},
};
const panel = document.getElementById("delib");
window.__panel = panel; // kept: once out of the page, getElementById no longer finds it
window.__asked = [];
for (const [type, value] of Object.entries(ANSWERS)) {
  panel.addEventListener(type, (ev) => {
    ev.preventDefault();
    window.__asked.push(type);
    panel.answer(ev.detail.id, value);
  });
}
const socket = new PlateauSocket(); // never connected: the test sends its events
window.__send = (type, detail) => socket.dispatchEvent(new CustomEvent(type, { detail: { type, ...detail } }));
window.__ctx = { candidateId: "c1", capacity: "client", socket, snapshot: () => null, me: { role: "juror", subject_id: "j1" } };
panel.bind(window.__ctx);
document.body.dataset.ready = "true";
"""


def test_the_deliberation_panel_drops_its_delayed_refreshes_once_removed_or_unbound(
    page: Any,
) -> None:
    open_test_document(page, DELIBERATION_HTML, DELIBERATION_SCRIPT)
    delib = page.locator("#delib")
    expect(delib).to_have_attribute("aria-busy", "false")
    expect(delib.locator(".dp-version")).to_contain_text("Aucune proposition")

    def heard_then(action: str) -> list[str]:
        """A mark and a decision heard (each refresh delayed), then `action`, then every
        pending timer run: what the panel asked the page afterwards."""
        return list(
            page.evaluate(
                """async (action) => {
                    window.__send('evaluation.mark', { candidate_id: 'c1' });
                    window.__send('certification.decision', { candidate_id: 'c1' });
                    eval(action);
                    window.__asked = [];
                    window.__runTimers();
                    await new Promise((r) => requestAnimationFrame(() => r()));
                    return window.__asked;
                }""",
                action,
            )
        )

    # Bound and in the page: the delayed refreshes run (grid and facts asked again).
    assert sorted(heard_then("null")) == [
        "certification-wanted",
        "decision-preview-wanted",
        "evaluation-wanted",
        "readiness-wanted",
    ]
    # Taken out of the page while bound: they are dropped, nothing is asked.
    assert heard_then("window.__panel.remove()") == []
    # Put back: what it missed meanwhile is read again.
    back = page.evaluate(
        """async () => {
            window.__asked = [];
            document.querySelector('main').append(window.__panel);
            await new Promise((r) => requestAnimationFrame(() => r()));
            return window.__asked;
        }"""
    )
    assert sorted(back) == [
        "certification-wanted",
        "decision-preview-wanted",
        "evaluation-wanted",
        "readiness-wanted",
    ]
    # Unbound (another candidate, or the page leaving): dropped too.
    assert heard_then("window.__panel.unbind()") == []
    assert page.console_errors == []

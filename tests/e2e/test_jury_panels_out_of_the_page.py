"""The jury's panels taken out of the page while bound (the jury page moves them between its
tabs and layouts): like <deliberation-panel> (test_jury_panel_contracts.py), each drops the
delayed refreshes its events started and stops its clock, and once put back reads again what
it missed. The page's timers are held by the test: window.setTimeout and setInterval are
replaced before the panels run, each kept until the test runs them (window.__runTimers), so a
timer left running is a fact of the page, not of a wait."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import open_test_document

pytestmark = pytest.mark.browser

PAGE_HTML = """<head><meta charset="utf-8"><title>Panneaux hors de la page (test)</title></head>
<body><main>
<evaluation-grid id="grid"></evaluation-grid>
<written-replies id="writing"></written-replies>
<recordings-panel id="recordings"></recordings-panel>
<simulation-progress id="progress"></simulation-progress>
</main></body>"""

# Every request a panel makes is counted in window.__asked (`id:type`); the requests that
# want an answer (RequestingPanel.ask) get one.
PAGE_SCRIPT = """import { PlateauSocket } from "/static/js/socket.js";
import "/static/js/jury/evaluation-grid.js";
import "/static/js/jury/written-replies.js";
import "/static/js/jury/recordings-panel.js";
import "/static/js/jury/simulation-progress.js";

const timeouts = new Map();
const intervals = new Map();
let next = 0;
window.setTimeout = (fn) => { timeouts.set(++next, fn); return next; };
window.clearTimeout = (id) => { timeouts.delete(id); };
window.setInterval = (fn) => { intervals.set(++next, fn); return next; };
window.clearInterval = (id) => { intervals.delete(id); };
window.__runTimers = () => {
  const due = [...timeouts.values(), ...intervals.values()];
  timeouts.clear();
  for (const fn of due) fn();
  return due.length;
};
window.__intervals = () => intervals.size;
const ANSWERS = { "evaluation-wanted": { parts: [], marks: [], notes: [] } };
window.__asked = [];
window.__panels = {}; // kept: once out of the page, getElementById no longer finds them
for (const id of ["grid", "writing", "recordings", "progress"]) {
  const panel = document.getElementById(id);
  window.__panels[id] = panel;
  for (const type of ["evaluation-wanted", "replies-wanted", "recordings-wanted"]) {
    panel.addEventListener(type, (ev) => {
      window.__asked.push(`${id}:${type}`);
      if (ANSWERS[type] && ev.detail && ev.detail.id) {
        ev.preventDefault();
        panel.answer(ev.detail.id, ANSWERS[type]);
      }
    });
  }
}
const socket = new PlateauSocket(); // never connected: the test sends its events
window.__send = (type, detail) => socket.dispatchEvent(new CustomEvent(type, { detail: { type, ...detail } }));
window.__ctx = {
  candidateId: "c1", capacity: "client", socket, snapshot: () => null,
  me: { role: "juror", subject_id: "j1" }, simulations: Promise.resolve(new Map()),
};
for (const panel of Object.values(window.__panels)) panel.bind(window.__ctx);
document.body.dataset.ready = "true";
"""

MARK = {
    "candidate_id": "c1",
    "part": "p1",
    "competence": "C1",
    "criterion": "c1",
    "value": "acquis",
    "comment": "",
    "actor": "juror:j2",
    "at": "2026-06-01T10:00:00+00:00",
}
# What each panel hears that starts a delayed refresh, and what that refresh asks the page.
HEARD = {
    "grid": ("evaluation.mark", "grid:evaluation-wanted"),
    "writing": ("writing.saved", "writing:replies-wanted"),
    "recordings": ("call", "recordings:recordings-wanted"),
}


def heard(panel: str, n: int) -> dict[str, Any]:
    """The event of `panel` that starts its delayed refresh (the n-th, each one news)."""
    if panel == "grid":
        return {"candidate_id": "c1", "mark": {**MARK, "version": n}}
    if panel == "recordings":
        call = {"id": f"call{n}", "simulation_id": "s1", "ended_at": "2026-06-01T10:05:00+00:00"}
        return {"candidate_id": "c1", "call": call}
    return {"candidate_id": "c1"}


def open_panels(page: Any) -> None:
    open_test_document(page, PAGE_HTML, PAGE_SCRIPT)
    page.evaluate("() => { window.__runTimers(); }")  # whatever binding started
    # The grid read (its answer handed over at once): nothing pending but what the test starts.
    page.wait_for_function("() => window.__asked.includes('grid:evaluation-wanted')")


def heard_then(page: Any, panel: str, n: int, action: str) -> list[str]:
    """The panel's event heard (its refresh delayed), then `action`, then every pending timer
    run: what the panel asked the page afterwards."""
    event, _ = HEARD[panel]
    return list(
        page.evaluate(
            """async ([event, detail, action]) => {
                window.__send(event, detail);
                eval(action);
                window.__asked = [];
                window.__runTimers();
                await new Promise((r) => requestAnimationFrame(() => r()));
                return window.__asked;
            }""",
            [event, heard(panel, n), action],
        )
    )


def put_back(page: Any, panel: str) -> list[str]:
    return list(
        page.evaluate(
            """async (panel) => {
                window.__asked = [];
                document.querySelector('main').append(window.__panels[panel]);
                await new Promise((r) => requestAnimationFrame(() => r()));
                return window.__asked;
            }""",
            panel,
        )
    )


@pytest.mark.parametrize("panel", ["grid", "writing", "recordings"])
def test_a_panel_drops_its_delayed_refresh_once_removed_and_reads_again_once_put_back(
    page: Any, panel: str
) -> None:
    open_panels(page)
    _, asks = HEARD[panel]
    # Bound and in the page: the delayed refresh runs.
    assert heard_then(page, panel, 1, "null") == [asks]
    # Taken out of the page while bound: it is dropped, nothing is asked.
    assert heard_then(page, panel, 2, f"window.__panels.{panel}.remove()") == []
    # Put back: what it missed meanwhile is read again.
    assert put_back(page, panel) == [asks]
    # Out of the page, an event heard starts nothing either; read again once put back.
    page.evaluate(f"() => window.__panels.{panel}.remove()")
    assert heard_then(page, panel, 3, "null") == []
    assert put_back(page, panel) == [asks]
    # Unbound (another candidate): dropped, and nothing read once put back.
    assert heard_then(page, panel, 4, f"window.__panels.{panel}.unbind()") == []
    assert page.console_errors == []


def test_the_simulations_clock_stops_once_removed_and_runs_again_once_put_back(
    page: Any,
) -> None:
    open_panels(page)
    count = "() => window.__intervals()"
    bound = page.evaluate(count)  # the progress panel's clock, bound (and the pinned notes')
    page.evaluate("() => window.__panels.progress.remove()")
    assert page.evaluate(count) == bound - 1
    page.evaluate("() => document.querySelector('main').append(window.__panels.progress)")
    assert page.evaluate(count) == bound
    page.evaluate("() => window.__panels.progress.unbind()")
    assert page.evaluate(count) == bound - 1
    # Put back unbound: no clock.
    page.evaluate(
        "() => { const p = window.__panels.progress; p.remove(); document.querySelector('main').append(p); }"
    )
    assert page.evaluate(count) == bound - 1
    assert page.console_errors == []

"""The observer's live components (<live-listen>, <crm-feed>, <evaluation-grid> with its
« Noter » box, <recordings-panel>) in Chromium against the real server, bound by a test-only
page the way the jury's page binds them (`el.bind(ctx)` with the shared PlateauSocket).

The client juror's voice is an in-process test peer (440 Hz) in the candidate's room; the
client juror and the candidate act through their own signed-in sockets (ring, answer, hold,
hang up, wrap up, CRM changes). The observer hears the live mix (inbound-rtp energy), marks
criteria with the keyboard (kept after a reload), sees the other juror's marks live and a
clear message on a conflicting save, gets a refused save put back, keeps a save made during a
network cut (sent again once back) and re-negotiates the audio after it, pins a note at the call's offset, follows the CRM actions, then replays
the recording (HTTP range, seek, speed, jump to the pinned note)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from server.telephony.probe import ProbePeer
from tests.e2e.conftest import (
    LiveServer,
    http,
    new_page,
    observe_also,
    open_test_document,
    screenshot,
    sign_in_with_code,
)
from tests.e2e.test_candidate_support import (
    listen,
    server_in_calls_phase,
    ws_request,
)

pytestmark = pytest.mark.browser
INBOUND = "s03-assistance-fibre"  # M. Karim Haddad, record FIB-204517, competence CP3
RECORD = "FIB-204517"

# The jury page's contract, without juror.js: one PlateauSocket, ctx.snapshot() kept current,
# each component bound to the observer's candidate, the recordings, the CRM's records, journal
# and surveys and the run sheet's titles read by the page (juror-feeds.js,
# juror-review-feeds.js, as juror.js does). The socket can hold back events of some
# types (to stand for a slow network) and release them later.
PAGE_HTML = """<head><meta charset="utf-8"><title>Observation (test)</title>
<link rel="stylesheet" href="/static/css/plateau.css">
<link rel="stylesheet" href="/static/css/jury.css">
<link rel="stylesheet" href="/static/css/jury-observer.css">
</head><body class="console juror"><main class="jury-main">
<div class="observer-live-grid">
  <div class="live-column">
    <div class="panel"><live-listen id="live-listen"></live-listen></div>
    <div class="panel"><h2>Actions dans le CRM</h2><crm-feed id="crm-feed"></crm-feed></div>
  </div>
  <div class="panel grid-column"><evaluation-grid id="grid"></evaluation-grid></div>
</div>
<div class="observer-live-grid">
  <div class="panel"><recordings-panel id="recordings"></recordings-panel></div>
  <div class="panel"><h2>Journal du CRM</h2><crm-feed id="crm-log" mode="log"></crm-feed></div>
</div>
</main></body>"""

PAGE_SCRIPT = """import { api } from "/static/js/api.js";
import { PlateauSocket } from "/static/js/socket.js";
import "/static/js/jury/live-listen.js";
import "/static/js/jury/crm-feed.js";
import "/static/js/jury/evaluation-grid.js";
import "/static/js/jury/recordings-panel.js";
import { feedRecordings } from "/static/js/juror-feeds.js";
import { feedCrm, withSimulations } from "/static/js/juror-review-feeds.js";
import { feedGridPanels } from "/static/js/juror-grid-feeds.js";

class TestSocket extends PlateauSocket {
  constructor() { super(); this.held = []; this.holding = new Set(); }
  _onMessage(msg) {
    if (this.holding.has(msg.type) && msg.seq === this.seq + 1) {
      this.seq = msg.seq;
      this.held.push(msg);
      return;
    }
    super._onMessage(msg);
  }
  release() {
    this.holding.clear();
    for (const m of this.held.splice(0)) this.dispatchEvent(new CustomEvent(m.type, { detail: m }));
  }
}

const IDS = ["live-listen", "crm-feed", "grid", "recordings", "crm-log"];
const me = await api("GET", "/api/auth/me");
const mine = (await api("GET", "/api/jury/assignments")).find((a) => a.capacity === "observer");
const socket = new TestSocket();
let state = null;
socket.addEventListener("snapshot", (ev) => (state = ev.detail.state));
const ready = new Promise((r) => socket.addEventListener("snapshot", r, { once: true }));
// The page's controller serves the grid's requests (its structure, its marks).
feedGridPanels([document.getElementById("grid")], socket);
socket.connect();
await ready;
const ctx = withSimulations({ candidateId: mine.candidate_id, capacity: mine.capacity, socket, snapshot: () => state, me });
let feeds = new AbortController();
const feed = (c) => {
  feeds.abort();
  feeds = new AbortController();
  feedRecordings(document.getElementById("recordings"), c, feeds.signal);
  for (const id of ["crm-feed", "crm-log"]) feedCrm(document.getElementById(id), c, feeds.signal);
};
for (const id of IDS) document.getElementById(id).bind(ctx);
feed(ctx);
window.__socket = socket;
window.__ctx = ctx;
window.__rebind = () => { for (const id of IDS) { document.getElementById(id).unbind(); document.getElementById(id).bind(ctx); } feed(ctx); };
// The juror switching candidate: the page binds every component again with the new context.
window.__bindTo = (candidateId) => {
  window.__ctx = withSimulations({ ...ctx, candidateId });
  for (const id of IDS) document.getElementById(id).bind(window.__ctx);
  feed(window.__ctx);
};
window.__seen = {};
socket.addEventListener("message", (ev) => (window.__seen[ev.detail.type] = (window.__seen[ev.detail.type] || 0) + 1));
document.body.dataset.ready = "true";
"""


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    return server_in_calls_phase(make_server, tmp_path)


def actor(browser: Any, server: LiveServer, label: str, home: str) -> Any:
    """A signed-in person acting through a bare page of the same origin and its own socket."""
    assert server.day is not None
    page = new_page(browser, server)
    sign_in_with_code(page, server.day.codes[label], home=home)
    page.goto(f"{server.url}/api/health")
    listen(page)
    return page


def ack(page: Any, message: dict[str, Any]) -> dict[str, Any]:
    reply = ws_request(page, message)
    assert reply["type"] == "ack", reply
    return reply["result"]


def open_observer(browser: Any, server: LiveServer) -> Any:
    assert server.day is not None
    page = new_page(browser, server)
    sign_in_with_code(page, server.day.codes["observer_a"], home="/jury")
    goto_test_page(page)
    return page


def goto_test_page(page: Any) -> None:
    open_test_document(page, PAGE_HTML, PAGE_SCRIPT)
    page.console_errors.clear()  # only this page's errors count (not /jury's before)


def inbound_energy(page: Any) -> float:
    return float(
        page.evaluate(
            """async () => {
                const pc = document.querySelector('live-listen').peerConnection;
                if (!pc) return 0;
                let energy = 0;
                (await pc.getStats()).forEach((r) => {
                    if (r.type === "inbound-rtp" && r.kind === "audio") energy += r.totalAudioEnergy || 0;
                });
                return energy;
            }"""
        )
    )


def audio_prop(page: Any, prop: str) -> float:
    return float(page.evaluate(f"() => document.querySelector('recordings-panel audio').{prop}"))


def test_the_observer_listens_marks_pins_follows_the_crm_and_replays(
    server: LiveServer, browser: Any, client_voice: ProbePeer
) -> None:
    assert server.day is not None
    cid = server.day.ids["cand_a"]
    client = actor(browser, server, "client_a", "/jury")
    cand = actor(browser, server, "cand_a", "/candidat")
    obs = open_observer(browser, server)
    listen_el = obs.locator("live-listen")
    grid = obs.locator("evaluation-grid")
    feed = obs.locator("#crm-feed")
    log = obs.locator("#crm-log")
    rec = obs.locator("recordings-panel")
    # Before any call: free line, the grid on the first simulation, word for word.
    expect(listen_el.locator(".ll-status")).to_have_text("Libre")
    expect(grid.locator(".eg-crit")).to_have_count(7)
    expect(grid.locator(".eg-crit").first).to_contain_text(
        "La demande de l'interlocuteur est identifiée"
    )
    expect(feed.locator(".cf-item")).to_have_count(0)

    # The client juror rings: state and timer, the grid follows the call, the record pops.
    call = ack(client, {"type": "call.ring", "candidate_id": cid, "simulation_id": INBOUND})
    expect(listen_el.locator(".ll-status")).to_have_text(re.compile(r"^Sonnerie… \d\d:\d\d$"))
    expect(listen_el.locator(".ll-detail")).to_contain_text("Assistance Fibrélia")
    expect(listen_el.locator(".ll-detail")).to_contain_text("Appel entrant")
    expect(grid).to_have_attribute("data-part", INBOUND)
    expect(grid.locator(".eg-crit")).to_have_count(8)
    pop = feed.locator(".cf-item").first
    expect(pop).to_have_attribute("data-kind", "screen_pop")
    expect(pop.locator(".cf-record")).to_have_text(f"M. Karim Haddad · {RECORD}")
    expect(pop.locator("time")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))

    answering = time.monotonic()
    ack(cand, {"type": "call.answer", "call_id": call["id"]})
    answered = time.monotonic()
    expect(listen_el.locator(".ll-status")).to_have_text(re.compile(r"^En ligne \d\d:\d\d$"))
    expect(listen_el.locator(".ll-timers")).to_contain_text("Décroché à")

    # « Écouter »: a receive-only peer connection, the mix's energy grows, the meter moves.
    listen_el.get_by_role("button", name="Écouter").click()
    expect(listen_el.get_by_role("button", name="Arrêter l'écoute")).to_have_attribute(
        "data-on", "true"
    )
    obs.wait_for_function(
        "document.querySelector('live-listen').peerConnection?.connectionState === 'connected'",
    )
    directions = obs.evaluate(
        """() => document.querySelector('live-listen').peerConnection
              .getTransceivers().map((t) => t.currentDirection)"""
    )
    assert directions == ["recvonly"], directions
    first = inbound_energy(obs)
    obs.wait_for_timeout(1500)
    assert inbound_energy(obs) > first
    obs.wait_for_function(
        "Number(document.querySelector('live-listen level-meter').dataset.level || 0) > 10",
    )
    expect(listen_el.locator(".ll-link")).to_have_text("Audio : connecté")
    expect(listen_el.locator("audio")).to_have_count(1)
    listen_el.get_by_label("Volume").evaluate(
        "(e) => { e.value = '40'; e.dispatchEvent(new Event('input')); }"
    )
    assert obs.evaluate("() => document.querySelector('live-listen audio').volume") == 0.4

    # Hold and resume (the candidate): state, hold timer, cumulated hold.
    ack(cand, {"type": "call.hold", "call_id": call["id"]})
    expect(listen_el.locator(".ll-status")).to_have_text(re.compile(r"^En attente \d\d:\d\d$"))
    obs.wait_for_timeout(1200)
    ack(cand, {"type": "call.resume", "call_id": call["id"]})
    expect(listen_el.locator(".ll-status")).to_have_text(re.compile(r"^En ligne \d\d:\d\d$"))
    expect(listen_el.locator(".ll-timers")).to_contain_text(
        re.compile(r"attente cumulée 00:0[1-3]")
    )

    # Marks with the keyboard: A, ↓ N, ↓ O — shown at once, saved, versioned.
    crits = grid.locator(".eg-crit")
    crits.nth(0).focus()
    obs.keyboard.press("a")
    expect(crits.nth(0)).to_have_attribute("data-value", "acquis")
    expect(crits.nth(0).get_by_role("button", name="Acquis", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    obs.keyboard.press("ArrowDown")
    expect(crits.nth(1)).to_be_focused()
    obs.keyboard.press("n")
    obs.keyboard.press("ArrowDown")
    obs.keyboard.press("o")
    for i, value in enumerate(["acquis", "non_acquis", "non_observe"]):
        expect(crits.nth(i)).to_have_attribute("data-value", value)
        expect(crits.nth(i)).to_have_attribute("data-pending", "false")
    # 3 of the competence's 8 criteria marked: no verdict yet (issue 18).
    expect(grid.locator(".eg-comp-status")).to_have_text("En cours d'évaluation")
    # A comment (Entrée, then Ctrl+Entrée): kept with the mark.
    obs.keyboard.press("Enter")
    obs.keyboard.type("Pas de reformulation.")
    obs.keyboard.press("Control+Enter")
    expect(crits.nth(2).locator(".eg-comment-text")).to_have_text("« Pas de reformulation. »")
    expect(crits.nth(2)).to_be_focused()
    base = f"/api/candidates/{cid}/evaluation"
    expect(crits.nth(2)).to_have_attribute("data-pending", "false")
    marks = {
        m["criterion"]: m
        for m in http(obs, "GET", base)["body"]["marks"]
        if m["part"] == INBOUND and m["competence"] == "CP3"
    }
    assert {c: m["value"] for c, m in marks.items()} == {
        1: "acquis",
        2: "non_acquis",
        3: "non_observe",
    }
    assert marks[3]["comment"] == "Pas de reformulation." and marks[3]["version"] == 2

    # The other juror's marks appear live; a change of one of ours is told.
    ack(
        client,
        {
            "type": "evaluation.set_mark",
            "candidate_id": cid,
            "part": INBOUND,
            "competence": "CP3",
            "criterion": 5,
            "value": "acquis",
        },
    )
    expect(crits.nth(4)).to_have_attribute("data-value", "acquis")
    expect(crits.nth(4)).to_have_class(re.compile(r"\bby-other\b"))
    expect(crits.nth(4).locator(".eg-state")).to_have_text("noté par l'autre juré")
    ack(
        client,
        {
            "type": "evaluation.set_mark",
            "candidate_id": cid,
            "part": INBOUND,
            "competence": "CP3",
            "criterion": 1,
            "value": "non_acquis",
        },
    )
    expect(crits.nth(0)).to_have_attribute("data-value", "non_acquis")
    message = grid.locator(".eg-message")
    expect(message).to_have_text(
        "L'autre juré a changé le critère 1 de CP3 : « Acquis » → « Non acquis »."
    )

    # A conflict: the other juror saves criterion 4 while its event is still on the way; the
    # observer's save, based on the version they saw (none), is refused and the grid says so.
    obs.evaluate("() => window.__socket.holding.add('evaluation.mark')")
    ack(
        client,
        {
            "type": "evaluation.set_mark",
            "candidate_id": cid,
            "part": INBOUND,
            "competence": "CP3",
            "criterion": 4,
            "value": "non_acquis",
        },
    )
    crits.nth(3).focus()
    obs.keyboard.press("a")
    expect(message).to_contain_text(
        "Conflit : Le critère 4 de CP3 vient d'être noté « Non acquis » (version 1) par "
        "l'autre juré : votre note n'a pas été enregistrée"
    )
    expect(crits.nth(3)).to_have_attribute("data-pending", "false")
    obs.evaluate("() => window.__socket.release()")
    expect(crits.nth(3)).to_have_attribute("data-value", "non_acquis")  # the other juror's
    assert http(obs, "GET", base)["body"]["marks"] and all(
        m["value"] == "non_acquis"
        for m in http(obs, "GET", base)["body"]["marks"]
        if (m["part"], m["competence"], m["criterion"]) == (INBOUND, "CP3", 4)
    )

    # A network cut: the save is not dropped, it waits and goes again by itself once the
    # socket is back (request-again.js); the live listening negotiates a new peer connection
    # by itself.
    obs.evaluate(
        """() => {
            window.__oldPc = document.querySelector('live-listen').peerConnection;
            window.__socket.ws.close();
            document.activeElement.dispatchEvent(new KeyboardEvent("keydown", { key: "o", bubbles: true }));
        }"""
    )
    expect(crits.nth(3)).to_have_attribute("data-value", "non_observe")
    expect(crits.nth(3)).to_have_attribute("data-pending", "false")
    expect(message).not_to_contain_text("Note non enregistrée")
    assert [
        (m["value"], m["version"])
        for m in http(obs, "GET", base)["body"]["marks"]
        if (m["part"], m["competence"], m["criterion"]) == (INBOUND, "CP3", 4)
    ] == [("non_observe", 2)]
    obs.wait_for_function(
        """() => {
            const pc = document.querySelector('live-listen').peerConnection;
            return pc && pc !== window.__oldPc && pc.connectionState === 'connected';
        }""",
    )
    energy = inbound_energy(obs)
    obs.wait_for_timeout(1000)
    assert inbound_energy(obs) > energy

    # « Noter »: the moment is taken at the first keystroke, the note lists its offset.
    notes = grid.locator("pinned-notes")
    expect(notes.locator(".pn-context")).to_contain_text("Appel en cours : 3. Assistance Fibrélia")
    notes.get_by_label("Note à épingler au moment de l'appel").fill("Bonne reformulation du besoin")
    expect(notes.locator(".pn-context")).to_contain_text("Moment retenu :")
    notes.get_by_role("button", name="Épingler la note").click()
    pinned = notes.locator(".pn-note").first
    expect(pinned.locator(".pn-body")).to_have_text("Bonne reformulation du besoin")
    expect(pinned.locator(".pn-offset")).to_have_text(re.compile(r"^00:\d\d dans l'appel$"))
    expect(pinned.locator(".pn-sim")).to_contain_text("Assistance Fibrélia")
    expect(notes.locator(".pn-status")).to_have_text(
        re.compile(r"^Note épinglée à 00:\d\d de l'appel\.$")
    )
    expect(notes.get_by_label("Note à épingler au moment de l'appel")).to_have_value("")
    saved = http(obs, "GET", f"{base}/notes")["body"]
    assert len(saved) == 1 and saved[0]["call_id"] == call["id"]
    note_offset = saved[0]["offset_ms"]
    assert note_offset is not None and note_offset > 1000

    # The candidate's CRM actions, newest first, with the change itself.
    crm = f"/api/candidates/{cid}/crm/records/{RECORD}"
    summary = "Box redémarrée, voyant rouge : ticket niveau 2 ouvert."
    assert (
        http(cand, "POST", f"{crm}/notes", {"channel": "telephone", "summary": summary})["status"]
        == 200
    )
    assert http(cand, "PATCH", crm, {"email": "karim.haddad@example.fr"})["status"] == 200
    expect(feed.locator(".cf-item")).to_have_count(3)
    newest = feed.locator(".cf-item").first
    expect(newest).to_have_attribute("data-kind", "edit")
    expect(newest.locator(".cf-text")).to_have_text(
        "Courriel : k.haddad@netloire.fr → karim.haddad@example.fr"
    )
    expect(feed.locator(".cf-item").nth(1).locator(".cf-text")).to_have_text(
        f"Note (téléphone) : {summary}"
    )

    # At least 13 s of call, then the client hangs up: the wrap-up, then the qualification.
    obs.wait_for_timeout(max(0, int((answered + 13 - time.monotonic()) * 1000)))
    ack(client, {"type": "call.hangup", "call_id": call["id"]})
    hung_up = time.monotonic()
    expect(listen_el.locator(".ll-status")).to_have_text(re.compile(r"^Clôture \d\d:\d\d$"))
    expect(listen_el).to_have_attribute("data-state", "cloture")
    ack(
        cand,
        {
            "type": "call.wrap_up",
            "call_id": call["id"],
            "disposition": "escalade",
            "note": "Ticket N2 ouvert",
        },
    )
    expect(listen_el.locator(".ll-status")).to_have_text("Libre")
    expect(listen_el.locator(".ll-detail")).to_contain_text("Escalade niveau 2")
    newest = feed.locator(".cf-item").first
    expect(newest).to_have_attribute("data-kind", "disposition")
    expect(newest.locator(".cf-text")).to_contain_text("Escalade niveau 2 — « Ticket N2 ouvert »")
    # The journal: everything, in order.
    expect(log.locator(".cf-item")).to_have_count(4)
    assert log.locator(".cf-item").evaluate_all("(els) => els.map((e) => e.dataset.kind)") == [
        "screen_pop",
        "note",
        "edit",
        "disposition",
    ]
    screenshot(obs, "jury-observateur-en-direct")
    listen_el.get_by_role("button", name="Arrêter l'écoute").click()
    expect(listen_el.get_by_role("button", name="Écouter")).to_be_visible()
    expect(listen_el.locator(".ll-link")).to_have_text("Écoute coupée")
    assert obs.evaluate("() => document.querySelector('live-listen').peerConnection") is None

    # The recording: metadata, the pinned note, playback over HTTP range requests.
    item = rec.locator(".rp-item")
    expect(item).to_have_count(1)
    expect(item.locator(".rp-title")).to_have_text(
        re.compile(r"^Appel 1 — 3\. Assistance Fibrélia")
    )
    meta = item.locator(".rp-meta")
    expect(meta).to_contain_text("Entrant")
    # the call's duration: the 13 s waited (as the 00:1x it was on a quiet machine), at most
    # the time from the answer to the hang-up: not a fixed window, for on a loaded machine the
    # steps in between take longer than 13 s
    expect(meta).to_contain_text(re.compile(r"durée \d\d:\d\d"))
    shown = re.search(r"durée (\d\d):(\d\d)", meta.inner_text())
    assert shown is not None
    seconds = int(shown[1]) * 60 + int(shown[2])
    assert 10 <= seconds <= hung_up - answering + 1, (seconds, hung_up - answering)
    expect(meta).to_contain_text("qualifié « Escalade niveau 2 »")
    sha = http(obs, "GET", f"/api/candidates/{cid}/recordings")["body"][0]["sha256"]
    expect(meta.locator(".rp-sha")).to_have_text(f"SHA-256 {sha[:12]}…")
    expect(item.locator(".rp-note")).to_have_count(1)
    expect(item.locator(".rp-note")).to_contain_text("Bonne reformulation du besoin")
    expect(item.locator(".rp-marker")).to_have_count(1)
    # The hold is on the timeline and in the list; the talk analytics under the metadata.
    expect(item.locator('.rp-gap[data-reason="hold"]')).to_have_count(1)
    expect(item.locator('.rp-gap[data-reason="hold"]')).to_have_attribute("data-silent", "false")
    hold_line = item.locator('.rp-gap-item[data-reason="hold"]')
    expect(hold_line).to_contain_text("mise en attente · son conservé")
    expect(item.locator(".rp-talk")).to_contain_text("attente : 1 fois")
    expect(item.locator(".rp-talk")).to_contain_text(re.compile(r"Parole : candidat \d\d:\d\d"))
    expect(item.locator(".rp-talk")).to_contain_text("décroché en")
    item.get_by_role("button", name="Lecture").click()
    obs.wait_for_function("document.querySelector('recordings-panel audio').currentTime > 0.5")
    expect(item).to_have_attribute("data-playing", "true")
    # Seeking rests on HTTP range requests: the player's own source answers one with 206 and
    # exactly the bytes asked (asked here, not watched: the browser may have fetched the start
    # while the panel rendered, before any listener, and play from its cache).
    src = obs.evaluate("document.querySelector('recordings-panel audio').currentSrc")
    part = obs.context.request.get(src, headers={"Range": "bytes=100-199"})
    assert part.status == 206, part.status
    assert part.headers["content-range"].startswith("bytes 100-199/")
    assert len(part.body()) == 100
    item.get_by_role("button", name="Avancer de 10 secondes").click()
    assert audio_prop(obs, "currentTime") >= 10
    item.get_by_role("button", name="Reculer de 10 secondes").click()
    assert audio_prop(obs, "currentTime") < 8
    item.get_by_role("button", name="1,5×").click()
    assert audio_prop(obs, "playbackRate") == 1.5
    expect(item.get_by_role("button", name="1,5×")).to_have_attribute("aria-pressed", "true")
    item.locator(".rp-note-jump").click()
    at = audio_prop(obs, "currentTime")
    assert abs(at - note_offset / 1000) < 1.5, (at, note_offset)
    obs.wait_for_function(
        f"document.querySelector('recordings-panel audio').currentTime > {at + 0.3}"
    )
    item.get_by_role("button", name="Pause").click()
    screenshot(obs, "jury-observateur-enregistrement")

    # A reload: the marks, the note, the feed and the recording are all still there.
    goto_test_page(obs)
    expect(grid).to_have_attribute("data-part", INBOUND)
    # criterion 4: the observer's, saved once the cut was over
    for i, value in enumerate(["non_acquis", "non_acquis", "non_observe", "non_observe", "acquis"]):
        expect(crits.nth(i)).to_have_attribute("data-value", value)
    expect(crits.nth(2).locator(".eg-comment-text")).to_have_text("« Pas de reformulation. »")
    expect(notes.locator(".pn-note")).to_have_count(1)
    expect(feed.locator(".cf-item")).to_have_count(4)
    expect(rec.locator(".rp-item")).to_have_count(1)
    expect(grid.locator(".eg-synthesis")).to_contain_text("CT1")

    # unbind() empties; bind() again (the juror switching back) reloads.
    obs.evaluate("() => window.__rebind()")
    expect(crits.nth(0)).to_have_attribute("data-value", "non_acquis")
    expect(feed.locator(".cf-item")).to_have_count(4)
    expect(rec.locator(".rp-item")).to_have_count(1)

    # The juror switches to another candidate of theirs: everything is reset and reloaded (the
    # fresh snapshot brings that candidate), and the first candidate's events are ignored.
    cand_b = server.day.ids["cand_b"]
    server.call(observe_also, server.ctx, server.day.ids["observer_a"], cand_b)
    obs.evaluate("() => window.__socket.send({ type: 'resync' })")
    obs.evaluate("(cid) => window.__bindTo(cid)", cand_b)
    first_part = "s01-info-mobilite-solidaire"
    expect(grid).to_have_attribute("data-part", first_part)
    expect(grid.locator(".eg-crit")).to_have_count(7)
    expect(grid.locator(".eg-crit:not([data-value=''])")).to_have_count(0)
    expect(notes.locator(".pn-note")).to_have_count(0)
    expect(feed.locator(".cf-item")).to_have_count(0)
    expect(log.locator(".cf-item")).to_have_count(0)
    expect(rec.locator(".rp-item")).to_have_count(0)
    expect(rec.locator(".rp-summary")).to_have_text("Aucun appel enregistré pour le moment.")
    expect(listen_el.locator(".ll-status")).to_have_text("Libre")
    expect(listen_el.locator(".ll-detail")).to_have_text("Aucun appel pour le moment.")
    seen = obs.evaluate("() => window.__seen['evaluation.mark'] || 0")
    ack(
        client,
        {
            "type": "evaluation.set_mark",
            "candidate_id": cid,
            "part": first_part,
            "competence": "CP2",
            "criterion": 1,
            "value": "acquis",
        },
    )
    obs.wait_for_function(f"(window.__seen['evaluation.mark'] || 0) > {seen}")
    expect(grid.locator(".eg-crit").first).to_have_attribute("data-value", "")
    obs.evaluate("(cid) => window.__bindTo(cid)", cid)
    expect(grid).to_have_attribute("data-part", INBOUND)
    expect(crits.nth(0)).to_have_attribute("data-value", "non_acquis")
    grid.get_by_label("Partie évaluée").select_option(first_part)
    expect(crits.nth(0)).to_have_attribute("data-value", "acquis")
    expect(feed.locator(".cf-item")).to_have_count(4)
    assert obs.console_errors == [], obs.console_errors

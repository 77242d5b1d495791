"""The jury's after-call components (<written-replies>, <interview-notes>, <deliberation-panel>,
<documents-panel>) in Chromium against the real server, bound by a test-only page the way the
jury's page binds them (`el.bind(ctx)` with one shared PlateauSocket), for BOTH jurors of a
candidate (two browser contexts).

The candidate is put past the writing phase on the server's side (three replies saved, then the
exam started « earlier » so the writing deadline has passed: the replies are frozen by the
timeline as at a real deadline). Then: the frozen replies read-only; interview notes typed,
kept after a reload, typed again offline and sent by the next page of the same browser; the
interviews opened and closed through the exported helpers; the deliberation proposed by one
juror, edited by both (the conflict message, the entry set aside and taken back, a missed
event caught before saving); a signature refused for missing evidence (the server's French
message), the evidence declared, both signatures, the decision taken and the panel read-only
on both pages; the grid PDF downloaded through its link (%PDF, with the justification)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from server.core.context import AppContext
from server.writing.models import Draft
from tests.e2e.conftest import (
    ARTIFACTS,
    LiveServer,
    http,
    new_page,
    observe_also,
    open_test_document,
    screenshot,
    sign_in_with_code,
)
from tests.e2e.test_candidate_support import (
    CALLS,
    PREPARATION,
    WRITING_MINUTES,
    played_every_simulation,
    seed_with_pack,
    start_earlier,
    write_short_scenarios,
)
from tests.e2e.waiting import wait_for_async

pytestmark = pytest.mark.browser

IDS = ["writing", "interviews", "deliberation", "documents"]
PAGE_HTML = """<head><meta charset="utf-8"><title>Jury — après les appels (test)</title>
<link rel="stylesheet" href="/static/css/plateau.css">
<link rel="stylesheet" href="/static/css/jury.css">
<link rel="stylesheet" href="/static/css/jury-review.css">
</head><body class="console juror"><main class="jury-main">
<section class="panel"><written-replies id="writing"></written-replies></section>
<section class="panel"><interview-notes id="interviews"></interview-notes></section>
<section class="panel"><deliberation-panel id="deliberation"></deliberation-panel></section>
<section class="panel"><documents-panel id="documents"></documents-panel></section>
</main></body>"""

# The jury page's contract without juror.js: one socket, ctx.snapshot() kept current (the
# snapshot, then the timeline events), each component bound to the juror's candidate, the
# replies, the documents and the run sheet's titles read by the page (juror-review-feeds.js,
# as juror.js does).
PAGE_SCRIPT = """import { api } from "/static/js/api.js";
import { PlateauSocket } from "/static/js/socket.js";
import "/static/js/jury/written-replies.js";
import "/static/js/jury/interview-notes.js";
import "/static/js/jury/deliberation-panel.js";
import "/static/js/jury/documents-panel.js";
import { feedDocuments, feedWrittenReplies, withSimulations } from "/static/js/juror-review-feeds.js";
import { feedGridPanels } from "/static/js/juror-grid-feeds.js";

const IDS = __IDS__;
const me = await api("GET", "/api/auth/me");
const mine = (await api("GET", "/api/jury/assignments"))[0];
const socket = new PlateauSocket();
let state = null;
socket.addEventListener("snapshot", (ev) => (state = ev.detail.state));
socket.addEventListener("timeline", (ev) => {
  const c = (((state || {}).exam || {}).candidates || {})[ev.detail.candidate_id];
  if (c) c.timeline = ev.detail.state;
});
const ready = new Promise((r) => socket.addEventListener("snapshot", r, { once: true }));
// The page's controller serves the panels' requests (the notes, the deliberation).
feedGridPanels(["interviews", "deliberation"].map((id) => document.getElementById(id)), socket);
socket.connect();
await ready;
const ctx = withSimulations({ candidateId: mine.candidate_id, capacity: mine.capacity, socket, snapshot: () => state, me });
let feeds = new AbortController();
const feed = (c) => {
  feeds.abort();
  feeds = new AbortController();
  feedWrittenReplies(document.getElementById("writing"), c, feeds.signal);
  feedDocuments(document.getElementById("documents"), c, feeds.signal);
};
for (const id of IDS) document.getElementById(id).bind(ctx);
feed(ctx);
window.__ctx = ctx;
window.__socket = socket;
// The juror switching candidate: the page binds every component again with the new context.
window.__bindTo = (candidateId) => {
  window.__ctx = withSimulations({ ...ctx, candidateId });
  for (const id of IDS) document.getElementById(id).bind(window.__ctx);
  feed(window.__ctx);
};
window.__unbind = () => { for (const id of IDS) document.getElementById(id).unbind(); feeds.abort(); };
document.body.dataset.ready = "true";
""".replace("__IDS__", json.dumps(IDS))

REPLIES = {
    "e1-courriel-assistance": (
        "courriel",
        {
            "to": "karim.haddad@example.fr",
            "subject": "Votre ticket N2-20260317-FIB-204517",
            "body": "Bonjourr Monsieur Haddad,\nUn technicien passera jeudi 19 mars.\nCordialement",
        },
    ),
    "e2-sms-fidelisation": ("sms", {"body": "Fibrelia : votre remise est confirmee. Merci !"}),
    "e3-courrier-echeancier": (
        "courrier",
        {
            "sender": "Service clients",
            "recipient": "Mme Martin",
            "place_date": "Nantes, le 1er juin 2026",
            "object": "Votre échéancier",
            "body": "Madame,\nNous vous confirmons l'échéancier convenu.",
            "closing": "Veuillez agréer, Madame, nos salutations distinguées.",
        },
    ),
}


async def replies_then_past_writing(ctx: AppContext, candidate_id: str) -> None:
    """The candidate's replies as saved during the writing phase, then the exam started so
    long ago that the writing deadline has passed (the timeline freezes them)."""
    started = ctx.clock.now() - timedelta(seconds=PREPARATION + CALLS + WRITING_MINUTES * 60 + 5)
    async with ctx.db.session() as s:
        for task_id, (channel, content) in REPLIES.items():
            s.add(
                Draft(
                    candidate_id=candidate_id,
                    task_id=task_id,
                    channel=channel,
                    content=content,
                    version=3,
                    saved_at=started + timedelta(seconds=PREPARATION + CALLS + 40),
                )
            )
        await s.commit()
    await played_every_simulation(ctx, candidate_id, started + timedelta(seconds=PREPARATION))
    await start_earlier(ctx, candidate_id, PREPARATION + CALLS + WRITING_MINUTES * 60 + 5)


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    srv = make_server(scenarios_dir=write_short_scenarios(tmp_path / "scenarios"), seed=False)
    srv.day = srv.call(seed_with_pack, srv.ctx)
    srv.call(replies_then_past_writing, srv.ctx, srv.day.ids["cand_a"])
    return srv


def open_review(page: Any) -> None:
    open_test_document(page, PAGE_HTML, PAGE_SCRIPT)


def juror_page(browser: Any, server: LiveServer, label: str) -> Any:
    assert server.day is not None
    page = new_page(browser, server)
    sign_in_with_code(page, server.day.codes[label], home="/jury")
    open_review(page)
    page.console_errors.clear()
    return page


def interview(page: Any, action: str) -> dict[str, Any]:
    """Opens/closes the interview through the exported helpers; returns the page's buttons."""
    return page.evaluate(
        """async (action) => {
            const m = await import("/static/js/jury/interview-notes.js");
            const c = await import("/static/js/juror-grid-feeds.js");
            const state = await c.interviewCommand(window.__ctx.candidateId, action);
            return m.interviewButtons(state);
        }""",
        action,
    )


def mark_every_competence(page: Any, cid: str, skip: frozenset[str] = frozenset()) -> None:
    """One criterion « acquis » per competence (the first part not in `skip` that evaluates
    it)."""
    grid = http(page, "GET", f"/api/candidates/{cid}/evaluation")["body"]
    done: set[str] = set()
    for part in grid["parts"]:
        if part["part"] in skip:
            continue
        for comp in part["competences"]:
            if comp["code"] in done:
                continue
            done.add(comp["code"])
            url = f"/api/candidates/{cid}/evaluation/marks/{part['part']}/{comp['code']}/1"
            assert http(page, "PUT", url, {"value": "acquis", "comment": ""})["status"] == 200


def wait_for_justification(page: Any, cid: str, text: str) -> None:
    """Until the server's last deliberation version has this justification."""
    wait_for_async(
        page,
        """async ([cid, text]) => {
            const res = await fetch(`/api/candidates/${cid}/evaluation/deliberation`);
            const versions = await res.json();
            return versions.length > 0 && versions[versions.length - 1].proposal.justification === text;
        }""",
        [cid, text],
        what=f"the server's last deliberation version to say {text!r}",
    )


def test_both_jurors_read_note_deliberate_sign_and_download(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    cid = server.day.ids["cand_a"]
    obs = juror_page(browser, server, "observer_a")
    cli = juror_page(browser, server, "client_a")

    # ---- the written replies: frozen at the deadline, read-only, with the brief and counts
    replies = obs.locator("written-replies")
    expect(replies.locator(".wr-reply")).to_have_count(3)
    expect(replies).to_have_attribute("data-frozen", "true")
    first = replies.locator(".wr-reply[data-task-id='e1-courriel-assistance']")
    expect(first.locator(".wr-frozen")).to_have_text(
        "Figé automatiquement à la fin de la rédaction"
    )
    expect(first.locator(".wr-brief-text")).to_contain_text("Rédigez le courriel que Fibrélia")
    expect(first.locator(".wr-field-subject")).to_contain_text(
        "Votre ticket N2-20260317-FIB-204517"
    )
    expect(first.locator(".wr-words")).to_have_text(re.compile(r"^1\d mots · \d+ caractères$"))
    expect(first.locator(".wr-saved time")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    expect(first.locator(".wr-sha")).to_contain_text("SHA-256")
    expect(first.locator("mark.wr-issue", has_text="Bonjourr")).to_have_count(1)
    expect(replies.locator(".wr-reply.wr-sms .wr-sms")).to_contain_text("1 SMS")
    expect(replies.locator(".wr-reply.wr-courrier .wr-field-closing")).to_contain_text(
        "salutations"
    )
    # Nothing to type in: the only control besides the buttons is the highlighting switch.
    assert replies.locator("textarea, [contenteditable], input:not([type='checkbox'])").count() == 0
    obs.get_by_label("Surligner les fautes possibles (aide)").uncheck()
    expect(first.locator("mark.wr-issue")).to_have_count(0)

    # ---- the interviews: the technical one is awaited; the helpers open it
    notes = obs.locator("interview-notes")
    technical = notes.locator(".in-interview[data-phase='entretien_technique']")
    expect(technical.locator(".in-state")).to_have_text("En attente d'ouverture par le jury")
    expect(technical.locator(".in-topic")).to_have_count(5)  # CP2, CP3, CP5, CP7, CP9
    assert interview(obs, "open")["close"] == {
        "visible": True,
        "label": "Clore l'entretien technique",
    }
    expect(technical.locator(".in-state")).to_have_text(re.compile(r"^En cours depuis \d\d:\d\d"))
    expect(cli.locator(".in-interview[data-phase='entretien_technique'] .in-state")).to_have_text(
        re.compile(r"^En cours depuis")
    )

    # Notes autosave (« Enregistré à »), are there after a reload, and reach the other juror.
    cp3 = technical.locator(".in-topic[data-topic='CP3']")
    cp3.locator("textarea").fill("Diagnostic précis, escalade bien argumentée.")
    expect(cp3.locator(".in-status")).to_have_text(re.compile(r"^Enregistré à \d\d:\d\d$"))
    cli_cp3 = cli.locator(".in-topic[data-topic='CP3']")
    expect(cli_cp3.locator("textarea")).to_have_value(
        "Diagnostic précis, escalade bien argumentée."
    )
    expect(cli_cp3.locator(".in-remote")).to_contain_text("Mis à jour par l'autre juré")
    obs.reload()
    open_review(obs)
    cp3 = obs.locator(".in-topic[data-topic='CP3']")
    expect(cp3.locator("textarea")).to_have_value("Diagnostic précis, escalade bien argumentée.")
    expect(cp3.locator(".in-status")).to_have_text(re.compile(r"^Enregistré à \d\d:\d\d$"))

    # The connection drops: « Hors ligne — sera envoyé »; the page is closed before it could
    # send; the next page of the same browser restores the text and sends it.
    obs.context.set_offline(True)
    cp3.locator("textarea").press("End")
    cp3.locator("textarea").type(" Reformulation à revoir.")
    expect(cp3.locator(".in-status")).to_have_text("Hors ligne — sera envoyé")
    context = obs.context
    obs.close()
    context.set_offline(False)
    obs = context.new_page()
    obs.console_errors = []
    obs.on("pageerror", lambda exc: obs.console_errors.append(str(exc)))
    open_review(obs)
    full = "Diagnostic précis, escalade bien argumentée. Reformulation à revoir."
    cp3 = obs.locator(".in-topic[data-topic='CP3']")
    expect(cp3.locator("textarea")).to_have_value(full)
    expect(cp3.locator(".in-status")).to_have_text(re.compile(r"^Enregistré à \d\d:\d\d$"))
    saved = http(obs, "GET", f"/api/candidates/{cid}/evaluation")["body"]["interviews"]
    assert [(i["topic"], i["text"]) for i in saved] == [("CP3", full)]

    # Close the technical interview; the final interview comes, with its own notes.
    assert interview(obs, "close")["open"] == {"visible": True, "label": "Ouvrir l'entretien final"}
    final = obs.locator(".in-interview[data-phase='entretien_final']")
    expect(obs.locator(".in-interview[data-phase='entretien_technique'] .in-state")).to_have_text(
        re.compile(r"^Clos à \d\d:\d\d")
    )
    expect(final.locator(".in-state")).to_have_text("En attente d'ouverture par le jury")
    interview(obs, "open")
    final.locator("textarea").fill("Dossier professionnel présenté avec aisance.")
    expect(final.locator(".in-status")).to_have_text(re.compile(r"^Enregistré à"))
    interview(obs, "close")
    expect(final.locator(".in-state")).to_have_text(re.compile(r"^Clos à"))

    # ---- the deliberation: the grid's synthesis, live
    mark_every_competence(obs, cid)
    delib_o = obs.locator("deliberation-panel")
    delib_c = cli.locator("deliberation-panel")
    expect(delib_o.locator(".dp-comp")).to_have_count(9)
    expect(delib_o.locator(".dp-comp[data-competence='CP1'] .dp-status")).to_have_text("Acquise")
    expect(delib_c.locator(".dp-comp[data-competence='CP9'] .dp-status")).to_have_text("Acquise")
    expect(delib_o.locator(".dp-version")).to_contain_text("Aucune proposition enregistrée")
    expect(delib_o.locator(".dp-signatures")).to_contain_text("Rien à signer")
    expect(delib_o.locator(".dp-ccp[data-ccp='CCP1'] .dp-aid")).to_contain_text(
        "4/4 compétences acquises"
    )
    # A mark changed by the grid shows up here (the server recomputes the status).
    grid = http(obs, "GET", f"/api/candidates/{cid}/evaluation")["body"]
    part = next(
        p["part"] for p in grid["parts"] if any(c["code"] == "CP6" for c in p["competences"])
    )
    http(
        obs, "PUT", f"/api/candidates/{cid}/evaluation/marks/{part}/CP6/2", {"value": "non_acquis"}
    )
    expect(delib_c.locator(".dp-comp[data-competence='CP6'] .dp-status")).to_have_text(
        "Non acquise"
    )
    http(obs, "PUT", f"/api/candidates/{cid}/evaluation/marks/{part}/CP6/2", {"value": "acquis"})
    expect(delib_c.locator(".dp-comp[data-competence='CP6'] .dp-status")).to_have_text("Acquise")

    # The observer proposes; the checks the server makes are shown before sending.
    delib_o.get_by_role("button", name="Enregistrer la proposition").click()
    expect(delib_o.locator(".dp-problems")).to_contain_text("La justification est obligatoire.")
    expect(delib_o.locator(".dp-problems")).to_contain_text("CCP1, CCP2 (obtenu ou non obtenu)")
    delib_o.locator(".dp-ccp[data-ccp='CCP1']").get_by_label("Obtenu", exact=True).check()
    delib_o.locator(".dp-ccp[data-ccp='CCP2']").get_by_label("Non obtenu", exact=True).check()
    delib_o.locator(".dp-title").get_by_label("Titre obtenu").check()
    expect(delib_o.locator(".dp-title .dp-hint")).to_contain_text(
        "Proposition cohérente : « CCP seulement »"
    )
    delib_o.locator(".dp-ccp[data-ccp='CCP2']").get_by_label("Obtenu", exact=True).check()
    expect(delib_o.locator(".dp-title .dp-hint")).to_have_text("")
    delib_o.get_by_label("Justification du jury (obligatoire)").fill("Maîtrise des deux activités.")
    delib_o.get_by_role("button", name="Enregistrer la proposition").click()
    expect(delib_o.locator(".dp-message")).to_contain_text("Proposition enregistrée (version 1)")
    expect(delib_o.locator(".dp-version")).to_contain_text("Version 1 du")
    # The client juror's panel follows (not editing: no conflict).
    expect(delib_c.get_by_label("Justification du jury (obligatoire)")).to_have_value(
        "Maîtrise des deux activités."
    )
    expect(delib_c.locator(".dp-message")).to_contain_text("modifiée par l'autre juré")
    # The rules' decision for that version: refused, the missing evidence named.
    expect(delib_o.locator(".dp-preview .dp-refused")).to_contain_text(
        "pièces d'évaluation manquantes"
    )
    expect(delib_o.locator(".dp-preview")).to_contain_text(
        "Pièce manquante : dossier professionnel"
    )

    # Both edit: the client juror is typing when the observer saves → the conflict message,
    # the saved version reloaded, the client's entry set aside and taken back.
    delib_c.get_by_label("Justification du jury (obligatoire)").fill(
        "Très bonne maîtrise, écrits soignés."
    )
    delib_o.get_by_label("Justification du jury (obligatoire)").fill(
        "Maîtrise des deux activités ; écrit à reprendre."
    )
    delib_o.get_by_role("button", name="Enregistrer la proposition").click()
    expect(delib_o.locator(".dp-message")).to_contain_text("Proposition enregistrée (version 1)")
    expect(delib_c.locator(".dp-message")).to_have_attribute("data-kind", "conflict")
    expect(delib_c.locator(".dp-message")).to_contain_text(
        "L'autre juré a modifié la délibération pendant votre saisie"
    )
    expect(delib_c.get_by_label("Justification du jury (obligatoire)")).to_have_value(
        "Maîtrise des deux activités ; écrit à reprendre."
    )
    expect(delib_c.locator(".dp-draft .dp-draft-text")).to_have_text(
        "Très bonne maîtrise, écrits soignés."
    )
    screenshot(cli, "jury-review-conflict")
    # The set-aside entry survives a reload of the page too.
    cli.reload()
    open_review(cli)
    delib_c = cli.locator("deliberation-panel")
    expect(delib_c.locator(".dp-draft .dp-draft-text")).to_have_text(
        "Très bonne maîtrise, écrits soignés."
    )
    delib_c.get_by_role("button", name="Reprendre ma saisie").click()
    expect(delib_c.get_by_label("Justification du jury (obligatoire)")).to_have_value(
        "Très bonne maîtrise, écrits soignés."
    )
    delib_c.get_by_label("Justification du jury (obligatoire)").fill(
        "Très bonne maîtrise des deux activités, écrits soignés."
    )
    delib_c.get_by_role("button", name="Enregistrer la proposition").click()
    expect(delib_c.locator(".dp-message")).to_contain_text("Proposition enregistrée (version 1)")
    expect(delib_o.get_by_label("Justification du jury (obligatoire)")).to_have_value(
        "Très bonne maîtrise des deux activités, écrits soignés."
    )

    # A change whose event was missed (the listeners dropped, as on a cut connection) is
    # caught before saving: nothing overwritten, the same message.
    obs.evaluate("() => document.getElementById('deliberation')._abort.abort()")
    # No reload still on its way: checked once the listeners are gone (before, a late event of
    # the last save could start one that would read the save below and hide the conflict).
    expect(delib_o).to_have_attribute("aria-busy", "false")
    delib_o.get_by_label("Justification du jury (obligatoire)").fill("Texte de l'observateur.")
    delib_c.get_by_label("Justification du jury (obligatoire)").fill(
        "Très bonne maîtrise des deux activités, écrits soignés et précis."
    )
    delib_c.get_by_role("button", name="Enregistrer la proposition").click()
    wait_for_justification(
        cli, cid, "Très bonne maîtrise des deux activités, écrits soignés et précis."
    )
    delib_o.get_by_role("button", name="Enregistrer la proposition").click()
    expect(delib_o.locator(".dp-message")).to_have_attribute("data-kind", "conflict")
    expect(delib_o.locator(".dp-draft .dp-draft-text")).to_have_text("Texte de l'observateur.")
    expect(delib_o.get_by_label("Justification du jury (obligatoire)")).to_have_value(
        "Très bonne maîtrise des deux activités, écrits soignés et précis."
    )
    delib_o.get_by_role("button", name="Abandonner ma saisie").click()
    obs.evaluate("() => document.getElementById('deliberation').bind(window.__ctx)")
    expect(delib_o.locator(".dp-draft")).to_be_hidden()

    # ---- the signatures: nobody signs while the rules cannot decide; what is missing is
    # listed before anyone tries (the pieces of the file here).
    expect(delib_o.locator(".dp-readiness .dp-blocking")).to_contain_text(
        "Manque : dossier professionnel."
    )
    expect(delib_o.get_by_role("button", name="Signer la version 1")).to_be_disabled()
    expect(delib_c.locator(".dp-readiness .dp-blocking")).to_contain_text(
        "Manque : résultats des évaluations passées en cours de formation."
    )
    # The evidence the jury has: the file's pieces declared here.
    evidence = delib_c.locator(".dp-evidence")
    expect(evidence).to_contain_text("Constatées dans le déroulé de l'épreuve")
    evidence.get_by_label("Dossier professionnel").check()
    evidence.get_by_label("Résultats des évaluations passées en cours de formation").check()
    evidence.get_by_role("button", name="Enregistrer les pièces").click()
    expect(evidence.locator(".dp-evidence-status")).to_contain_text("Pièces enregistrées")
    expect(delib_c.locator(".dp-preview .dp-outcome-line")).to_contain_text(
        "Si la version 1 est signée : Titre obtenu — Parchemin"
    )
    expect(delib_c.locator(".dp-preview")).to_contain_text(
        "parcours « Formation continue », session titre"
    )
    expect(delib_o.locator(".dp-readiness .dp-ready")).to_contain_text("peut être signée")

    # The observer signs (after confirming).
    delib_o.get_by_role("button", name="Signer la version 1").click()
    delib_o.get_by_role("button", name="Confirmer la signature").click()
    expect(delib_o.locator(".dp-message")).to_contain_text("Votre signature est enregistrée")
    expect(delib_o.locator(".dp-sign-list")).to_contain_text(
        re.compile(r"Juré observateur \(vous\) : signé le \d\d/\d\d/\d{4} à")
    )
    expect(delib_c.locator(".dp-sign-list")).to_contain_text(
        re.compile(r"Juré observateur : signé le")
    )
    expect(delib_c.locator(".dp-version")).to_contain_text("une signature sur deux")

    # The grid PDF before the signature: provisional.
    docs = obs.locator("documents-panel")
    expect(docs.locator(".dc-item").first).to_contain_text("provisoire")
    expect(docs.locator("a", has_text="Livret de certification")).to_have_attribute(
        "aria-disabled", "true"
    )

    delib_c.get_by_role("button", name="Signer la version 1").click()
    delib_c.get_by_role("button", name="Confirmer la signature").click()
    expect(delib_c.locator(".dp-message")).to_contain_text(
        "Délibération signée par les deux jurés (version 1) : la décision est prise."
    )
    for panel in (delib_o, delib_c):
        expect(panel).to_have_attribute("data-locked", "true")
        expect(panel).to_have_attribute("data-readonly", "true")
        expect(panel.locator(".dp-version")).to_contain_text("signée par les deux jurés le")
        expect(panel.locator(".dp-decision .dp-outcome-line")).to_contain_text(
            "Titre obtenu — Parchemin"
        )
        expect(panel.locator(".dp-sign-list .dp-signed")).to_have_count(2)
        expect(panel.get_by_role("button", name="Enregistrer la proposition")).to_be_hidden()
        expect(panel.locator("input[type='radio']:not([disabled])")).to_have_count(0)
        expect(panel.locator(".dp-justification-text")).to_have_text(
            "Très bonne maîtrise des deux activités, écrits soignés et précis."
        )
    expect(delib_o.locator(".dp-sign-list")).to_contain_text("Juré « client » : signé le")
    expect(delib_o.get_by_role("button", name="Proposer une nouvelle version")).to_be_visible()
    screenshot(obs, "jury-review-signed")
    obs.screenshot(path=str(ARTIFACTS / "jury-review-signed-full.png"), full_page=True)

    # ---- the documents: the grid, now final, downloads as a PDF holding the deliberation
    grille = docs.locator("a", has_text="Grille d'évaluation (PDF)")
    expect(docs.locator(".dc-item").first).to_contain_text("définitive")
    with obs.expect_download(timeout=60_000) as info:
        grille.click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf[:4] == b"%PDF"
    text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages
    )
    assert "écrits soignés et précis" in text
    assert docs.locator("a", has_text="Archive d'appel (ZIP)").get_attribute("href") == (
        f"/api/candidates/{cid}/documents/archive.zip"
    )
    expect(docs.locator(".dc-session")).to_contain_text("édités par le responsable de session")

    # A later change is a new version that both sign again; the signed one is kept.
    delib_o.get_by_role("button", name="Proposer une nouvelle version").click()
    delib_o.get_by_label("Justification du jury (obligatoire)").fill("Version corrigée.")
    delib_o.get_by_role("button", name="Enregistrer la proposition").click()
    expect(delib_o.locator(".dp-message")).to_contain_text("Proposition enregistrée (version 2)")
    for panel in (delib_o, delib_c):
        expect(panel).to_have_attribute("data-locked", "false")
        expect(panel.locator(".dp-version")).to_contain_text("Version 2 du")
        expect(panel.locator(".dp-history")).to_contain_text("Versions précédentes (1)")
    expect(delib_c.get_by_role("button", name="Signer la version 2")).to_be_visible()
    expect(docs.locator(".dc-item").first).to_contain_text(
        "la version 2 de la délibération attend les signatures (la version 1 reste la version signée)"
    )
    assert obs.console_errors == [] and cli.console_errors == []


def bare_page(browser: Any, server: LiveServer, label: str) -> Any:
    """A signed-in juror acting through plain requests from a page of the same origin."""
    assert server.day is not None
    page = new_page(browser, server)
    sign_in_with_code(page, server.day.codes[label], home="/jury")
    page.goto("/api/health")
    return page


def test_switching_candidate_resets_drops_the_old_listeners_and_reloads(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    alice, bruno = server.day.ids["cand_a"], server.day.ids["cand_b"]
    server.call(observe_also, server.ctx, server.day.ids["observer_a"], bruno)
    obs = juror_page(browser, server, "observer_a")
    expect(obs.locator("written-replies .wr-reply.wr-courriel .wr-frozen")).to_have_text(
        "Figé automatiquement à la fin de la rédaction"
    )

    # Bruno has not started: nothing written, interviews to come, nothing proposed.
    obs.evaluate("(cid) => window.__bindTo(cid)", bruno)
    replies = obs.locator("written-replies")
    expect(replies).to_have_attribute("data-frozen", "false")
    expect(replies.locator(".wr-reply")).to_have_count(3)
    expect(replies.locator(".wr-frozen").first).to_have_text("Rien n'a été enregistré")
    expect(replies.locator(".wr-field-subject .wr-text").first).to_have_text("(vide)")
    technical = obs.locator(".in-interview[data-phase='entretien_technique']")
    expect(technical.locator(".in-state")).to_have_text("À venir")
    expect(obs.locator("deliberation-panel .dp-version")).to_contain_text("Aucune proposition")
    expect(obs.locator("documents-panel a", has_text="Grille")).to_have_attribute(
        "href", f"/api/candidates/{bruno}/documents/grille.pdf"
    )

    # Alice's events no longer reach the components; Bruno's do.
    alice_client = bare_page(browser, server, "client_a")
    bruno_client = bare_page(browser, server, "client_b")
    put = f"/api/candidates/{alice}/evaluation/interviews/CP2"
    assert http(alice_client, "PUT", put, {"text": "Note sur Alice."})["status"] == 200
    put = f"/api/candidates/{bruno}/evaluation/interviews/CP3"
    assert http(bruno_client, "PUT", put, {"text": "Note sur Bruno."})["status"] == 200
    expect(obs.locator(".in-topic[data-topic='CP3'] textarea")).to_have_value("Note sur Bruno.")
    expect(obs.locator(".in-topic[data-topic='CP2'] textarea")).to_have_value("")

    # Back to Alice: her data again, her note included.
    obs.evaluate("(cid) => window.__bindTo(cid)", alice)
    expect(replies).to_have_attribute("data-frozen", "true")
    expect(obs.locator(".in-topic[data-topic='CP2'] textarea")).to_have_value("Note sur Alice.")
    expect(obs.locator(".in-topic[data-topic='CP3'] textarea")).to_have_value("")
    expect(obs.locator("documents-panel a", has_text="Grille")).to_have_attribute(
        "href", f"/api/candidates/{alice}/documents/grille.pdf"
    )

    # unbind(): emptied, and deaf.
    obs.evaluate("() => window.__unbind()")
    expect(obs.locator(".wr-reply")).to_have_count(0)
    expect(obs.locator(".in-topic")).to_have_count(0)
    expect(obs.locator(".dp-comp")).to_have_count(0)
    expect(obs.locator(".dc-item")).to_have_count(0)
    put = f"/api/candidates/{alice}/evaluation/interviews/CP5"
    assert http(alice_client, "PUT", put, {"text": "Après unbind."})["status"] == 200
    obs.wait_for_timeout(500)
    expect(obs.locator(".in-topic")).to_have_count(0)
    assert obs.console_errors == []

"""The agent desktop, end to end in Chromium (fake microphone) against the real server: the
client juror's WebSocket rings an inbound simulation and the record pops before the answer;
the client's voice (an in-process test peer playing a tone) reaches the candidate's headset; a
reload during the call finds the call and the audio again; the wrap-up blocks the next call
until it is done; an outbound call is placed from the CRM record; an unassigned number is
told; the observer's feed sees it all."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from server.telephony.probe import ProbePeer
from tests.e2e.conftest import LiveServer, new_page, screenshot, sign_in_with_code
from tests.e2e.test_candidate_support import (
    events,
    listen,
    server_in_calls_phase,
    ws_request,
)

pytestmark = pytest.mark.browser
INBOUND = "s03-assistance-fibre"  # M. Karim Haddad, 06 71 33 58 20, record FIB-204517


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    return server_in_calls_phase(make_server, tmp_path)


def juror(browser: Any, server: LiveServer, label: str) -> Any:
    assert server.day is not None
    page = new_page(browser, server)
    sign_in_with_code(page, server.day.codes[label], home="/jury")
    # A bare page of the same origin: the jury's own page would attach its microphone as the
    # client's audio, and here the client's voice is the in-process test peer.
    page.goto(f"{server.url}/api/health")
    listen(page)
    return page


def hears_the_client(page: Any) -> None:
    """The « Écoute » meter of the softphone bar moves: the client's audio reaches the page."""
    page.wait_for_function(
        "Number(document.querySelector('soft-phone .sp-level:last-child level-meter')"
        ".dataset.level || 0) > 10",
    )


def last_call(page: Any) -> dict[str, Any]:
    return events(page, "call")[-1]["call"]


def test_inbound_with_screen_pop_then_outbound_from_the_record(
    server: LiveServer, browser: Any, client_voice: ProbePeer
) -> None:
    assert server.day is not None
    alice = server.day.ids["cand_a"]
    client, observer = juror(browser, server, "client_a"), juror(browser, server, "observer_a")
    page = new_page(browser, server)
    sign_in_with_code(page, server.day.codes["cand_a"], home="/candidat")
    phone = page.locator("soft-phone")
    expect(phone.locator(".sp-state")).to_have_text("Libre")
    expect(phone).to_have_attribute("data-audio", "connected")

    # The client juror rings: the phone rings with the scenario's number and the CRM record
    # pops before the candidate answers.
    rung = ws_request(
        client, {"type": "call.ring", "candidate_id": alice, "simulation_id": INBOUND}
    )
    assert rung["type"] == "ack", rung
    expect(phone.locator(".sp-state")).to_have_text("Sonnerie")
    expect(phone.locator(".sp-number")).to_have_text("← 06 71 33 58 20")
    expect(page.locator(".screen-pop")).to_contain_text("fiche FIB-204517 ouverte automatiquement")
    expect(page.locator("crm-record h2")).to_have_text("M. Karim Haddad")
    screenshot(page, "candidate-appels-sonnerie")

    page.keyboard.press("Alt+r")  # « Répondre »
    expect(phone.locator(".sp-state")).to_have_text("En ligne")
    # The client's voice reaches the headset (the « Écoute » meter moves).
    hears_the_client(page)
    screenshot(page, "candidate-appels-en-ligne")

    # A reload during the call: same call, audio back by itself.
    page.reload()
    expect(phone.locator(".sp-state")).to_have_text("En ligne")
    expect(phone).to_have_attribute("data-audio", "connected")
    expect(page.locator("crm-record h2")).to_have_text("M. Karim Haddad")

    # A cut of the WebSocket and of the audio link: both come back by themselves.
    page.evaluate("window.plateau.socket.ws.close(); window.plateau.calls.audio.pc.close()")
    expect(page.locator("#link")).to_have_attribute("data-connected", "false")
    expect(page.locator("#link")).to_have_attribute("data-connected", "true")
    page.wait_for_function("window.plateau.calls.audio.state === 'connected'")
    hears_the_client(page)
    expect(phone.locator(".sp-state")).to_have_text("En ligne")

    # Hold and resume from the bar.
    phone.get_by_role("button", name="Attente").click()
    expect(phone.locator(".sp-state")).to_have_text("En attente")
    phone.get_by_role("button", name="Reprendre").click()
    expect(phone.locator(".sp-state")).to_have_text("En ligne")

    # The client hangs up: « Clôture » until the wrap-up is saved; no new call meanwhile.
    call_id = last_call(client)["id"]
    assert ws_request(client, {"type": "call.hangup", "call_id": call_id})["type"] == "ack"
    expect(phone.locator(".sp-state")).to_have_text("Clôture")
    wrap = page.locator("wrap-up-form")
    expect(wrap).to_be_visible()
    expect(wrap).to_contain_text("Appel entrant du 06 71 33 58 20 — M. Karim Haddad")
    page.get_by_role("tab", name="Appels", exact=True).click()
    expect(page.locator("call-list button.cl-dial").first).to_be_disabled()
    page.get_by_role("tab", name="Fiche client").click()
    wrap.get_by_role("button", name="Clôturer l'appel").click()
    expect(wrap.locator(".error")).to_have_text("Choisissez un code de clôture.")
    wrap.get_by_label("Code de clôture").select_option(label="Demande traitée")
    note = "Voyant rouge : technicien jeudi 13-17 h, clé 4G prêtée."
    wrap.get_by_label("Note de contact").fill(note)
    wrap.get_by_role("button", name="Clôturer l'appel").click()
    expect(phone.locator(".sp-state")).to_have_text("Libre")
    expect(wrap).to_be_hidden()
    observer.wait_for_function(
        "() => window.__events.some((e) => e.type === 'call' && e.call.disposition === 'traitee')"
    )
    seen = [e["call"] for e in events(observer, "call") if e["call"]["disposition"]]
    assert seen[-1]["disposition_note"] == note

    # An unassigned number: a clear message, no call.
    page.keyboard.press("Alt+c")
    page.keyboard.type("0102030405")
    page.keyboard.press("Enter")
    expect(page.locator("#announce")).to_contain_text("n'est pas attribué")
    expect(phone.locator(".sp-state")).to_have_text("Libre")

    # Outbound, placed from the CRM record: the client juror's side rings.
    fiches = page.get_by_role("listbox", name="Fiches")
    page.get_by_role("searchbox", name="Rechercher une fiche").fill("ferrand")
    fiches.get_by_text("Mme Odile Ferrand").click()
    page.locator("crm-record").get_by_role("button", name="02 41 45 63 07 · Appeler").click()
    expect(phone.locator(".sp-state")).to_have_text("Appel en cours…")
    client.wait_for_function(
        "() => window.__events.some((e) => e.type === 'call' && e.call.direction === 'outbound')"
    )
    outbound = last_call(client)
    assert (outbound["simulation_id"], outbound["state"]) == (
        "s02-enquete-satisfaction",
        "sonnerie",
    )
    assert ws_request(client, {"type": "call.answer", "call_id": outbound["id"]})["type"] == "ack"
    expect(phone.locator(".sp-state")).to_have_text("En ligne")
    # The survey call brings the questionnaire to the front, word for word.
    survey = page.locator("survey-form")
    expect(survey).to_be_visible()
    expect(survey.locator(".sv-text").first).to_have_text(
        "Avez-vous bien reçu l'intégralité de votre commande du 5 mars dernier ?"
    )
    assert survey.locator(".sv-question").count() == 7
    screenshot(page, "candidate-appels-questionnaire")
    phone.get_by_role("button", name="Raccrocher").click()
    expect(phone.locator(".sp-state")).to_have_text("Clôture")
    assert page.console_errors == []


def test_crm_survey_order_agreement_and_chat_seen_live_by_the_observer(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    alice = server.day.ids["cand_a"]
    client, observer = juror(browser, server, "client_a"), juror(browser, server, "observer_a")
    page = new_page(browser, server)
    sign_in_with_code(page, server.day.codes["cand_a"], home="/candidat")
    phone = page.locator("soft-phone")
    expect(phone.locator(".sp-state")).to_have_text("Libre")
    record = page.locator("crm-record")
    search = page.get_by_role("searchbox", name="Rechercher une fiche")
    fiches = page.get_by_role("listbox", name="Fiches")

    def observed(kind: str, field: str) -> list[dict[str, Any]]:
        observer.wait_for_function(
            """([kind, field]) => window.__events.some((e) => e.type === 'crm.change'
                && e.change.kind === kind && e.change.field === field)""",
            arg=[kind, field],
        )
        return [
            e
            for e in events(observer, "crm.change")
            if e["change"]["kind"] == kind and e["change"]["field"] == field
        ]

    # An edit of the record, saved on the server and seen live by the observer.
    search.fill("diallo")
    fiches.get_by_text("Mme Fatou Diallo").click()
    record.get_by_role("button", name="Modifier la fiche").click()
    record.get_by_role("textbox", name="Courriel").fill("f.diallo@exemple-mail.fr")
    record.get_by_role("button", name="Enregistrer la fiche").click()
    expect(record.locator(".crm-contact")).to_contain_text("f.diallo@exemple-mail.fr")
    edit = observed("edit", "email")[-1]
    assert edit["change"]["new"] == "f.diallo@exemple-mail.fr"
    assert edit["record"]["email"] == "f.diallo@exemple-mail.fr"

    # A contact note in the history.
    record.get_by_role("button", name="Note de contact").click()
    dialog = page.locator("dialog.action-dialog[open]")
    dialog.get_by_label("Note").fill(
        "Demande d'attestation de tarif réduit : envoyée par courriel."
    )
    dialog.get_by_role("button", name="Enregistrer la note").click()
    expect(record.locator(".crm-history")).to_contain_text("Demande d'attestation de tarif")
    observed("note", "history")

    # The survey, from the call list: answers saved as given and seen live.
    page.get_by_role("tab", name="Appels", exact=True).click()
    page.locator("call-list article[data-simulation='s02-enquete-satisfaction']").get_by_role(
        "button", name="Questionnaire"
    ).click()
    survey = page.locator("survey-form")
    expect(survey).to_be_visible()
    questions = survey.locator(".sv-question")
    questions.nth(0).get_by_label("Oui").check()
    questions.nth(1).get_by_label("8", exact=True).check()
    questions.nth(3).get_by_label("Catalogue papier").check()
    questions.nth(3).get_by_label("Bouche-à-oreille").check()
    words = "Que vous mettiez les fiches de culture dans le colis, pas seulement sur internet"
    questions.nth(5).locator("textarea").fill(words)
    for answered in (0, 1, 3, 5):  # each answer is its own request: all four saved
        expect(questions.nth(answered).locator(".sv-saved")).to_contain_text("enregistré à")
    given = {"q1": "oui", "q2": 8, "q4": ["Catalogue papier", "Bouche-à-oreille"], "q6": words}
    # Each save's event carries the answers as its commit left them: under load the save of
    # q6 may be committed before that of q2, so it is the event after the last save that
    # holds them all (the observer waits for it; an earlier one lacks some).
    observer.wait_for_function(
        """(given) => window.__events.some((e) => e.type === 'crm.change' && e.survey
            && Object.keys(e.survey.answers).length === Object.keys(given).length
            && Object.entries(given).every(([q, v]) =>
                 JSON.stringify(e.survey.answers[q]) === JSON.stringify(v)))""",
        arg=given,
    )
    whole = [e["survey"] for e in events(observer, "crm.change") if e.get("survey")]
    assert all(s["simulation_id"] == "s02-enquete-satisfaction" for s in whole)
    assert given in [s["answers"] for s in whole]

    # An order during the inbound order call: the simulation's desk, VAT and totals.
    ring = {"type": "call.ring", "candidate_id": alice, "simulation_id": "s06-commande-jardin"}
    assert ws_request(client, ring)["type"] == "ack"
    expect(record.locator("h2")).to_have_text("M. Bernard Chauvin")
    expect(phone.locator(".sp-state")).to_have_text("Sonnerie")
    page.keyboard.press("Alt+r")
    expect(phone.locator(".sp-state")).to_have_text("En ligne")
    record.get_by_role("button", name="Commande").click()
    order = page.locator("dialog.order-dialog")
    order.get_by_label("Article").select_option("JDL-P110")
    order.get_by_label("Quantité", exact=True).fill("2")
    order.get_by_role("button", name="Ajouter la ligne").click()
    order.get_by_label("Article").select_option("JDL-G204")
    order.get_by_label("Quantité", exact=True).fill("3")
    order.get_by_role("button", name="Ajouter la ligne").click()
    # 25,80 + 7,80 of goods, under the 60 € threshold: 6,90 of shipping.
    expect(order.locator(".order-totals .grand").last).to_have_text("40,50\u00a0€")
    expect(order.locator(".order-totals")).to_contain_text("TVA 10 %")
    screenshot(page, "candidate-appels-commande")
    order.get_by_role("button", name="Enregistrer la commande").click()
    expect(record.locator(".crm-section", has_text="Commandes")).to_contain_text("40,50")
    placed = observed("order", "orders")[-1]["change"]["new"]
    assert (placed["total"], placed["totals"]["total_ttc"]) == ("40.50", "40.50")
    assert placed["payment_method"] == "Carte bancaire (module de paiement sécurisé)"
    phone.get_by_role("button", name="Raccrocher").click()
    wrap = page.locator("wrap-up-form")
    wrap.get_by_label("Code de clôture").select_option(label="Vente conclue")
    wrap.get_by_label("Note de contact").fill("Commande : tomates et capucines, carte.")
    wrap.get_by_role("button", name="Clôturer l'appel").click()
    expect(phone.locator(".sp-state")).to_have_text("Libre")

    # A payment agreement on a debtor's record: the procedure's plans, the schedule computed.
    search.fill("lebrun")
    fiches.get_by_text("M. Julien Lebrun").click()
    # the record shown is his before its button is clicked (a loaded machine showed the last
    # call's record a moment longer, whose simulation has no collection: the default plans)
    expect(record.locator("h2")).to_have_text("M. Julien Lebrun")
    record.get_by_role("button", name="Accord de paiement").click()
    agreement = page.locator("dialog.payment-dialog")
    agreement.get_by_label("Échéancier").select_option(
        label="Échéancier sans frais en 3 mensualités"
    )
    expect(agreement.locator(".pf-rows tr")).to_have_count(4)  # a header and 3 instalments
    expect(agreement.get_by_label("Montant de l'échéance 3")).to_have_value("83,48")
    agreement.get_by_role("button", name="Enregistrer l'accord").click()
    expect(record.locator(".crm-section", has_text="Accords de paiement")).to_contain_text("250,40")
    signed = observed("payment_agreement", "agreements")[-1]["change"]["new"]
    assert [i["amount"] for i in signed["installments"]] == ["83.46", "83.46", "83.48"]

    # The chat: unread badge while elsewhere, the client's typing, the reply seen by the jury.
    page.get_by_role("tab", name="Bloc-notes").click()
    hello = "Bonjour, je voudrais planter une haie champêtre, que me conseillez-vous ?"
    ws_request(client, {"type": "chat.send", "candidate_id": alice, "text": hello})
    badge = page.locator("#tab-side-chat .tab-badge")
    expect(badge).to_have_text("1")
    client.evaluate(
        "(cid) => window.__ws.send(JSON.stringify({ type: 'chat.typing', candidate_id: cid }))",
        alice,
    )
    page.get_by_role("tab", name="Chat").click()
    expect(badge).to_have_text("")
    chat = page.locator("chat-window")
    expect(chat.locator(".chat-msg.from-them")).to_have_text(re.compile(re.escape(hello)))
    expect(chat.locator(".chat-typing")).to_have_text("Le client écrit…")
    chat.get_by_label("Votre message").fill("Bonjour Madame, notre kit haie champêtre à 69 €.")
    chat.get_by_label("Votre message").press("Enter")
    expect(chat.locator(".chat-msg.from-me")).to_contain_text("kit haie champêtre")
    expect(chat.get_by_label("Votre message")).to_have_value("")
    observer.wait_for_function(
        "() => window.__events.some((e) => e.type === 'chat.message'"
        " && e.message.author === 'candidate')"
    )
    screenshot(page, "candidate-appels-chat")
    assert page.console_errors == []

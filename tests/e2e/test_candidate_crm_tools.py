"""The candidate's CRM tools in Chromium against the real server (issue 18): the payment
agreement records the schedule the collection call rewards (any schedule within the
procedure's limits, the refused one said in French with the entries kept), and the wrap-up
offers the contact note just written on the caller's record instead of asking again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, new_page, screenshot, sign_in_with_code
from tests.e2e.test_candidate_calls import juror, last_call
from tests.e2e.test_candidate_support import server_in_calls_phase, ws_request

pytestmark = pytest.mark.browser
INBOUND = "s03-assistance-fibre"  # M. Karim Haddad, record FIB-204517


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    return server_in_calls_phase(make_server, tmp_path)


def candidate(browser: Any, server: LiveServer) -> Any:
    assert server.day is not None
    page = new_page(browser, server)
    sign_in_with_code(page, server.day.codes["cand_a"], home="/candidat")
    expect(page.locator("soft-phone .sp-state")).to_have_text("Libre")
    return page


def test_the_agreement_tool_records_the_schedule_the_collection_call_rewards(
    server: LiveServer, browser: Any
) -> None:
    page = candidate(browser, server)
    page.get_by_role("searchbox", name="Rechercher une fiche").fill("lebrun")
    page.get_by_role("listbox", name="Fiches").get_by_text("M. Julien Lebrun").click()
    record = page.locator("crm-record")
    record.get_by_role("button", name="Accord de paiement").click()
    form = page.locator("dialog.payment-dialog")
    form.get_by_label("Échéancier").select_option(label="Échéancier sans frais en 3 mensualités")
    form.get_by_label("Moyen de paiement").select_option(
        label="Carte bancaire (module de paiement sécurisé)"
    )
    # 90,40 € today by card, then 80 € at the end of April and at the end of May.
    for n, (day, amount) in enumerate(
        (("2026-03-17", "90,40"), ("2026-04-30", "80,00"), ("2026-05-31", "80,00")), start=1
    ):
        form.get_by_label(f"Date de l'échéance {n}").fill(day)
        form.get_by_label(f"Montant de l'échéance {n}").fill(amount)
    expect(form.locator(".error")).to_have_text("")
    screenshot(page, "candidate-appels-accord-paiement")

    # Beyond the procedure (the first instalment later than 7 days): said, nothing lost.
    form.get_by_label("Date de l'échéance 1").fill("2026-03-30")
    expect(form.locator(".error")).to_have_text(
        "Première échéance au plus tard le 24/03/2026 selon la procédure."
    )
    form.get_by_label("Date de l'échéance 1").fill("2026-03-17")
    form.get_by_role("button", name="Enregistrer l'accord").click()
    expect(form).to_be_hidden()
    section = record.locator(".crm-section", has_text="Accords de paiement")
    expect(section).to_contain_text("90,40")
    agreed = page.evaluate(
        """async () => {
            const res = await fetch(`/api/candidates/${window.plateau.cid}/crm/records/ELAN-412096`);
            return (await res.json()).agreements.at(-1);
        }"""
    )
    assert [(i["date"], i["amount"]) for i in agreed["installments"]] == [
        ("2026-03-17", "90.40"),
        ("2026-04-30", "80.00"),
        ("2026-05-31", "80.00"),
    ]
    assert page.console_errors == []


def test_the_wrap_up_offers_the_contact_note_just_written_in_the_crm(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    alice = server.day.ids["cand_a"]
    client = juror(browser, server, "client_a")
    page = candidate(browser, server)
    phone = page.locator("soft-phone")
    rung = ws_request(
        client, {"type": "call.ring", "candidate_id": alice, "simulation_id": INBOUND}
    )
    assert rung["type"] == "ack", rung
    expect(phone.locator(".sp-state")).to_have_text("Sonnerie")
    page.keyboard.press("Alt+r")
    expect(phone.locator(".sp-state")).to_have_text("En ligne")
    record = page.locator("crm-record")
    expect(record.locator("h2")).to_have_text("M. Karim Haddad")

    # During the call, the note goes where it belongs: the record's history.
    note = "Voyant Fibre rouge malgré deux redémarrages : ticket niveau 2, technicien jeudi."
    record.get_by_role("button", name="Note de contact").click()
    dialog = page.locator("dialog.action-dialog[open]")
    dialog.get_by_label("Note").fill(note)
    dialog.get_by_role("button", name="Enregistrer la note").click()
    expect(record.locator(".crm-history")).to_contain_text("Voyant Fibre rouge")

    # The client hangs up: the wrap-up offers that note (editable), it is not asked again.
    assert (
        ws_request(client, {"type": "call.hangup", "call_id": last_call(client)["id"]})["type"]
        == "ack"
    )
    wrap = page.locator("wrap-up-form")
    expect(wrap).to_be_visible()
    expect(wrap.get_by_label("Note de contact")).to_have_value(note)
    expect(wrap.locator(".wrap-offered")).to_contain_text("reprise de la fiche client")
    screenshot(page, "candidate-appels-cloture-note")
    wrap.get_by_label("Code de clôture").select_option(label="Escalade niveau 2")
    wrap.get_by_role("button", name="Clôturer l'appel").click()
    expect(phone.locator(".sp-state")).to_have_text("Libre")
    client.wait_for_function(
        "() => window.__events.some((e) => e.type === 'call' && e.call.disposition)"
    )
    assert last_call(client)["disposition_note"] == note
    assert page.console_errors == []


def candidate_with_the_subject_held(
    browser: Any, server: LiveServer
) -> tuple[Any, Callable[[], None]]:
    """The candidate's page with the subject's GET held (the CRM's records come first, as
    they did beside two busy CPU loops); `release` lets it through."""
    assert server.day is not None
    page = new_page(browser, server)
    held: list[Any] = []
    page.route("**/api/candidates/*/subject", lambda route: held.append(route))
    sign_in_with_code(page, server.day.codes["cand_a"], home="/candidat")
    expect(page.locator("soft-phone .sp-state")).to_have_text("Libre")

    def release() -> None:
        # The GET is asked before the calls view shows; the handler runs as Playwright waits.
        for _ in range(200):
            if held:
                break
            page.wait_for_timeout(50)
        assert held, "the subject was never asked for"
        for route in held:
            route.continue_()

    return page, release


def open_record(page: Any, query: str, name: str) -> Any:
    page.get_by_role("searchbox", name="Rechercher une fiche").fill(query)
    page.get_by_role("listbox", name="Fiches").get_by_text(name).click()
    record = page.locator("crm-record")
    expect(record.locator("h2")).to_have_text(name)
    return record


def test_the_agreement_form_waits_for_a_subject_that_comes_after_the_records(
    server: LiveServer, browser: Any
) -> None:
    page, release = candidate_with_the_subject_held(browser, server)
    record = open_record(page, "lebrun", "M. Julien Lebrun")
    record.get_by_role("button", name="Accord de paiement").click()
    form = page.locator("dialog.payment-dialog")
    # Until the subject is there, the candidate reads that it is loading; the click is kept.
    expect(record.locator(".crm-msg")).to_have_text(
        "Chargement du sujet… le formulaire s'ouvre dès qu'il est là."
    )
    release()
    plans = form.get_by_label("Échéancier").locator("option")
    expect(plans).to_have_text(
        [
            "Paiement intégral immédiat",
            "Échéancier sans frais en 2 mensualités",
            "Échéancier sans frais en 3 mensualités",
        ]
    )
    expect(form.get_by_label("Moyen de paiement")).to_contain_text(
        "Carte bancaire (module de paiement sécurisé)"
    )
    # The record drawn before the subject names its principal once the subject is there.
    expect(record.locator(".crm-facts")).to_contain_text("Élan Énergies")
    expect(record.locator(".crm-msg")).to_have_text("")
    assert page.console_errors == []


def test_the_order_form_waits_for_a_subject_that_comes_after_the_records(
    server: LiveServer, browser: Any
) -> None:
    page, release = candidate_with_the_subject_held(browser, server)
    record = open_record(page, "chauvin", "M. Bernard Chauvin")
    record.get_by_role("button", name="Commande").click()
    expect(record.locator(".crm-msg")).to_have_text(
        "Chargement du sujet… le formulaire s'ouvre dès qu'il est là."
    )
    release()
    order = page.locator("dialog.order-dialog")
    expect(order.get_by_label("Article").locator("option[value='JDL-P110']")).to_have_count(1)
    order.get_by_label("Article").select_option("JDL-P110")
    order.get_by_role("button", name="Ajouter la ligne").click()
    expect(order.locator(".order-totals")).to_contain_text("TVA 10 %")
    assert page.console_errors == []


def test_a_survey_call_placed_before_the_subject_brings_its_questionnaire_once_it_comes(
    server: LiveServer, browser: Any
) -> None:
    page, release = candidate_with_the_subject_held(browser, server)
    record = open_record(page, "ferrand", "Mme Odile Ferrand")
    record.get_by_role("button", name="02 41 45 63 07 · Appeler").click()
    phone = page.locator("soft-phone")
    expect(phone.locator(".sp-state")).to_have_text("Appel en cours…")
    survey = page.locator("survey-form")
    expect(survey).to_be_hidden()  # which calls are surveys: the subject says
    release()
    # The survey call brings the questionnaire to the front, word for word, with its principal.
    expect(survey).to_be_visible()
    expect(survey.locator(".sv-text").first).to_have_text(
        "Avez-vous bien reçu l'intégralité de votre commande du 5 mars dernier ?"
    )
    expect(survey).to_contain_text("Questionnaire — Les Jardins de Loire")
    assert page.console_errors == []

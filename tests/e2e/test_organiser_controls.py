"""The organiser's controls in the browser: the documents tab (previews, issued versions), a
corrected name that reaches the PDFs as a new version (the first kept), ending a phase early
and closing an exam with a reason, the proctor limited to the phases they supervise, a pack
chosen later, a planned start in the past turned into « start now », a person removed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.documents.pdf_pages import page_texts, to_png
from tests.e2e.conftest import (
    ARTIFACTS,
    LiveServer,
    new_page,
    screenshot,
    sign_in_with_code,
    sign_in_with_password,
)

pytestmark = pytest.mark.browser
PACK = "plateforme-horizon"


def _open(page: Any, server: LiveServer, tab: str) -> None:
    assert server.day is not None
    page.goto(f"/organisation#session={server.day.session_id}&tab={tab}")
    expect(page.locator("#session-title")).to_contain_text("Centre test")


def _dialog(page: Any) -> Any:
    dialog = page.locator("dialog.action-dialog")
    expect(dialog).to_be_visible()
    return dialog


def _pdf_text(page: Any, url: str) -> str:
    response = page.context.request.get(url)
    assert response.ok, response.status
    return " ".join(page_texts(response.body()))


def test_documents_tab_and_a_corrected_name_in_a_new_version(
    make_server: Any, browser: Any
) -> None:
    server = make_server(pack_id=PACK)
    page = new_page(browser, server)
    sign_in_with_password(page)
    _open(page, server, "documents")
    panel = page.locator("documents-panel")
    pv = panel.locator("tr[data-kind=pv]")
    expect(pv).to_contain_text("Aucune version émise.")
    expect(panel.locator(".candidate-documents")).to_have_count(2)
    livret = panel.locator(".candidate-documents", has_text="Alice DURAND").locator(
        "tr[data-kind=livret]"
    )
    expect(livret).to_contain_text("pas de livret")  # no CCP yet: said, not offered
    expect(livret.get_by_role("button")).to_be_disabled()
    pv.get_by_role("button", name="Émettre : Procès-verbal").click()
    _dialog(page).get_by_role("button", name="Émettre la version 1").click()
    expect(pv.locator("li[data-version='1']")).to_contain_text("par le responsable de session")
    expect(page.locator("documents-panel [role=status]")).to_have_text(
        "Procès-verbal : version 1 émise."
    )
    screenshot(page, "organiser-documents")
    first = pv.locator("li[data-version='1'] a").get_attribute("href")
    assert "Alice DURAND" in _pdf_text(page, first)

    # A typo in Alice's name: corrected from her row; the issued PV gets a version 2.
    page.get_by_role("tab", name="Candidats et jury").click()
    page.get_by_role("button", name="Corriger : Alice DURAND").click()
    dialog = _dialog(page)
    dialog.locator("input[name=last_name]").fill("Durant")
    dialog.get_by_role("button", name="Enregistrer la correction").click()
    status = page.locator("people-panel [role=status]")
    expect(status).to_have_text(
        "Alice DURAND : corrigé. Documents déjà émis : nouvelle version (Procès-verbal v2) ; "
        "les précédentes sont conservées."
    )
    expect(page.locator("table.people")).to_contain_text("Alice DURANT")
    screenshot(page, "organiser-correction")
    page.get_by_role("tab", name="Documents").click()
    expect(pv.locator("li[data-version='2']")).to_contain_text(
        "nom : « Durand » devient « Durant »"
    )
    second = pv.locator("li[data-version='2'] a").get_attribute("href")
    text = _pdf_text(page, second)
    assert "Alice DURANT" in text and "remplace la version 1" in text
    assert "Alice DURAND" in _pdf_text(page, first)  # the first version, as it was issued
    pdf = page.context.request.get(second).body()
    to_png(pdf, ARTIFACTS, "proces-verbal-corrige")
    # The codes sheet says the new name too.
    page.get_by_role("tab", name="Codes d'accès").click()
    expect(page.locator(".code-card", has_text="Alice DURANT")).to_have_count(1)


def test_ending_a_phase_early_and_closing_an_exam(make_server: Any, browser: Any) -> None:
    server = make_server(pack_id=PACK)
    page = new_page(browser, server)
    sign_in_with_password(page)
    _open(page, server, "live")
    for name in ("Alice DURAND", "Bruno PETIT"):
        row = page.locator("candidate-board tr", has_text=name)
        row.get_by_role("button", name=f"Démarrer : {name}").click()
        _dialog(page).get_by_role("button", name="Démarrer").click()
        expect(row.locator(".status-badge")).to_have_text("En cours")

    # The proctor ends Alice's preparation early: she finished reading.
    proctor = new_page(browser, server)
    assert server.day is not None
    sign_in_with_code(proctor, server.day.codes["proctor"], home="/surveillance")
    alice = proctor.locator("candidate-board tr", has_text="Alice DURAND")
    alice.get_by_role("button", name="Terminer la phase : Alice DURAND").click()
    dialog = _dialog(proctor)
    dialog.get_by_role("button", name="Terminer la phase").click()
    expect(dialog.locator(".error")).to_have_text("« Motif » est obligatoire.")
    dialog.get_by_label("Motif *").select_option("travail_termine")
    dialog.get_by_label("Commentaire *").fill("Lecture du dossier terminée.")
    dialog.get_by_role("button", name="Terminer la phase").click()
    expect(alice.locator("phase-clock .pc-label")).to_have_text("Appels")
    # During the calls the proctor no longer has these buttons; the organiser has.
    expect(alice.get_by_role("button", name="Clore l'épreuve : Alice DURAND")).to_have_count(0)
    expect(alice.get_by_role("button", name="Pause : Alice DURAND")).to_be_visible()
    proctor.context.close()

    bruno = page.locator("candidate-board tr", has_text="Bruno PETIT")
    bruno.get_by_role("button", name="Clore l'épreuve : Bruno PETIT").click()
    dialog = _dialog(page)
    options = dialog.locator("select option").all_text_contents()
    assert "Abandon du candidat — Pas de décision du jury pour cette session." in options
    assert any(o.startswith("Panne technique — Pas de décision") for o in options)
    dialog.get_by_label("Motif *").select_option("abandon")
    dialog.get_by_label("Commentaire *").fill("Malaise : le candidat quitte la salle à 9 h 40.")
    dialog.get_by_role("button", name="Clore l'épreuve").click()
    expect(bruno.locator(".status-badge")).to_have_text("Close : Abandon du candidat")
    expect(bruno.locator(".pause-reason")).to_contain_text(
        "Abandon du candidat : Malaise : le candidat quitte la salle à 9 h 40. — "
        "Abandon : pas de décision du jury"
    )
    expect(bruno.locator("phase-clock .pc-label")).to_have_text(re.compile("Close"))
    expect(bruno.get_by_role("button")).to_have_count(0)  # nothing left to do
    screenshot(page, "organiser-closed-exam")
    # Bruno's own page says his exam is over, without the staff's comment.
    cand = new_page(browser, server)
    sign_in_with_code(cand, server.day.codes["cand_b"], home="/candidat")
    expect(cand.locator("#done-title")).to_have_text("Épreuve close : Abandon du candidat")
    assert "Malaise" not in cand.content()
    cand.context.close()


def test_a_pack_chosen_later_a_past_start_and_a_removal(make_server: Any, browser: Any) -> None:
    server = make_server()  # the standard day, without a pack
    page = new_page(browser, server)
    sign_in_with_password(page)
    _open(page, server, "setup")
    chooser = page.locator("pack-chooser")
    expect(chooser).to_contain_text("Aucun pack")
    chooser.get_by_label("Pack de scénarios").select_option(PACK)
    chooser.get_by_role("button", name="Choisir ce pack").click()
    expect(page.locator("#session-sub")).to_contain_text(f"pack « {PACK} v")
    expect(chooser).to_contain_text("Pack figé")

    # Bruno did not come: removed before his start; his open page is signed out.
    assert server.day is not None
    bruno_page = new_page(browser, server)
    sign_in_with_code(bruno_page, server.day.codes["cand_b"], home="/candidat")
    page.get_by_role("button", name="Retirer : Bruno PETIT").click()
    dialog = _dialog(page)
    dialog.get_by_label("Motif *").fill("Absent à l'appel de 8 h 30.")
    dialog.get_by_role("button", name="Retirer").click()
    expect(page.locator("people-panel [role=status]")).to_have_text(
        "Bruno PETIT : retiré(e) de la session."
    )
    expect(page.locator("table.people")).not_to_contain_text("Bruno PETIT")
    expect(page.locator(".removed-people")).to_contain_text(
        "Bruno PETIT (Candidat) — Absent à l'appel de 8 h 30."
    )
    # His open page leaves by itself (its socket is closed 4401); a reload could race that
    # navigation (net::ERR_ABORTED), so wait for it, then come back: still signed out.
    bruno_page.wait_for_url("**/connexion*")
    bruno_page.goto("/candidat")
    bruno_page.wait_for_url("**/connexion*")
    bruno_page.context.close()

    # A planned start already past: refused, and « start now » offered instead.
    page.get_by_role("tab", name="Suivi en direct").click()
    row = page.locator("candidate-board tr", has_text="Alice DURAND")
    expect(page.locator("candidate-board tr", has_text="Bruno PETIT")).to_have_count(0)
    row.get_by_role("button", name="Planifier : Alice DURAND").click()
    dialog = _dialog(page)
    paris = ZoneInfo("Europe/Paris")  # the browser's time zone (new_page)
    past = (datetime.now(paris) - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")
    dialog.locator("input[type=datetime-local]").fill(past)
    dialog.get_by_role("button", name="Enregistrer").click()
    dialog = _dialog(page)
    expect(dialog).to_contain_text("Heure déjà passée")
    expect(dialog).to_contain_text("est déjà passée de 2")
    expect(dialog).to_contain_text("la préparation du candidat en serait amputée")
    screenshot(page, "organiser-past-start")
    dialog.get_by_role("button", name="Démarrer maintenant").click()
    expect(row.locator(".status-badge")).to_have_text("En cours")
    expect(row.locator("phase-clock .pc-time")).to_have_text(re.compile(r"^(1:00:00|59:\d\d)$"))

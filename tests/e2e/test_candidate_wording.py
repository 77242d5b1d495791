"""French wording on the candidate's page (issue 18): a phase change says what begins and what
the screen shows (not « Préparation : l'écran a changé. »), and a CRM action's confirmation agrees
with its noun (« Rappel planifié. », « Note enregistrée. »), not with the label's last letter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, new_page, sign_in_with_code
from tests.e2e.test_candidate_support import server_in_calls_phase, start_earlier

pytestmark = pytest.mark.browser


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    return server_in_calls_phase(make_server, tmp_path)


def test_phase_change_and_crm_confirmations_read_as_french(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    # Candidate B waits for the start; the organiser starts them: the notice says what begins.
    waiting = new_page(browser, server)
    sign_in_with_code(waiting, server.day.codes["cand_b"], home="/candidat")
    expect(waiting.locator("#view-waiting")).to_be_visible()
    server.call(start_earlier, server.ctx, server.day.ids["cand_b"], 0)
    expect(waiting.locator("#announce")).to_contain_text(
        "La préparation commence : le dossier de l'entreprise est affiché."
    )
    expect(waiting.locator("#announce")).not_to_contain_text("l'écran a changé")

    # Candidate A, in the calls phase: a callback, then a contact note, from the CRM record.
    page = new_page(browser, server)
    sign_in_with_code(page, server.day.codes["cand_a"], home="/candidat")
    page.get_by_role("searchbox", name="Rechercher une fiche").fill("ferrand")
    page.get_by_role("listbox", name="Fiches").get_by_text("Mme Odile Ferrand").click()
    record = page.locator("crm-record")
    record.get_by_role("button", name="Rappel / rendez-vous").click()
    dialog = page.locator("dialog.action-dialog[open]")
    dialog.get_by_label("Type").select_option("rappel")
    dialog.get_by_label("Objet").fill("Rappeler pour confirmer la livraison.")
    dialog.get_by_role("button", name="Planifier").click()
    expect(record.locator(".crm-msg")).to_have_text("Rappel planifié.")
    record.get_by_role("button", name="Note de contact").click()
    dialog = page.locator("dialog.action-dialog[open]")
    dialog.get_by_label("Note").fill("Cliente rappelée, livraison confirmée.")
    dialog.get_by_role("button", name="Enregistrer la note").click()
    expect(record.locator(".crm-msg")).to_have_text("Note enregistrée.")
    for p in (waiting, page):
        assert p.console_errors == [], p.console_errors

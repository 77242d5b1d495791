"""The proctor's console (issue 18): an incident says what happened (a paste: its length and
first characters), and « Prolonger » appears when the organiser allows proctors to extend a
phase, within the session's limit; the extension reads « prolongée de 7 min », not a time of
day."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from server.exams import overview
from tests.e2e.conftest import (
    LiveServer,
    new_page,
    screenshot,
    sign_in_with_code,
    sign_in_with_password,
)
from tests.e2e.test_proctor_console import start_earlier

pytestmark = pytest.mark.browser
PASTED = "Madame, suite à votre appel, nous vous confirmons le remboursement de vos soins dentaires"
# As the candidate's page reports it (softphone_web/js/cti/lockdown.js).
PASTE_DETAIL = f"Texte collé depuis l'extérieur (412 caractères) : « {PASTED}… »"


def test_the_proctor_reads_the_incident_and_extends_when_the_organiser_allows_it(
    live_server: LiveServer, browser: Any
) -> None:
    server = live_server
    assert server.day is not None
    alice = server.day.ids["cand_a"]
    server.call(start_earlier, server.ctx, alice, 10)  # 10 s into the préparation

    proctor = new_page(browser, server)
    sign_in_with_code(proctor, server.day.codes["proctor"], home="/surveillance")
    row = proctor.locator("candidate-board tr[data-candidate-id]", has_text="Alice DURAND")
    expect(row.locator(".status-badge")).to_have_text("En cours")
    assert row.get_by_role("button", name="Prolonger : Alice DURAND").count() == 0

    # A paste from outside: the row and the feed say what was pasted, and how much.
    server.call(
        overview.report_incident,
        server.ctx,
        candidate_id=alice,
        kind="paste",
        detail=PASTE_DETAIL,
        actor=f"candidate:{alice}",
    )
    detail = row.locator(".incident-list .incident-detail").first
    expect(detail).to_be_visible()
    expect(detail).to_contain_text("412 caractères")
    expect(detail).to_contain_text("« Madame, suite à votre appel")
    expect(proctor.locator("alert-feed")).to_contain_text(
        "Alice DURAND — Collage de texte extérieur — Texte collé depuis l'extérieur (412 caractères)"
    )

    # The organiser allows proctors to extend, 10 minutes at most at a time.
    orga = new_page(browser, server)
    sign_in_with_password(orga)
    orga.goto(f"/organisation#session={server.day.session_id}&tab=live")
    setting = orga.locator("proctor-extension")
    expect(setting.locator(".pe-status")).to_have_text(re.compile("^Non autorisé"))
    setting.get_by_label("Les surveillants peuvent prolonger").check()
    setting.get_by_label("Minutes au plus par prolongation").fill("10")
    setting.get_by_role("button", name="Enregistrer").click()
    expect(setting.locator(".pe-status")).to_have_text(
        "Autorisé : 10 min au plus par prolongation."
    )
    screenshot(orga, "organiser-prolongation-surveillants")

    # The proctor's open page offers « Prolonger » at once (the setting's event).
    extend = row.get_by_role("button", name="Prolonger : Alice DURAND")
    extend.click()
    dialog = proctor.locator("dialog.action-dialog")
    expect(dialog).to_contain_text("10 min au plus")
    assert dialog.get_by_label("Minutes").get_attribute("max") == "10"
    dialog.get_by_label("Minutes").fill("7")
    dialog.get_by_label("Motif").fill("Poste redémarré")
    dialog.get_by_role("button", name="Prolonger").click()
    expect(row.locator(".col-status")).to_contain_text("Phase prolongée de 7 min")
    expect(row.locator(".col-status")).not_to_contain_text("07:00")
    screenshot(proctor, "proctor")
    for page in (proctor, orga):
        assert page.console_errors == [], page.console_errors

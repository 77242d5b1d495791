"""The candidate's page through the phases, in Chromium at 1366×768: the waiting screen, the
preparation (dossier navigation and search, the notepad), the page changing by itself to the
calls phase, announced and without a reload, and the locked-down writing phase reporting a
pasted outside text and leaving full screen to the proctor and the jury."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from server.exams import timeline_service
from server.exams.overview import INCIDENT_LABELS
from tests.e2e.conftest import LiveServer, new_page, screenshot, sign_in_with_code
from tests.e2e.test_candidate_support import (
    CALLS,
    PREPARATION,
    events,
    listen,
    seed_with_pack,
    start_earlier,
    write_short_scenarios,
)

pytestmark = pytest.mark.browser
PREPARATION_LEFT = 600  # seconds of preparation left when the organiser starts her


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    srv = make_server(scenarios_dir=write_short_scenarios(tmp_path / "scenarios"), seed=False)
    srv.day = srv.call(seed_with_pack, srv.ctx)
    return srv


def candidate_page(browser: Any, server: LiveServer, label: str) -> Any:
    assert server.day is not None
    page = new_page(browser, server)
    sign_in_with_code(page, server.day.codes[label], home="/candidat")
    return page


def test_waiting_preparation_and_the_switch_to_calls(server: LiveServer, browser: Any) -> None:
    assert server.day is not None
    alice = server.day.ids["cand_a"]
    page = candidate_page(browser, server, "cand_a")
    expect(page.locator("#view-waiting")).to_be_visible()
    expect(page.get_by_role("heading", name="L'épreuve n'a pas commencé")).to_be_visible()
    expect(page.locator("#clock")).to_have_attribute("data-status", "not_started")
    screenshot(page, "candidate-attente")
    page.evaluate("window.__sameDocument = true")

    # The organiser starts her: 10 minutes of preparation left. The page follows by itself.
    server.call(start_earlier, server.ctx, alice, PREPARATION - PREPARATION_LEFT)
    expect(page.locator("#view-prep")).to_be_visible()
    expect(page.locator("#clock .pc-label")).to_have_text("Préparation")
    dossier = page.locator("#prep-dossier dossier-viewer")
    expect(dossier.locator("article.dossier-doc").first).to_be_visible()
    titles = dossier.locator(".toc-doc").all_text_contents()
    assert len(titles) == 7 and titles[0].startswith("Horizon Contact")
    assert any("Consignes" in t or "consignes" in t for t in titles)

    # Navigation: a section of another document comes into view.
    dossier.locator(".toc-section", has_text="Fibrélia").first.click()
    # In-page search: accents and case ignored, Entrée goes to the next match.
    search = dossier.get_by_role("searchbox", name="Rechercher dans le dossier")
    search.fill("fibrelia")
    search.press("Enter")
    count = dossier.locator(".dossier-count")
    expect(count).to_have_text("1 / " + str(dossier.locator("mark").count()))
    assert dossier.locator("mark").count() > 5
    search.press("Enter")
    expect(count).to_contain_text("2 / ")
    expect(dossier.locator("mark.current")).to_be_in_viewport()
    marked = dossier.locator("mark.current").text_content() or ""
    assert marked.lower() == "fibrélia"

    # The instructions have their own tab.
    page.get_by_role("tab", name="Consignes").click()
    consignes = page.locator("#prep-instructions dossier-viewer article.dossier-doc")
    expect(consignes).to_have_count(1)
    expect(consignes.locator("h1")).to_contain_text("Consignes")
    page.get_by_role("tab", name="Dossier").click()

    notes = page.locator("#view-prep note-pad textarea")
    notes.fill("Fibrélia : indemnité 5 € par jour après 48 h (art. 9 CGV)")
    screenshot(page, "candidate-preparation")

    # The preparation ends (the server's clock moved to its end): the calls phase, announced,
    # in the same document.
    server.jump(PREPARATION_LEFT)
    expect(page.locator("#view-calls")).to_be_visible(timeout=60_000)
    expect(page.locator("#announce")).to_contain_text("La phase d'appels commence")
    expect(page.locator("soft-phone")).to_be_visible()
    expect(page.locator("soft-phone .sp-state")).to_have_text("Libre")
    assert page.evaluate("window.__sameDocument") is True
    # The notepad came along, with its text.
    page.get_by_role("tab", name="Bloc-notes").click()
    expect(page.locator("#side-notes note-pad textarea")).to_have_value(
        "Fibrélia : indemnité 5 € par jour après 48 h (art. 9 CGV)"
    )
    screenshot(page, "candidate-appels")
    # It is kept on the server: a reload brings it back.
    page.reload()
    page.get_by_role("tab", name="Bloc-notes").click()
    expect(page.locator("#side-notes note-pad textarea")).to_have_value(
        "Fibrélia : indemnité 5 € par jour après 48 h (art. 9 CGV)"
    )
    expect(page.locator("#side-notes .note-status")).to_contain_text("Enregistré à")
    assert page.console_errors == []


def test_the_writing_phase_reports_outside_paste_and_leaving_full_screen(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    bruno = server.day.ids["cand_b"]
    server.call(start_earlier, server.ctx, bruno, PREPARATION + CALLS + 5)
    proctor = new_page(browser, server)
    sign_in_with_code(proctor, server.day.codes["proctor"], home="/surveillance")
    listen(proctor)

    page = candidate_page(browser, server, "cand_b")
    expect(page.locator("#view-writing")).to_be_visible()
    expect(page.locator("soft-phone")).to_be_hidden()
    expect(page.locator(".fs-ask")).to_be_visible()
    editor = page.locator("writing-editor").first
    expect(editor).to_be_visible()

    # A pause (here by the proctor's console's service): said on screen, the editors locked.
    run = timeline_service.run
    server.call(run, server.ctx, bruno, lambda t: t.pause("Panne de casque", by="t"), actor="t")
    expect(page.locator("#pause-banner")).to_contain_text("Épreuve en pause : Panne de casque")
    expect(editor.locator("textarea").last).to_have_attribute("readonly", "")
    server.call(run, server.ctx, bruno, lambda t: t.resume(by="t"), actor="t")
    expect(page.locator("#pause-banner")).to_be_hidden()
    expect(editor.locator("textarea").last).not_to_have_attribute("readonly", "")

    # Full screen on request; leaving it is reported.
    page.get_by_role("button", name="Passer en plein écran").click()
    page.wait_for_function("document.fullscreenElement !== null")
    expect(page.locator(".fs-ask")).to_be_hidden()
    page.evaluate("document.exitFullscreen()")
    page.wait_for_function("document.fullscreenElement === null")

    # Pasting a text copied inside the page is fine; a text from elsewhere is reported.
    body = editor.locator("textarea").last
    body.click()
    paste = """([text, own]) => {
        const area = document.activeElement;
        if (own) {
            area.value = text; area.select();
            document.dispatchEvent(new ClipboardEvent("copy", { bubbles: true }));
            area.dispatchEvent(new ClipboardEvent("copy", { bubbles: true }));
        }
        const data = new DataTransfer();
        data.setData("text/plain", text);
        area.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true }));
    }"""
    page.evaluate(paste, ["Texte déjà écrit ici", True])
    page.evaluate(paste, ["Madame, suite à votre appel, voici notre offre", False])
    expect(page.locator("#announce")).to_contain_text("Collage de texte extérieur signalé")

    proctor.wait_for_function(
        "() => window.__events.filter((e) => e.type === 'incident').length >= 2"
    )
    kinds = {e["kind"]: e for e in events(proctor, "incident")}
    assert set(kinds) == {"fullscreen_left", "paste"}
    assert kinds["paste"]["label"] == INCIDENT_LABELS["paste"]
    assert "Madame, suite à votre appel" in kinds["paste"]["detail"]
    screenshot(page, "candidate-redaction")

    # Calls are refused by the server in the writing phase, not only hidden.
    refused = page.evaluate(
        """() => window.plateau.socket.request({ type: "call.dial", number: "0241456307" })
            .then(() => "accepted", (err) => err.message)"""
    )
    assert refused == "Les appels ne sont possibles que pendant la phase « Appels »."
    assert page.console_errors == []


REFUSE_MICROPHONE = """
navigator.mediaDevices.getUserMedia = () =>
    Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
"""


def test_the_headset_check_shows_the_level_and_says_when_the_microphone_is_refused(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    server.call(start_earlier, server.ctx, server.day.ids["cand_a"], 60)
    page = candidate_page(browser, server, "cand_a")
    page.get_by_role("tab", name="Casque et micro").click()
    check = page.locator("#mic-prep")
    check.get_by_role("button", name="Tester le micro").click()
    # Chromium's fake microphone plays a beep: the meter moves and the check says so.
    expect(check).to_have_attribute("data-state", "heard")
    expect(check.locator(".mic-status")).to_have_text("Le micro fonctionne.")
    assert check.locator("select option").count() >= 1
    screenshot(page, "candidate-casque")

    refused = new_page(browser, server)
    refused.add_init_script(REFUSE_MICROPHONE)
    sign_in_with_code(refused, server.day.codes["cand_a"], home="/candidat")
    refused.get_by_role("tab", name="Casque et micro").click()
    refused.locator("#mic-prep").get_by_role("button", name="Tester le micro").click()
    status = refused.locator("#mic-prep .mic-status")
    expect(status).to_contain_text("Le navigateur refuse l'accès au micro")
    expect(refused.locator("#mic-prep")).to_have_attribute("data-state", "refused")
    expect(refused.locator("#mic-prep").get_by_role("button", name="Réessayer")).to_be_visible()

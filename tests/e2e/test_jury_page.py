"""The jury's page (/jury), end to end in Chromium against the real server, with three pages:
the candidate's (fake microphone at 440 Hz), the client juror's (another browser, fake
microphone at 1000 Hz) and the observer's. The client juror calls from the run sheet, the
candidate answers, each hears the other, the observer hears the live mix; hold, resume and
hang-up from the juror's phone; the chat simulation is played from the juror's page and seen
by the candidate and in the observer's transcript."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import LiveServer, http, new_page, screenshot, sign_in_with_code
from tests.e2e.test_call_recording import tone_file
from tests.e2e.test_candidate_support import (
    seed_with_pack,
    server_in_calls_phase,
    write_short_scenarios,
)
from tests.e2e.test_jury_review_components import (
    mark_every_competence,
    replies_then_past_writing,
)

pytestmark = pytest.mark.browser
INBOUND = "s03-assistance-fibre"  # M. Karim Haddad
CHAT = "s04-chat-conseil-haie"


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    return server_in_calls_phase(make_server, tmp_path)


def meter_moves(page: Any, selector: str) -> None:
    page.wait_for_function(f"Number(document.querySelector({selector!r})?.dataset.level || 0) > 10")


def inbound_energy(page: Any, expression: str) -> float:
    """The total audio energy received so far by the RTCPeerConnection `expression`."""
    return float(
        page.evaluate(
            f"""async () => {{
                const pc = {expression};
                if (!pc) return 0;
                let energy = 0;
                (await pc.getStats()).forEach((r) => {{
                    if (r.type === "inbound-rtp" && r.kind === "audio") energy += r.totalAudioEnergy || 0;
                }});
                return energy;
            }}"""
        )
    )


def test_the_client_juror_plays_the_customer_and_the_observer_listens(
    server: LiveServer, launch_browser: Any, tmp_path: Path
) -> None:
    assert server.day is not None
    candidate_browser = launch_browser(fake_audio=tone_file(tmp_path / "cand.wav", 440.0))
    juror_browser = launch_browser(fake_audio=tone_file(tmp_path / "client.wav", 1000.0))

    cand = new_page(candidate_browser, server)
    sign_in_with_code(cand, server.day.codes["cand_a"], home="/candidat")
    cand_phone = cand.locator("soft-phone")
    expect(cand_phone).to_have_attribute("data-audio", "connected")

    client = new_page(juror_browser, server)
    sign_in_with_code(client, server.day.codes["client_a"], home="/jury")
    expect(client.locator("#client-console")).to_be_visible()
    expect(client.locator("#observer-console")).to_be_hidden()
    expect(client.locator("#client-title")).to_contain_text("Client —")
    phone = client.locator("jury-softphone")
    expect(phone).to_have_attribute("data-audio", "connected")

    # The run sheet: nine simulations; the inbound one selected shows its card and « Appeler ».
    sheet = client.locator("run-sheet")
    expect(sheet.locator(".rs-item")).to_have_count(9)
    sheet.locator(f'[data-id="{INBOUND}"]').click()
    expect(client.locator("juror-card")).to_contain_text("Karim Haddad")
    phone.get_by_role("button", name="Appeler le candidat").click()
    expect(phone.locator(".jsp-status")).to_have_text("Sonnerie…")
    expect(cand_phone.locator(".sp-state")).to_have_text("Sonnerie")
    cand.keyboard.press("Alt+r")  # the candidate answers
    expect(cand_phone.locator(".sp-state")).to_have_text("En ligne")
    expect(phone.locator(".jsp-status")).to_have_text(re.compile(r"^En ligne \d\d:\d\d$"))
    expect(sheet.locator(f'[data-id="{INBOUND}"] .rs-state')).to_have_text("En cours")

    # Each hears the other: the juror's « Candidat » meter and the candidate's « Écoute » meter.
    meter_moves(client, "jury-softphone level-meter:last-of-type")
    meter_moves(cand, "soft-phone .sp-level:last-child level-meter")

    # The observer opens the page: the observer's console, and the live mix once « Écouter ».
    observer = new_page(candidate_browser, server)
    sign_in_with_code(observer, server.day.codes["observer_a"], home="/jury")
    expect(observer.locator("#observer-console")).to_be_visible()
    expect(observer.locator("#client-console")).to_be_hidden()
    listen = observer.locator("live-listen")
    listen.get_by_role("button", name=re.compile("Écouter")).click()
    observer.wait_for_function(
        "document.querySelector('live-listen').peerConnection?.connectionState === 'connected'",
    )
    first = inbound_energy(observer, "document.querySelector('live-listen').peerConnection")
    observer.wait_for_timeout(1500)
    assert inbound_energy(observer, "document.querySelector('live-listen').peerConnection") > first
    screenshot(client, "jury-client-en-ligne")

    # While listening, the observer's grid follows the call: marks with the keyboard (saved at
    # once) and a note pinned to the moment of the call.
    grid = observer.locator("evaluation-grid")
    expect(grid.locator(".eg-part-select")).to_have_value(INBOUND)
    crits = grid.locator(".eg-crit")
    crits.nth(0).focus()
    observer.keyboard.press("a")
    observer.keyboard.press("ArrowDown")
    observer.keyboard.press("n")
    for i, value in enumerate(["acquis", "non_acquis"]):
        expect(crits.nth(i)).to_have_attribute("data-value", value)
        expect(crits.nth(i)).to_have_attribute("data-pending", "false")
    notes = grid.locator("pinned-notes")
    notes.get_by_label("Note à épingler au moment de l'appel").fill("Reformule bien le besoin")
    notes.get_by_role("button", name="Épingler la note").click()
    expect(notes.locator(".pn-note").first.locator(".pn-offset")).to_have_text(
        re.compile(r"^00:\d\d dans l'appel$")
    )
    screenshot(observer, "jury-observateur-en-direct-page")

    # The candidate puts the customer on hold (the customer's phone cannot) and resumes, then
    # the customer hangs up: the run sheet marks the simulation done.
    expect(phone.get_by_role("button", name="Mettre en attente")).to_have_count(0)
    cand.keyboard.press("Alt+a")
    expect(phone.locator(".jsp-status")).to_have_text(re.compile(r"^En attente \d\d:\d\d$"))
    expect(cand_phone.locator(".sp-state")).to_have_text("En attente")
    cand.keyboard.press("Alt+a")
    expect(phone.locator(".jsp-status")).to_have_text(re.compile("^En ligne"))
    phone.get_by_role("button", name="Raccrocher").click()
    expect(phone.locator(".jsp-status")).to_have_text("Libre")
    expect(cand_phone.locator(".sp-state")).to_have_text("Clôture")
    expect(sheet.locator(f'[data-id="{INBOUND}"] .rs-state')).to_have_text("Faite")

    # The chat simulation, played from the juror's page; the candidate answers; the observer
    # reads both in the live transcript.
    sheet.locator(f'[data-id="{CHAT}"]').click()
    chat = client.locator("#client-chat")
    expect(chat).to_be_visible()
    expect(phone.get_by_role("button", name="Appeler le candidat")).to_be_hidden()
    hello = "Bonjour, je voudrais planter une haie champêtre, que me conseillez-vous ?"
    chat.get_by_label("Votre message").fill(hello)
    chat.get_by_label("Votre message").press("Enter")
    expect(chat.locator(".chat-msg.from-me")).to_contain_text("haie champêtre")
    expect(chat.get_by_label("Votre message")).to_have_value("")
    # The customer opened the conversation: « En cours » until the candidate has answered.
    expect(sheet.locator(f'[data-id="{CHAT}"] .rs-state')).to_have_text("En cours")
    cand.get_by_role("tab", name="Chat").click()
    cand_chat = cand.locator("chat-window")
    expect(cand_chat.locator(".chat-msg.from-them")).to_contain_text(hello)
    cand_chat.get_by_label("Votre message").fill("Bonjour Madame, notre kit haie à 69 €.")
    cand_chat.get_by_label("Votre message").press("Enter")
    expect(chat.locator(".chat-msg.from-them")).to_contain_text("kit haie à 69 €")
    expect(chat.locator(".chat-msg.from-them .chat-meta")).to_contain_text("Candidat")
    transcript = observer.locator("#observer-chat")
    expect(transcript.locator(".chat-msg")).to_have_count(2)
    expect(transcript.locator(".chat-msg.from-author-candidate")).to_contain_text("69 €")
    # Both sides wrote: played (server/progress/domain.py), as the server says once it is asked.
    expect(sheet.locator(f'[data-id="{CHAT}"] .rs-state')).to_have_text("Faite")

    # A reload of the juror's page: the same candidate, the conversation, the run sheet states.
    client.reload()
    expect(client.locator("#client-console")).to_be_visible()
    expect(sheet.locator(f'[data-id="{INBOUND}"] .rs-state')).to_have_text("Faite")
    sheet.locator(f'[data-id="{CHAT}"]').click()
    expect(chat.locator(".chat-msg")).to_have_count(2)
    screenshot(client, "jury-client-chat")
    for page in (client, observer, cand):
        assert page.console_errors == [], page.console_errors


@pytest.fixture
def server_after_writing(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    """Candidate A's calls and writing over (replies saved), the interviews to come."""
    srv = make_server(scenarios_dir=write_short_scenarios(tmp_path / "scenarios"), seed=False)
    srv.day = srv.call(seed_with_pack, srv.ctx)
    srv.call(replies_then_past_writing, srv.ctx, srv.day.ids["cand_a"])
    return srv


def test_both_jurors_sign_from_the_jury_page_and_the_grid_pdf_holds_the_marks(
    server_after_writing: LiveServer, browser: Any
) -> None:
    server = server_after_writing
    assert server.day is not None
    cid = server.day.ids["cand_a"]
    observer = new_page(browser, server)
    sign_in_with_code(observer, server.day.codes["observer_a"], home="/jury")
    client = new_page(browser, server)
    sign_in_with_code(client, server.day.codes["client_a"], home="/jury")

    # The observer marks two criteria of the first simulation and writes a comment.
    grid = observer.locator("evaluation-grid")
    grid.locator(".eg-part-select").select_option(index=0)
    crits = grid.locator(".eg-crit")
    first_text = " ".join(crits.nth(0).locator(".eg-text").inner_text().split())
    crits.nth(0).focus()
    observer.keyboard.press("a")
    observer.keyboard.press("ArrowDown")
    observer.keyboard.press("n")
    observer.keyboard.press("Enter")
    observer.keyboard.type("Oublie de reformuler la demande.")
    observer.keyboard.press("Control+Enter")
    expect(crits.nth(1).locator(".eg-comment-text")).to_have_text(
        "« Oublie de reformuler la demande. »"
    )
    expect(crits.nth(1)).to_have_attribute("data-pending", "false")
    part = grid.locator(".eg-part-select").input_value()

    # The interviews, opened and closed from the page's buttons.
    for label in ("l'entretien technique", "l'entretien final"):
        observer.get_by_role("button", name=f"Ouvrir {label}").click()
        observer.get_by_role("button", name=f"Clore {label}").click()
        expect(observer.get_by_role("button", name=f"Clore {label}")).to_be_hidden()

    # The rest of the grid, the file's pieces and the proposal (the panels' own tests drive
    # their forms), then each juror signs from their own console.
    mark_every_competence(observer, cid, skip=frozenset({part}))
    kinds = {"kinds": ["dossier_professionnel", "resultats_formation"]}
    assert (
        http(observer, "PUT", f"/api/candidates/{cid}/certification/evidence", kinds)["status"]
        == 200
    )
    proposal = {
        "competences": {f"CP{i}": "acquise" for i in range(1, 10)},
        "ccps": {"CCP1": "obtenu", "CCP2": "obtenu"},
        "title": "obtenu",
        "justification": "Maîtrise des deux activités, reformulation à travailler.",
    }
    put = http(observer, "PUT", f"/api/candidates/{cid}/evaluation/deliberation", proposal)
    assert put["status"] == 200, put
    observer.get_by_role("tab", name="Délibération").click()
    observer.get_by_role("button", name="Signer la version 1").click()
    observer.get_by_role("button", name="Confirmer la signature").click()
    client.get_by_role("tab", name="Délibération").click()
    panel = client.locator("#client-deliberation")
    expect(panel.locator(".dp-sign-list")).to_contain_text("Juré observateur : signé le")
    panel.get_by_role("button", name="Signer la version 1").click()
    panel.get_by_role("button", name="Confirmer la signature").click()
    for locked in (panel, observer.locator("#deliberation")):
        expect(locked).to_have_attribute("data-locked", "true")
        expect(locked.locator(".dp-decision .dp-outcome-line")).to_contain_text("Titre obtenu")

    # The grid as a PDF from the client juror's documents: criteria word for word, the marks,
    # the comment, the signed deliberation.
    screenshot(client, "jury-deliberation-signee")
    client.get_by_role("tab", name="Documents").click()
    docs = client.locator("#client-documents")
    expect(docs.locator(".dc-item").first).to_contain_text("définitive")
    with client.expect_download(timeout=60_000) as info:
        docs.locator("a", has_text="Grille d'évaluation (PDF)").click()
    pdf = Path(info.value.path()).read_bytes()
    text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages
    )
    assert first_text in text
    assert "Non acquis" in text and "Oublie de reformuler la demande." in text
    assert "reformulation à travailler" in text and "signée par les deux jurés" in text
    for page in (client, observer):
        assert page.console_errors == [], page.console_errors

"""The jurors' pages during the calls (issue 18, « Jurors' pages »), in Chromium against the real
server: the client juror's phone says what the call is at each moment and its « Candidat » meter
does not move with the hold tone; the observer's grid follows the chat simulation as it follows
calls, and a competence's badge waits for its criteria before saying « non acquise »; the
« Commentaire » buttons are readable.

The candidate acts through a signed-in socket of their own (answer, hold, resume, chat)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, new_page, screenshot, sign_in_with_code
from tests.e2e.test_candidate_support import server_in_calls_phase
from tests.e2e.test_jury_observer_components import ack, actor

pytestmark = pytest.mark.browser
INBOUND = "s03-assistance-fibre"  # M. Karim Haddad
CHAT = "s04-chat-conseil-haie"


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    return server_in_calls_phase(make_server, tmp_path)


def peer_energy(page: Any, expression: str) -> float:
    """The audio energy received so far by the RTCPeerConnection `expression`."""
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


def sample_levels(page: Any, selector: str, times: int = 20, every_ms: int = 100) -> list[int]:
    out = []
    for _ in range(times):
        out.append(int(page.evaluate(f"() => Number(document.querySelector({selector!r}).dataset.level || 0)")))
        page.wait_for_timeout(every_ms)
    return out


def test_the_client_jurors_phone_follows_the_call_and_the_hold_tone_is_not_the_candidate(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    cid = server.day.ids["cand_a"]
    cand = actor(browser, server, "cand_a", "/candidat")
    client = new_page(browser, server)
    sign_in_with_code(client, server.day.codes["client_a"], home="/jury")
    phone = client.locator("jury-softphone")
    expect(phone).to_have_attribute("data-audio", "connected", timeout=20_000)
    detail = phone.locator(".jsp-detail")
    status = phone.locator(".jsp-status")
    ear = "jury-softphone level-meter:last-of-type"

    client.locator("run-sheet").locator(f'[data-id="{INBOUND}"]').click()
    phone.get_by_role("button", name="Appeler le candidat").click()
    expect(status).to_have_text("Sonnerie…")
    expect(detail).to_have_text("Vous appelez le candidat : son poste sonne.")
    call = next(c for c in phone.evaluate("(p) => p.calls") if c["state"] == "sonnerie")

    # Answered: the phone says the conversation, no longer « Vous appelez… ».
    ack(cand, {"type": "call.answer", "call_id": call["id"]})
    expect(status).to_have_text(re.compile(r"^En ligne \d\d:\d\d$"))
    expect(detail).to_have_text("En ligne avec le candidat (vous l'avez appelé).")

    # On hold: the customer hears the hold tone (it arrives on the juror's peer), the phone says
    # the candidate put them on hold, and the « Candidat » meter stays at zero: it is not the
    # candidate speaking.
    ack(cand, {"type": "call.hold", "call_id": call["id"]})
    expect(status).to_have_text(re.compile(r"^En attente \d\d:\d\d$"))
    expect(detail).to_have_text("Le candidat vous a mis en attente : vous entendez la musique d'attente.")
    pc = "document.querySelector('jury-softphone').peerConnection"
    before = peer_energy(client, pc)
    levels = sample_levels(client, ear)
    assert peer_energy(client, pc) > before, "the hold tone should reach the client juror"
    assert max(levels) == 0, levels
    expect(phone.locator(".jsp-ear-label")).to_have_text("Candidat (en attente)")
    screenshot(client, "jury-client-en-attente")

    ack(cand, {"type": "call.resume", "call_id": call["id"]})
    expect(detail).to_have_text("En ligne avec le candidat (vous l'avez appelé).")
    expect(phone.locator(".jsp-ear-label")).to_have_text("Candidat")
    phone.get_by_role("button", name="Raccrocher").click()
    expect(status).to_have_text("Libre")
    assert client.console_errors == [], client.console_errors

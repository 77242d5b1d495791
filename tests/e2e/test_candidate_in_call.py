"""The candidate's softphone bar in a call with the client juror's page, both in Chromium with
fake microphones (issue 18): the meters show the real levels of the audio each page receives
(measured by WebRTC, even when the browser holds Web Audio back until a gesture); the ringing
bar names the line (the principal, as a CTI shows the DNIS) and, after a reload mid-call, the
caller; on hold the advisor hears silence (not the hold tone meant for the customer) and sees
how long the customer has been waiting."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, new_page, screenshot, sign_in_with_code
from tests.e2e.test_call_recording import tone_file
from tests.e2e.test_candidate_layout import no_small_text
from tests.e2e.test_candidate_support import server_in_calls_phase

pytestmark = pytest.mark.browser
INBOUND = "s03-assistance-fibre"  # M. Karim Haddad, on the Fibrélia line
EAR = "soft-phone .sp-level:last-child level-meter"
JUROR_EAR = "jury-softphone level-meter:last-of-type"

# Chrome's autoplay policy: an AudioContext made before any gesture on the page stays
# suspended. This browser keeps every one suspended, whatever the page does.
WEB_AUDIO_HELD_BACK = """(() => {
    const Original = window.AudioContext;
    window.AudioContext = class extends Original {
        constructor(options) { super(options); super.suspend(); }
        resume() { return Promise.resolve(); }
    };
})();"""


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    return server_in_calls_phase(make_server, tmp_path)


def level(page: Any, selector: str) -> int:
    return int(page.evaluate(f"Number(document.querySelector({selector!r})?.dataset.level || 0)"))


def meter_above(page: Any, selector: str, threshold: int = 10) -> None:
    page.wait_for_function(
        f"Number(document.querySelector({selector!r})?.dataset.level || 0) > {threshold}",
    )


def meter_quiet(page: Any, selector: str) -> None:
    """The meter stays at zero for 2.5 s running: longer than the hold tone's silent gap (its
    two notes come every 2 s), so a meter fed the tone cannot pass."""
    zeros, readings = 0, []
    for _ in range(100):  # at most ~25 s, for a loaded machine
        readings.append(level(page, selector))
        zeros = zeros + 1 if readings[-1] == 0 else 0
        if zeros >= 10:
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"the meter never stayed at zero: {readings}")


def test_meters_line_name_and_hold_on_the_candidates_bar(
    server: LiveServer, launch_browser: Any, tmp_path: Path
) -> None:
    assert server.day is not None
    cand_browser = launch_browser(fake_audio=tone_file(tmp_path / "cand.wav", 440.0))
    juror_browser = launch_browser(fake_audio=tone_file(tmp_path / "client.wav", 1000.0))
    cand = new_page(cand_browser, server)
    cand.add_init_script(WEB_AUDIO_HELD_BACK)
    sign_in_with_code(cand, server.day.codes["cand_a"], home="/candidat")
    bar = cand.locator("soft-phone")
    expect(bar).to_have_attribute("data-audio", "connected")

    client = new_page(juror_browser, server)
    client.add_init_script(WEB_AUDIO_HELD_BACK)
    sign_in_with_code(client, server.day.codes["client_a"], home="/jury")
    phone = client.locator("jury-softphone")
    expect(phone).to_have_attribute("data-audio", "connected")
    client.locator("run-sheet").locator(f'[data-id="{INBOUND}"]').click()
    phone.get_by_role("button", name="Appeler le candidat").click()

    # Ringing: the bar names the line that rings, beside the caller's number and name.
    expect(bar.locator(".sp-state")).to_have_text("Sonnerie")
    expect(bar.locator(".sp-line")).to_have_text("Ligne Fibrélia")
    expect(bar.locator(".sp-number")).to_have_text("← 06 71 33 58 20")
    expect(bar.locator(".sp-who")).to_have_text("M. Karim Haddad")
    screenshot(cand, "candidate-appels-sonnerie")
    cand.keyboard.press("Alt+r")
    expect(bar.locator(".sp-state")).to_have_text("En ligne")

    # Each meter shows what its page receives: the candidate hears the client, the client
    # juror hears the candidate.
    meter_above(cand, EAR)
    meter_above(client, JUROR_EAR)
    screenshot(cand, "candidate-appels-en-ligne")

    # Hold: the advisor hears nobody (the tone is the customer's), and sees the waiting time.
    bar.get_by_role("button", name="Attente").click()
    expect(bar.locator(".sp-state")).to_have_text("En attente")
    meter_quiet(cand, EAR)
    expect(bar.locator(".sp-held")).to_have_text(re.compile(r"^Attente \d\d:0[1-9]$"))
    screenshot(cand, "candidate-appels-attente")
    no_small_text(cand, "appels, en attente")
    bar.get_by_role("button", name="Reprendre").click()
    expect(bar.locator(".sp-state")).to_have_text("En ligne")
    expect(bar.locator(".sp-held")).to_be_hidden()
    meter_above(cand, EAR)

    # A reload mid-call: the line and the caller's name are still on the bar.
    cand.reload()
    expect(bar.locator(".sp-state")).to_have_text("En ligne")
    expect(bar.locator(".sp-line")).to_have_text("Ligne Fibrélia")
    expect(bar.locator(".sp-who")).to_have_text("M. Karim Haddad")
    meter_above(cand, EAR)
    assert cand.console_errors == [] and client.console_errors == []

"""The candidate's workstation at 1366×768 in Chromium (issue 18): the writing pane's dossier
with its search box, the letter editor's sender and recipient boxes, no text under 12 px on
any view, the microphone check listing the devices before the test, and no error in the
console (uncaught or logged) across the préparation, the calls, the writing and the end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, new_page, screenshot, sign_in_with_code
from tests.e2e.test_candidate_support import (
    CALLS,
    PREPARATION,
    seed_with_pack,
    start_earlier,
    write_short_scenarios,
)
from tests.e2e.waiting import wait_for_async

pytestmark = pytest.mark.browser
LEFT = 25  # seconds of the 1-minute writing phase left when the page opens

SMALL_TEXT = """() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent.trim();
        const box = n.parentElement;
        if (!text || !box || !box.offsetParent && getComputedStyle(box).position !== "fixed") continue;
        const r = box.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const size = parseFloat(getComputedStyle(box).fontSize);
        if (size < 12) out.push(`${box.tagName.toLowerCase()}.${box.className} « ${text.slice(0, 30)} » ${size}px`);
    }
    for (const input of document.querySelectorAll("input, textarea, select, button")) {
        if (!input.offsetParent) continue;
        const size = parseFloat(getComputedStyle(input).fontSize);
        if (size < 12) out.push(`${input.tagName.toLowerCase()}[${input.name || input.className}] ${size}px`);
    }
    return out;
}"""


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    srv = make_server(scenarios_dir=write_short_scenarios(tmp_path / "scenarios"), seed=False)
    srv.day = srv.call(seed_with_pack, srv.ctx)
    return srv


def console_errors(page: Any) -> list[str]:
    """Every error the console shows: uncaught ones (page.console_errors) and those logged (a
    failed request, the browser's own /favicon.ico one included…)."""
    logged: list[str] = []
    page.on("console", lambda m: m.type == "error" and logged.append(f"{m.text} {m.location}"))
    page.on("response", lambda r: r.status >= 400 and logged.append(f"{r.status} {r.url}"))
    return logged


def no_small_text(page: Any, where: str) -> None:
    small = page.evaluate(SMALL_TEXT)
    assert small == [], f"{where}: text under 12 px: {small}"


def inside_viewport(page: Any, locator: Any) -> None:
    box = locator.bounding_box()
    assert box is not None, "not on screen"
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= 1366 and box["y"] + box["height"] <= 768, box


def test_the_writing_pane_at_1366x768_and_no_console_error_to_the_end(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    bruno = server.day.ids["cand_b"]
    server.call(start_earlier, server.ctx, bruno, PREPARATION + CALLS + 60 - LEFT)
    page = new_page(browser, server)
    logged = console_errors(page)
    sign_in_with_code(page, server.day.codes["cand_b"], home="/candidat")
    expect(page.locator("#writing-main")).to_have_attribute("data-loaded", "true")
    no_small_text(page, "rédaction")

    # The dossier beside the replies: its search box is on screen and searches.
    search = page.locator("#writing-dossier").get_by_role("searchbox")
    expect(search).to_be_visible()
    inside_viewport(page, search)
    search.fill("échéancier")
    current = page.locator("#writing-dossier mark.current")
    expect(current).to_be_visible()
    # The match is shown in the dossier's text, below the search bar, not under it.
    text = page.locator("#writing-dossier .dossier-body").bounding_box()
    bar = page.locator("#writing-dossier .dossier-search").bounding_box()
    hit = current.bounding_box()
    assert text and bar and hit
    assert bar["y"] + bar["height"] <= text["y"] + 1, (bar, text)
    assert text["y"] <= hit["y"] and hit["y"] + hit["height"] <= text["y"] + text["height"]

    # The letter: sender and recipient boxes show a whole address (several lines).
    page.locator("#writing-main [role='tab']").nth(2).click()
    letter = page.locator("#writing-main writing-editor").nth(2)
    for name in ("sender", "recipient"):
        box = letter.locator(f"[name='{name}']")
        expect(box).to_be_visible()
        inside_viewport(page, box)
        size = box.bounding_box()
        assert size is not None and size["height"] >= 60 and size["width"] >= 200, (name, size)
    letter.locator("[name='recipient']").fill("M. Julien Lebrun\n22 rue Saint-Lazare\n49100 Angers")
    screenshot(page, "candidate-redaction")

    # The deadline (the server's clock moved to it, once the address typed is saved: a save
    # still on its way at the deadline is refused, 409, and logged — tests/e2e/
    # test_candidate_writing.py): the end view, and not one error in the console on the way.
    wait_for_async(
        page,
        """(cid) => fetch(`/api/candidates/${cid}/writing/drafts`).then((r) => r.json())
            .then((d) => d.drafts.some((x) => (x.content.recipient || "").endsWith("49100 Angers")))""",
        bruno,
        what="the address typed saved on the server",
    )
    server.jump(LEFT)
    expect(page.locator("#view-done")).to_be_visible(timeout=60_000)
    page.wait_for_timeout(3000)  # the saves that follow the freeze
    no_small_text(page, "fin")
    assert page.console_errors == [] and logged == []


def test_the_preparation_and_calls_views_and_the_microphone_list_before_the_test(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    alice = server.day.ids["cand_a"]
    server.call(start_earlier, server.ctx, alice, 30)
    page = new_page(browser, server)
    logged = console_errors(page)
    sign_in_with_code(page, server.day.codes["cand_a"], home="/candidat")
    expect(page.locator("#view-prep")).to_be_visible()
    no_small_text(page, "préparation")
    page.get_by_role("tab", name="Casque et micro").click()
    check = page.locator("#prep-mic headset-check")
    # The microphones are listed before any test (to choose the headset's first).
    expect(check.get_by_label("Micro du casque").locator("option").first).to_be_attached()
    assert int(check.get_attribute("data-devices") or 0) >= 1
    assert check.get_attribute("data-state") == "idle"
    check.get_by_role("button", name="Tester le micro").click()
    expect(check).to_have_attribute("data-state", "heard")
    screenshot(page, "candidate-preparation")
    assert page.console_errors == [] and logged == []


def test_the_writing_page_keeps_saying_the_connection_is_lost_while_it_is(
    server: LiveServer, browser: Any
) -> None:
    """A save that cannot reach the server: « Connexion perdue » stays, typing more does not
    turn it into « Modifications non enregistrées… »; back online, the text is saved."""
    assert server.day is not None
    bruno = server.day.ids["cand_b"]
    server.call(start_earlier, server.ctx, bruno, PREPARATION + CALLS + 5)
    page = new_page(browser, server)
    sign_in_with_code(page, server.day.codes["cand_b"], home="/candidat")
    expect(page.locator("#writing-main")).to_have_attribute("data-loaded", "true")
    page.route("**/writing/drafts/**", lambda route: route.abort())
    body = page.locator("#writing-main writing-editor").nth(0).locator("[name='body']")
    body.fill("Monsieur,")
    body.blur()  # saved at once: fails
    status = page.locator("#save-status")
    expect(status).to_contain_text("Connexion perdue")
    # Each keystroke while it is lost: read at once, the message is still the truth.
    body.press("End")
    for key in " suite à votre appel":
        body.type(key)
        assert "Connexion perdue" in status.inner_text()
    page.unroute("**/writing/drafts/**")
    body.type(",")
    body.blur()
    expect(status).to_contain_text("Enregistré à")

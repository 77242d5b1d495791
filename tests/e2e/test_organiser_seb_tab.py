"""The organiser's Safe Exam Browser tab (issue 18), laid out at 1366×768: the checkbox beside
its label, fields of a readable width, the file's link as a button, the Config Key on its own
line without running out of the panel, nothing under 12 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, new_page, screenshot, sign_in_with_password

pytestmark = pytest.mark.browser


def box(locator: Any) -> dict[str, float]:
    b = locator.bounding_box()
    assert b is not None
    return b


def test_the_seb_tab_is_laid_out(live_server: LiveServer, browser: Any) -> None:
    server = live_server
    assert server.day is not None
    page = new_page(browser, server)
    sign_in_with_password(page)
    page.goto(f"/organisation#session={server.day.session_id}&tab=seb")
    panel = page.locator("seb-panel")
    expect(panel.get_by_role("heading", name="Safe Exam Browser")).to_be_visible()

    # The checkbox sits at the start of its label's line, not stretched across the panel.
    check = panel.get_by_label("Exiger Safe Exam Browser pendant les phases verrouillées")
    label = panel.locator("label.seb-check")

    def misalignment() -> float:
        return abs(
            box(check)["y"]
            + box(check)["height"] / 2
            - (box(label)["y"] + box(label)["height"] / 2)
        )

    # The panel is laid out as its data arrives: measured once it has settled (a generous
    # wait for a loaded machine, not a speed claim).
    for _ in range(150):
        if misalignment() < 12:
            break
        page.wait_for_timeout(100)
    assert box(check)["width"] < 40, box(check)
    assert misalignment() < 12, (box(check), box(label))

    # Set it: the file's link and the details appear.
    check.check()
    panel.get_by_label("Mot de passe de sortie de SEB (pour les surveillants)").fill("Sortie-2026!")
    panel.get_by_role("button", name="Enregistrer").click()
    link = panel.get_by_role("link", name="Télécharger le fichier .seb de la session")
    expect(link).to_be_visible()
    # A button-like link, the details within the panel, nothing under 12 px.
    style = link.evaluate(
        "(e) => { const s = getComputedStyle(e); return [s.display, s.borderStyle, s.paddingTop]; }"
    )
    assert style[0] in {"inline-block", "inline-flex", "block", "flex"} and style[1] != "none", (
        style
    )
    outer = box(panel)
    for part in (panel.locator(".seb-details"), panel.locator("form"), link):
        b = box(part)
        assert b["x"] >= outer["x"] and b["x"] + b["width"] <= outer["x"] + outer["width"] + 1, b
        assert b["y"] >= outer["y"] and b["y"] + b["height"] <= outer["y"] + outer["height"] + 1, b
    small = panel.evaluate(
        """(root) => [...root.querySelectorAll('*')].filter((e) => e.offsetParent !== null && e.textContent.trim()
            && parseFloat(getComputedStyle(e).fontSize) < 12).map((e) => e.className || e.tagName)"""
    )
    assert small == [], small
    # « Enregistrer » right under the fields, at its own width.
    save = box(panel.get_by_role("button", name="Enregistrer"))
    password = box(panel.locator("input[type=password]"))
    assert save["width"] < 250 and save["y"] - (password["y"] + password["height"]) < 40, (
        save,
        password,
    )
    # The fields read at a sensible width beside the panel (not the whole screen).
    assert box(panel.locator("input[type=url]"))["width"] <= 640
    screenshot(page, "organiser-seb")
    assert page.console_errors == [], page.console_errors

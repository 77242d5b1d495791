"""The sign-in page itself: an access code typed in its form, the link with `?code=` that the
printed code sheets carry, a wrong code refused in French, and the organiser's password. The
other browser tests sign in through the same API without loading this page
(`sign_in_with_code` in tests/e2e/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ORGANISER_USERNAME, LiveServer, new_page
from tests.harness import ORGANISER_PASSWORD

pytestmark = pytest.mark.browser


def test_a_typed_code_a_code_link_a_wrong_code_and_the_password(
    live_server: LiveServer, browser: Any
) -> None:
    assert live_server.day is not None
    codes = live_server.day.codes

    page = new_page(browser, live_server)
    page.goto("/connexion")
    page.fill("#code", "AAAA-BBBB-CCCC-DDDD")
    page.get_by_role("button", name="Entrer").click()
    expect(page.locator("#code-error")).to_have_text("Code d'accès inconnu.")
    assert page.url.endswith("/connexion")
    page.fill("#code", codes["proctor"])
    page.get_by_role("button", name="Entrer").click()
    page.wait_for_url("**/surveillance*")

    linked = new_page(browser, live_server)
    linked.goto(f"/connexion?code={codes['cand_a']}")  # the code sheet's link submits itself
    linked.wait_for_url("**/candidat*")

    organiser = new_page(browser, live_server)
    organiser.goto("/connexion")
    organiser.locator("#organiser summary").click()
    organiser.fill("#username", ORGANISER_USERNAME)
    organiser.fill("#password", "pas-le-bon-mot-de-passe")
    organiser.get_by_role("button", name="Se connecter").click()
    expect(organiser.locator("#password-error")).to_have_text(
        "Identifiant ou mot de passe incorrect."
    )
    organiser.fill("#password", ORGANISER_PASSWORD)
    organiser.get_by_role("button", name="Se connecter").click()
    organiser.wait_for_url("**/organisation*")
    for p in (page, linked, organiser):
        assert p.console_errors == []

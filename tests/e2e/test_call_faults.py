"""A hang-up while the database is blocked, in Chromium against the real server: the client
juror calls, the candidate answers, another connection holds SQLite's write lock longer than a
page's patience with a silent socket and the juror clicks « Raccrocher ». Both pages show the
call ended at once and say that it will be written when the database answers — « Connecté »
all along, never « Reconnexion… » with a greyed button — and say it was written once the lock
is released."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from server.telephony.models import CallRow
from tests.e2e.conftest import LiveServer, new_page, screenshot, sign_in_with_code
from tests.e2e.test_call_recording import tone_file
from tests.e2e.test_candidate_support import server_in_calls_phase

pytestmark = pytest.mark.browser
INBOUND = "s03-assistance-fibre"
# Longer than a page's patience with a silent socket (socket.js LOST_AFTER_MS, 6 s) and the
# call commands' with the database (2 s): a page whose server stopped talking would show it.
LOCK_S = 9.0
WAITING = re.compile("base de données ne répond pas")
WRITTEN = re.compile("répond à nouveau")


WATCH_THE_LINK = """() => {  // window.__linkChanges: each value other than connected
    const link = document.querySelector("link-status");
    window.__linkChanges = [];
    const seen = () => link.dataset.connected !== "true" && window.__linkChanges.push(link.dataset.connected);
    new MutationObserver(seen).observe(link, { attributes: true, attributeFilter: ["data-connected"] });
}"""


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    return server_in_calls_phase(make_server, tmp_path)


async def _state(server: LiveServer) -> list[str]:
    from sqlalchemy import select

    async with server.ctx.db.session() as session:
        return list(await session.scalars(select(CallRow.state)))


def test_a_hang_up_while_the_database_is_blocked_is_shown_on_both_pages(
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
    phone = client.locator("jury-softphone")
    expect(phone).to_have_attribute("data-audio", "connected")
    client.locator("run-sheet").locator(f'[data-id="{INBOUND}"]').click()
    phone.get_by_role("button", name="Appeler le candidat").click()
    expect(cand_phone.locator(".sp-state")).to_have_text("Sonnerie")
    cand.keyboard.press("Alt+r")
    expect(phone.locator(".jsp-status")).to_have_text(re.compile(r"^En ligne"))

    for page in (client, cand):  # the link's every fall from now on
        page.evaluate(WATCH_THE_LINK)
    db = server.settings.database_url.split("///", 1)[1]
    lock = sqlite3.connect(db, timeout=30, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # another connection holds the write lock
    started = time.monotonic()
    try:
        phone.get_by_role("button", name="Raccrocher").click()
        expect(phone.locator(".jsp-status")).to_have_text("Libre")
        expect(phone).to_contain_text(WAITING)
        expect(cand_phone.locator(".sp-state")).to_have_text("Clôture")
        expect(cand.get_by_text(WAITING)).to_be_visible()
        for page in (client, cand):
            expect(page.locator("link-status")).to_contain_text("Connecté")
        screenshot(client, "jury-raccroche-base-indisponible")
        assert server.call(_state, server) == ["en_ligne"]  # not written yet
        client.wait_for_timeout(max(0.0, LOCK_S - (time.monotonic() - started)) * 1000)
    finally:
        lock.execute("COMMIT")
        lock.close()
    expect(phone).to_contain_text(WRITTEN, timeout=30_000)
    expect(cand.get_by_text(WRITTEN)).to_be_visible(timeout=30_000)
    assert server.call(_state, server) == ["termine"]
    expect(phone.locator(".jsp-status")).to_have_text("Libre")
    for page in (client, cand):
        assert page.evaluate("() => window.__linkChanges") == [], "the link went down"

"""The proctor's console, end to end: live countdowns on the server's clock (the workstation's
own clock is 45 minutes off), the phase change when a (shortened) preparation ends, presence,
lockdown alerts, pause and resume."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from server.exams import overview
from tests.e2e.conftest import (
    LiveServer,
    new_page,
    screenshot,
    sign_in_with_code,
    write_scenarios,
)
from tests.e2e.test_candidate_support import start_earlier

pytestmark = pytest.mark.browser
PREPARATION_MINUTES = 1
ALREADY_ELAPSED = 50  # seconds of the 1-minute preparation gone when the proctor looks
CLIENT_SKEW_MS = 45 * 60 * 1000


def seconds_of(text: str) -> int:
    parts = [int(p) for p in text.split(":")]
    return sum(p * 60**i for i, p in enumerate(reversed(parts)))


@pytest.fixture
def short_server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    scenarios = write_scenarios(tmp_path / "scenarios", preparation_minutes=PREPARATION_MINUTES)
    return make_server(scenarios_dir=scenarios)


def test_proctor_sees_the_countdown_move_and_the_phase_change(
    short_server: LiveServer, browser: Any
) -> None:
    server = short_server
    assert server.day is not None
    alice, bruno = server.day.ids["cand_a"], server.day.ids["cand_b"]
    server.call(start_earlier, server.ctx, alice, ALREADY_ELAPSED)

    page = new_page(browser, server)
    # The proctor's workstation clock is 45 minutes fast: the countdown must not care.
    page.add_init_script(
        f"{{ const real = Date.now; Date.now = () => real() + {CLIENT_SKEW_MS}; }}"
    )
    sign_in_with_code(page, server.day.codes["proctor"], home="/surveillance")
    expect(page.locator("#session-title")).to_have_text("Surveillance — Centre test")
    row = page.locator("candidate-board tr[data-candidate-id]", has_text="Alice DURAND")
    other = page.locator("candidate-board tr[data-candidate-id]", has_text="Bruno PETIT")
    expect(other.locator(".status-badge")).to_have_text("Pas commencée")
    expect(other.locator(".col-link")).to_have_text("Jamais connecté")
    assert other.get_by_role("button").count() == 0  # no start for a proctor

    # The countdown runs on the server's clock: about 10 s left, and going down.
    label, clock = row.locator(".pc-label"), row.locator(".pc-time")
    expect(label).to_have_text("Préparation")
    first = seconds_of(clock.inner_text())
    assert 0 < first <= 60 * PREPARATION_MINUTES - ALREADY_ELAPSED + 1, first
    time.sleep(1.6)
    second = seconds_of(clock.inner_text())
    assert second < first, (first, second)
    expect(row.locator("phase-clock")).to_have_attribute("data-level", "1")  # ≤ 1 min: red
    offset = page.evaluate("async () => (await import('/static/js/clock.js')).clockOffsetMs()")
    assert abs(offset + CLIENT_SKEW_MS) < 1_000, offset  # measured over the socket

    # The scheduler ends the preparation at its deadline (the server's clock moved there rather
    # than waited for); the page follows.
    server.jump(second)
    expect(label).to_have_text("Appels")
    expect(clock).to_have_text(re.compile(r"^1:30:00|1:29:\d\d$"))

    # The candidate connects (their page's socket): the proctor sees it.
    cand = new_page(browser, server)
    sign_in_with_code(cand, server.day.codes["cand_a"], home="/candidat")
    cand.evaluate("() => { window.__ws = new WebSocket(`ws://${location.host}/ws`); }")
    expect(row.locator(".col-link")).to_contain_text(re.compile(r"^Connecté depuis \d\d:\d\d$"))

    # A lockdown alert is highlighted as it arrives.
    server.call(
        overview.report_incident,
        server.ctx,
        candidate_id=alice,
        kind="fullscreen_left",
        detail="",
        actor=f"candidate:{alice}",
    )
    expect(row).to_have_class(re.compile(r"\balerted\b"))
    expect(row.locator(".incident-list")).to_contain_text("Plein écran quitté")
    expect(page.locator("alert-feed")).to_contain_text("Alice DURAND — Plein écran quitté")

    # The media plane refused a call (capacity reached): a technical incident, as the calls
    # service reports it.
    server.call(
        overview.report_incident,
        server.ctx,
        candidate_id=alice,
        kind="media_refused",
        detail="Impossible de décrocher : Capacité audio du serveur atteinte",
        actor="system:media",
    )
    expect(page.locator("alert-feed li.feed-alert").first).to_contain_text(
        "Alice DURAND — Appel refusé : audio du serveur indisponible"
    )

    # Pause (the reason is mandatory), the clock freezes; then resume.
    row.get_by_role("button", name="Pause : Alice DURAND").click()
    dialog = page.locator("dialog.action-dialog")
    dialog.get_by_role("button", name="Mettre en pause").click()
    expect(dialog.get_by_role("alert")).to_have_text("« Motif » est obligatoire.")
    dialog.get_by_label("Motif").fill("Casque défectueux")
    dialog.get_by_role("button", name="Mettre en pause").click()
    expect(row.locator(".status-badge")).to_have_text("En pause")
    expect(row.locator(".pause-reason")).to_have_text("Motif : Casque défectueux")
    frozen = clock.inner_text()
    time.sleep(1.2)
    assert clock.inner_text() == frozen
    assert row.get_by_role("button", name="Prolonger : Alice DURAND").count() == 0
    screenshot(page, "proctor")
    row.get_by_role("button", name="Reprendre : Alice DURAND").click()
    expect(row.locator(".status-badge")).to_have_text("En cours")
    row.get_by_role("button", name="Marquer les alertes de Alice DURAND comme vues").click()
    expect(row).not_to_have_class(re.compile(r"\balerted\b"))
    assert page.console_errors == []
    ids = page.locator("tr[data-candidate-id]").evaluate_all(
        "rows => rows.map(r => r.dataset.candidateId)"
    )
    assert ids == [alice, bruno]

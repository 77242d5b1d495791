"""<phase-clock>'s reading of a TimelineState (readClock, pure) and its element, in Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, new_page

pytestmark = pytest.mark.browser

NOW = "2026-06-01T08:00:00Z"
NOW_MS = 1780300800000  # Date.parse(NOW)
BASE = {
    "now": NOW,
    "status": "running",
    "status_label": "En cours",
    "phase": "preparation",
    "phase_label": "Préparation",
    "timed": True,
    "planned_seconds": 3600.0,
    "extension_seconds": 0.0,
    "remaining_seconds": 3600.0,
    "elapsed_seconds": 0.0,
    "pause_reason": None,
    "deadline": "2026-06-01T09:00:00Z",
    "phases": [{"label": "Préparation", "planned_seconds": 3600.0}],
}


def read(page: Any, state: dict[str, Any] | None, now_ms: int = NOW_MS) -> dict[str, Any]:
    return page.evaluate(
        """async ([state, now]) => {
            const { readClock } = await import("/static/js/components/phase-clock.js");
            return readClock(state, now);
        }""",
        [state, now_ms],
    )


@pytest.fixture
def clock_page(browser: Any, static_server: LiveServer) -> Any:
    page = new_page(browser, static_server)
    page.goto("/connexion")
    assert page.evaluate("(iso) => Date.parse(iso)", NOW) == NOW_MS
    return page


def test_a_running_timed_phase_counts_down_from_the_deadline_with_levels(clock_page: Any) -> None:
    r = read(clock_page, BASE)
    assert (r["label"], r["time"], r["level"], r["note"]) == ("Préparation", "1:00:00", "", "")
    assert read(clock_page, BASE, NOW_MS + 50 * 60_000 + 30_500)["time"] == "09:30"
    levels = [
        read(clock_page, BASE, NOW_MS + (3600 - s) * 1000)["level"] for s in (601, 600, 300, 60)
    ]
    assert levels == ["", "10", "5", "1"]
    late = read(clock_page, BASE, NOW_MS + 3700 * 1000)  # the server has not moved on yet
    assert (late["time"], late["level"]) == ("00:00", "1")


def test_a_paused_phase_is_frozen_and_says_why(clock_page: Any) -> None:
    state = {
        **BASE,
        "status": "paused",
        "deadline": None,
        "remaining_seconds": 754.4,
        "pause_reason": "Panne de casque",
    }
    for later in (0, 600_000):
        r = read(clock_page, state, NOW_MS + later)
        assert (r["time"], r["note"]) == ("12:35", "En pause : Panne de casque")


def test_an_interview_shows_elapsed_against_planned_and_its_overrun(clock_page: Any) -> None:
    state = {
        **BASE,
        "phase": "entretien_technique",
        "phase_label": "Entretien technique",
        "timed": False,
        "deadline": None,
        "remaining_seconds": None,
        "planned_seconds": 1800.0,
        "elapsed_seconds": 1700.0,
    }
    r = read(clock_page, state, NOW_MS + 50_000)
    assert (r["time"], r["level"], r["note"]) == ("29:10 / 30:00", "", "")
    r = read(clock_page, state, NOW_MS + 220_000)
    assert (r["time"], r["level"], r["note"]) == ("32:00 / 30:00", "over", "Dépassement : +02:00")


def test_states_without_a_running_clock(clock_page: Any) -> None:
    r = read(clock_page, {**BASE, "status": "not_started", "status_label": "Pas commencée"})
    assert (r["label"], r["time"], r["note"]) == ("Pas commencée", "—", "Préparation : 1:00:00")
    r = read(
        clock_page,
        {
            **BASE,
            "status": "awaiting",
            "status_label": "En attente du jury",
            "phase_label": "Entretien final",
        },
    )
    assert (r["label"], r["note"]) == ("Entretien final", "En attente du jury")
    assert (
        read(clock_page, {**BASE, "status": "finished", "status_label": "Terminée"})["label"]
        == "Terminée"
    )
    assert read(clock_page, None)["label"] == "—"


def test_the_element_renders_and_ticks(clock_page: Any) -> None:
    text = clock_page.evaluate(
        """async (state) => {
            await import("/static/js/components/phase-clock.js");
            const clock = document.createElement("phase-clock");
            const deadline = new Date(Date.now() + 90_500).toISOString();
            clock.state = { ...state, now: new Date().toISOString(), deadline };
            document.body.append(clock);
            const first = clock.querySelector(".pc-time").textContent;
            await new Promise((r) => setTimeout(r, 1300));
            return [first, clock.querySelector(".pc-time").textContent, clock.dataset.level,
                    clock.querySelector(".pc-label").textContent];
        }""",
        BASE,
    )
    assert text[0] == "01:31" and text[1] in ("01:30", "01:29"), text
    assert text[2:] == ["5", "Préparation"]  # 90 s left: the 5-minute colour

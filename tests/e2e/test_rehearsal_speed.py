"""A whole title session under `plateau demo --speed 240` (the real command, as a newcomer
runs it, at a pace that halves the test's wait: `--speed 120` ran the same steps for twice as
long, with the same assertions): the organiser starts the candidate, the préparation, the calls and the writing phase
run out by themselves on the accelerated clock with their warnings, the candidate's countdown
agrees with the server's clock at that pace, the jury holds both interviews, deliberates and
signs, and the organiser issues the procès-verbal — in 48 s of exam phases.

Also, in the page: serverNow() scales the time elapsed since its last time sample by the rate
the snapshot gives (pure arithmetic, Date.now stubbed)."""

from __future__ import annotations

import re
import signal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from server.core.config import PROJECT_ROOT
from server.scenarios.catalogue import load_catalogue
from tests.documents.pdf_pages import page_texts, to_png
from tests.e2e.conftest import (
    ARTIFACTS,
    VIEWPORT,
    WAIT_MS,
    LiveServer,
    http,
    new_page,
    screenshot,
)
from tests.ports import free_port
from tests.test_hard_kill_restart import demo_server

pytestmark = pytest.mark.browser
SPEED = 240
# A timed phase lasts minutes / SPEED real minutes: 60 min → 15 s, and a 10-minute warning
# comes 2.5 s before its deadline (the scheduler wakes at each one: the test checks none was
# superseded by a late deadline). Waits are generous (they end as soon as the page is right);
# the whole day takes ~48 s of exam phases at 240×.
PHASE_WAIT_MS = 240_000


def test_serverNow_runs_at_the_snapshot_s_rate(live_server: LiveServer, browser: Any) -> None:
    page = new_page(browser, live_server)
    page.goto("/api/health")
    got = page.evaluate(
        """async () => {
            const clock = await import("/static/js/clock.js");
            const real = Date.now;
            let now = 1_000_000;
            Date.now = () => now;
            try {
                clock.recordTimeSample(now - 40, "2026-12-04T08:00:00Z", now);  // rtt 40 ms
                const t0 = clock.serverNow();
                now += 1000;                                 // one real second at 1×
                const at1 = clock.serverNow() - t0;
                clock.setClockRate(60);                       // from here, 60×
                const t1 = clock.serverNow();
                now += 1000;
                const at60 = clock.serverNow() - t1;
                return { start: t0, at1, at60, continuous: t1 - t0,
                         uncertainty: clock.clockUncertaintyMs(), rate: clock.clockRate() };
            } finally {
                Date.now = real;
            }
        }"""
    )
    assert got["start"] == 1796371200000 + 20  # the server's instant + half the round trip
    assert got["at1"] == 1000 and got["continuous"] == 1000  # no jump when the rate changes
    assert got["at60"] == 60_000 and got["rate"] == 60
    assert got["uncertainty"] == 20 * 60


def _banner(banner: str) -> tuple[str, dict[str, str]]:
    password = re.search(r"mot de passe « (.+?) »", banner)
    assert password, banner
    codes = {
        name.strip(): code
        for _, name, code in re.findall(
            r"^\s+(Candidat|Juré|Surveillant)\s+(.+?)\s+http\S+code=(\S+)$", banner, re.M
        )
    }
    assert len(codes) == 4, banner
    return password.group(1), codes


def _page(browser: Any, base: str) -> Any:
    context = browser.new_context(
        base_url=base, viewport=VIEWPORT, locale="fr-FR", timezone_id="Europe/Paris"
    )
    context.set_default_timeout(WAIT_MS)
    context.set_default_navigation_timeout(WAIT_MS)
    return context.new_page()


def _code_page(browser: Any, base: str, code: str, home: str) -> Any:
    page = _page(browser, base)
    page.goto("/connexion")
    page.fill("#code", code)
    page.get_by_role("button", name="Entrer").click()
    page.wait_for_url(f"**{home}*")
    return page


def console_errors(page: Any) -> list[str]:
    """The page's errors, uncaught or logged in the console (a failed request, the browser's
    own /favicon.ico one included…), from now on."""
    found: list[str] = []
    page.on("pageerror", lambda exc: found.append(f"uncaught: {exc}"))
    page.on("console", lambda m: m.type == "error" and found.append(f"{m.text} {m.location}"))
    return found


def _clock_agrees(page: Any, candidate_id: str) -> dict[str, Any]:
    """The page's serverNow() against the server's own clock, read in one round trip: they
    agree within what the page could know (its best sample's half round trip, plus this
    request's round trip, both at the clock's rate)."""
    return page.evaluate(
        """async (cid) => {
            const clock = await import("/static/js/clock.js");
            const t0 = Date.now();
            const state = await fetch(`/api/candidates/${cid}/timeline`).then((r) => r.json());
            const t1 = Date.now();
            const shown = clock.serverNow();
            const rate = clock.clockRate();
            const allowed = (clock.clockUncertaintyMs() ?? 0) + (t1 - t0) * rate + 1000;
            return { rate, gap: Math.abs(shown - Date.parse(state.now)), allowed };
        }""",
        candidate_id,
    )


@pytest.mark.slow  # the longest test of the suite: it starts first (tests/conftest.py)
def test_a_whole_title_session_at_240_times_the_speed(tmp_path: Path, browser: Any) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with demo_server(tmp_path / "data", port, tmp_path / "demo.log", "--speed", str(SPEED)) as (
        server,
        banner,
    ):
        assert f"Horloge accélérée ×{SPEED} : une épreuve de titre (4 h) dure 1 min" in banner
        password, codes = _banner(banner)
        orga = _page(browser, base)
        orga.goto("/connexion")
        orga.locator("#organiser summary").click()
        orga.fill("#username", "organisateur")
        orga.fill("#password", password)
        orga.get_by_role("button", name="Se connecter").click()
        orga.wait_for_url("**/organisation*")
        sessions = http(orga, "GET", "/api/sessions")["body"]
        (rehearsal,) = [s for s in sessions if s["centre"].startswith("Répétition accélérée")]
        orga.goto(f"/organisation#session={rehearsal['id']}&tab=live")
        row = orga.locator("candidate-board tr", has_text="Camille MARTIN")
        candidate_id = row.get_attribute("data-candidate-id")
        cand = _code_page(browser, base, codes["Camille MARTIN"], "/candidat")
        errors = console_errors(cand)

        row.get_by_role("button", name="Démarrer : Camille MARTIN").click()
        orga.locator("dialog.action-dialog").get_by_role("button", name="Démarrer").click()
        clock = cand.locator("phase-clock").first
        expect(clock.locator(".pc-label")).to_have_text("Préparation")
        # 60 exam minutes in 15 real seconds: once 5 exam minutes have gone by, the page's
        # clock (anchored at connection) would be minutes off if it ignored the rate.
        cand.wait_for_function(
            "() => Number(document.querySelector('phase-clock').dataset.seconds) <= 3300",
            timeout=60_000,
        )
        agree = _clock_agrees(cand, candidate_id)
        assert agree["rate"] == SPEED
        assert agree["gap"] <= agree["allowed"], agree
        screenshot(cand, "rehearsal-candidate")

        feed = orga.locator("alert-feed")
        for phase in ("Préparation", "Appels", "Rédaction"):
            expect(clock.locator(".pc-label")).to_have_text(phase, timeout=PHASE_WAIT_MS)
            expect(feed).to_contain_text(f"{phase} : 10 min restantes", timeout=PHASE_WAIT_MS)
        expect(cand.locator("#done-title")).to_have_text(
            "Partie pratique terminée", timeout=PHASE_WAIT_MS
        )
        expect(row.locator("phase-clock .pc-label")).to_have_text("Entretien technique")
        state = http(orga, "GET", f"/api/candidates/{candidate_id}/timeline")["body"]
        ended = {p["phase"]: p["end_cause"] for p in state["phases"]}
        assert ended["preparation"] == ended["appels"] == ended["redaction"] == "deadline"
        assert all(10 in p["warnings"] for p in state["phases"][:3]), state["phases"]

        # The jury holds both interviews, deliberates and signs (their pages open now: only
        # these requests use them, and two pages fewer run beside the phases).
        observer = _code_page(browser, base, codes["Juré observateur (démo)"], "/jury")
        client = _code_page(browser, base, codes["Juré client (démo)"], "/jury")
        tl = f"/api/candidates/{candidate_id}/timeline"
        for _ in ("technique", "final"):
            assert http(observer, "POST", f"{tl}/interview/open")["status"] == 200
            assert http(observer, "POST", f"{tl}/interview/close")["status"] == 200
        expect(cand.locator("#done-title")).to_have_text("Épreuve terminée")
        # The candidate's page went through the whole exam without one console error.
        assert errors == [], errors
        evidence = {"kinds": ["dossier_professionnel", "resultats_formation"]}
        cert = f"/api/candidates/{candidate_id}/certification/evidence"
        assert http(observer, "PUT", cert, evidence)["status"] == 200
        fmt = load_catalogue(PROJECT_ROOT / "scenarios").titles["CRCD"].format("titre")
        proposal = {
            "competences": {c: "acquise" for c in fmt.practical},
            "ccps": {c: True for c in fmt.ccps},
            "title": "obtenu",
            "justification": "Répétition : prestation conforme au référentiel.",
            # No criterion was marked in this rehearsal: each « acquise » says why (the rule).
            "reasons": {c: "Répétition : observé en entretien." for c in fmt.practical},
        }
        delib = f"/api/candidates/{candidate_id}/evaluation/deliberation"
        assert http(observer, "PUT", delib, proposal)["status"] == 200
        assert http(observer, "POST", f"{delib}/sign")["status"] == 200
        signed = http(client, "POST", f"{delib}/sign")
        assert signed["status"] == 200 and signed["body"]["locked"], signed

        # The organiser issues the procès-verbal.
        orga.get_by_role("tab", name="Documents").click()
        pv = orga.locator("documents-panel tr[data-kind=pv]")
        pv.get_by_role("button", name="Émettre : Procès-verbal").click()
        orga.locator("dialog.action-dialog").get_by_role(
            "button", name="Émettre la version 1"
        ).click()
        expect(pv.locator("li[data-version='1']")).to_be_visible()
        candidate_docs = orga.locator(".candidate-documents", has_text="Camille MARTIN")
        expect(candidate_docs).to_contain_text("Titre obtenu — Parchemin")
        screenshot(orga, "rehearsal-documents")
        url = pv.locator("li[data-version='1'] a").get_attribute("href")
        pdf = orga.context.request.get(url).body()
        to_png(pdf, ARTIFACTS, "rehearsal-pv")
        text = " ".join(page_texts(pdf))
        assert "Camille MARTIN" in text and "Titre obtenu — Parchemin" in text
        assert "Répétition : prestation conforme au référentiel." in text
        for page in (orga, cand, observer, client):
            page.context.close()
        server.send_signal(signal.SIGINT)  # Ctrl-C, as the banner says
        server.wait(timeout=30)

"""The simulations actually played, in Chromium against the real server:
- the client juror's run sheet, the observer's page and the organiser's board show which
  simulations were played, which remain and the time left, and warn when the remaining ones
  no longer fit (cards + wrap-up);
- at the end of the calls phase the simulations not played are recorded with their reason,
  and the candidate's writing tasks follow: the SMS and the letter that confirmed agreements
  of calls that never took place are replaced by their stand-alone briefs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    LiveServer,
    http,
    new_page,
    screenshot,
    sign_in_with_code,
    sign_in_with_password,
)
from tests.e2e.test_candidate_support import (
    CALLS,
    PACK,
    PREPARATION,
    played_every_simulation,
    seed_with_pack,
    start_earlier,
    write_short_scenarios,
)

pytestmark = pytest.mark.browser
IN_CALLS = 70 * 60  # 70 minutes into the 90-minute calls phase: 20 minutes left


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    srv = make_server(scenarios_dir=write_short_scenarios(tmp_path / "scenarios"), seed=False)
    srv.day = srv.call(seed_with_pack, srv.ctx)
    return srv


def _start_with_played(server: LiveServer, cid: str, *, elapsed: float, first: int) -> None:
    started = server.ctx.clock.now() - timedelta(seconds=elapsed)
    calls_from = started + timedelta(seconds=PREPARATION)
    server.call(played_every_simulation, server.ctx, cid, calls_from, first=first)
    server.call(start_earlier, server.ctx, cid, elapsed)


def test_the_jury_and_the_organiser_are_warned_when_the_rest_cannot_fit(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    cid = server.day.ids["cand_a"]
    # Three simulations played, 20 minutes left for six more (about 55 minutes of cards).
    _start_with_played(server, cid, elapsed=PREPARATION + IN_CALLS, first=3)

    client = new_page(browser, server)
    sign_in_with_code(client, server.day.codes["client_a"], home="/jury")
    progress = client.locator("#client-progress")
    expect(progress.locator(".sp-summary")).to_have_text("9 simulations : 3 jouées · 6 à faire")
    warning = progress.locator(".sp-warning")
    expect(warning).to_be_visible()
    expect(warning).to_have_attribute("role", "alert")
    expect(warning).to_contain_text("Temps insuffisant : il reste 20 min de phase d'appels")
    expect(warning).to_contain_text("les 6 simulation(s) restante(s) en demandent")
    expect(warning).to_contain_text("(cartes 54 min + après-appel 5 min)")  # the chat has none
    states = client.locator("run-sheet .rs-state")
    expect(states).to_have_text(["Faite"] * 3 + ["À faire"] * 6)
    screenshot(client, "jury-simulations-temps-insuffisant")

    observer = new_page(browser, server)
    sign_in_with_code(observer, server.day.codes["observer_a"], home="/jury")
    live = observer.locator("#observer-progress")
    expect(live.locator(".sp-item")).to_have_count(9)
    expect(live.locator(".sp-item.sp-jouee")).to_have_count(3)
    expect(live.locator(".sp-warning")).to_contain_text("Temps insuffisant")
    screenshot(observer, "jury-observateur-simulations")

    organiser = new_page(browser, server)
    sign_in_with_password(organiser)
    organiser.goto(f"/organisation#session={server.day.session_id}&tab=live")
    row = organiser.locator(f"candidate-board tr[data-candidate-id='{cid}']")
    expect(row.locator(".board-sims")).to_contain_text("9 simulations : 3 jouées · 6 à faire")
    expect(row.locator(".board-sims-warn")).to_contain_text("Temps insuffisant : 20 min pour")
    other = organiser.locator(f"candidate-board tr[data-candidate-id='{server.day.ids['cand_b']}']")
    expect(other.locator(".board-sims")).to_contain_text("Phase d'appels 90 min")
    expect(other.locator(".board-sims-warn")).to_be_hidden()
    screenshot(organiser, "organisation-simulations")
    # A candidate never reads them (the titles are the jury's).
    candidate = new_page(browser, server)
    sign_in_with_code(candidate, server.day.codes["cand_a"], home="/candidat")
    assert http(candidate, "GET", f"/api/candidates/{cid}/simulations")["status"] == 403
    for page in (client, observer, organiser):
        assert page.console_errors == [], page.console_errors


def test_writing_tasks_of_simulations_not_played_are_replaced(
    server: LiveServer, browser: Any
) -> None:
    """Simulations 8 and 9 not played: the candidate is not asked to confirm by SMS or letter
    an agreement negotiated in a call that did not take place."""
    assert server.day is not None
    cid = server.day.ids["cand_a"]
    _start_with_played(server, cid, elapsed=PREPARATION + CALLS + 2, first=7)
    pack = server.ctx.packs[PACK]
    tasks = {w.id: w for w in pack.writing_tasks}

    page = new_page(browser, server)
    sign_in_with_code(page, server.day.codes["cand_a"], home="/candidat")
    expect(page.locator("#view-writing")).to_be_visible()
    expect(page.locator("#writing-main")).to_have_attribute("data-loaded", "true")
    tabs = page.locator("#writing-main [role='tab']")
    expect(tabs).to_have_text(["1. Courriel", "2. SMS", "3. Courrier"])
    sections = page.locator("#writing-main section.writing-task")
    expect(sections.nth(0).locator(".task-replaced")).to_be_hidden()
    expect(sections.nth(0).locator(".task-brief")).to_have_text(
        " ".join(tasks["e1-courriel-assistance"].candidate.brief.split())
    )
    tabs.nth(1).click()
    sms = tasks["e2-sms-fidelisation"].replacement
    assert sms is not None
    expect(sections.nth(1).locator(".task-replaced")).to_be_visible()
    expect(sections.nth(1).locator(".task-brief")).to_have_text(
        " ".join(sms.candidate.brief.split())
    )
    tabs.nth(2).click()
    letter = tasks["e3-courrier-echeancier"].replacement
    assert letter is not None
    expect(sections.nth(2).locator(".task-replaced")).to_contain_text(
        "la simulation à laquelle elle faisait suite n'a pas eu lieu"
    )
    expect(sections.nth(2).locator(".task-brief")).to_contain_text("courrier de relance amiable")
    expect(sections.nth(2).locator(".task-brief")).not_to_contain_text("accord de paiement conclu")
    screenshot(page, "candidat-redaction-remplacement")

    # The jury's run sheet says which were not played, and why.
    client = new_page(browser, server)
    sign_in_with_code(client, server.day.codes["client_a"], home="/jury")
    expect(client.locator("run-sheet .rs-state")).to_have_text(["Faite"] * 7 + ["Non jouée"] * 2)
    expect(client.locator("run-sheet .rs-reason").nth(1)).to_contain_text(
        "Temps de la phase d'appels écoulé"
    )
    expect(client.locator("#client-progress .sp-warning")).to_be_hidden()
    for p in (page, client):
        assert p.console_errors == [], p.console_errors

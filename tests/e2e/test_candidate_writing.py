"""The writing phase in Chromium against the real server: three replies, one editor per
channel (e-mail, SMS with its counter, letter), autosaved with « Enregistré à hh:mm:ss »; a
reload in the middle loses no character (even those typed after the last save); at the
deadline the page moves on by itself, the texts are frozen on the server, and a late save is
refused and logged."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.core.context import AppContext
from server.exams import timeline_service
from server.writing.models import SaveLog
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
LEFT = 30  # seconds of the 1-minute writing phase left when the candidate opens the page

EMAIL = {
    "to": "k.haddad@netloire.fr",
    "subject": "Votre ticket N2-20260317-FIB-204517",
    "body": "Monsieur,\n\nSuite à votre appel, un technicien passera jeudi entre 13 h et 17 h.",
}
SMS = {"body": "Fibrélia : Mme Marchand, remise de 5,00 € par mois pendant 6 mois. Merci !"}
LETTER = {
    "sender": "Élan Énergies\nService recouvrement\n49000 Angers",
    "recipient": "M. Julien Lebrun\n22 rue Saint-Lazare\n49100 Angers",
    "place_date": "Angers, le 17 mars 2026",
    "object": "Confirmation de votre échéancier",
    "body": "Monsieur,\n\nComme convenu, vous réglerez 250,40 € en trois mensualités.",
    "closing": "Veuillez agréer, Monsieur, nos salutations distinguées.",
}
LATE_TYPING = " Le premier prélèvement aura lieu le 20 mars."


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    srv = make_server(scenarios_dir=write_short_scenarios(tmp_path / "scenarios"), seed=False)
    srv.day = srv.call(seed_with_pack, srv.ctx)
    return srv


def fill(editor: Any, fields: dict[str, str]) -> None:
    for name, value in fields.items():
        editor.locator(f"[name='{name}']").fill(value)


def values(editor: Any, names: list[str]) -> dict[str, str]:
    return {n: editor.locator(f"[name='{n}']").input_value() for n in names}


def server_drafts(page: Any, cid: str) -> dict[str, Any]:
    data = page.evaluate(
        "(cid) => fetch(`/api/candidates/${cid}/writing/drafts`).then((r) => r.json())", cid
    )
    return {d["task_id"]: d for d in data["drafts"]} | {"frozen": data["frozen"]}


async def refused_saves(ctx: AppContext, cid: str) -> list[SaveLog]:
    async with ctx.db.session() as s:
        rows = await s.scalars(
            select(SaveLog).where(SaveLog.candidate_id == cid, SaveLog.accepted.is_(False))
        )
        return list(rows)


def test_three_replies_a_reload_that_loses_nothing_and_the_deadline(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    bruno = server.day.ids["cand_b"]
    server.call(start_earlier, server.ctx, bruno, PREPARATION + CALLS + 60 - LEFT)
    page = new_page(browser, server)
    sign_in_with_code(page, server.day.codes["cand_b"], home="/candidat")
    expect(page.locator("#view-writing")).to_be_visible()
    expect(page.locator("#writing-main")).to_have_attribute("data-loaded", "true")
    tabs = page.locator("#writing-main [role='tab']")
    expect(tabs).to_have_text(["1. Courriel", "2. SMS", "3. Courrier"])
    editors = page.locator("#writing-main writing-editor")

    fill(editors.nth(0), EMAIL)
    tabs.nth(1).click()
    fill(editors.nth(1), SMS)
    count = editors.nth(1).locator(".we-count")
    expect(count).to_have_text(f"{len(SMS['body'])} caractères sur 306 · 1 SMS (GSM 7 bits)")
    tabs.nth(2).click()
    fill(editors.nth(2), LETTER)
    tabs.nth(0).click()  # the letter loses focus: saved at once
    status = page.locator("#writing-main .draft-status")
    for i in range(3):
        expect(status.nth(i)).to_have_text(re.compile(r"^Enregistré à \d\d:\d\d:\d\d$"))
    expect(page.locator("#save-status")).to_contain_text("Enregistré à")
    screenshot(page, "candidate-redaction-courriel")

    # More typing, then a reload before any save: nothing is lost.
    tabs.nth(2).click()
    body = editors.nth(2).locator("[name='body']")
    body.press("End")
    body.type(LATE_TYPING)
    page.reload()
    expect(page.locator("#view-writing")).to_be_visible()
    expect(page.locator("#writing-main")).to_have_attribute("data-loaded", "true")
    assert values(editors.nth(0), list(EMAIL)) == EMAIL
    assert values(editors.nth(1), list(SMS)) == SMS
    letter = {**LETTER, "body": LETTER["body"] + LATE_TYPING}
    assert values(editors.nth(2), list(LETTER)) == letter
    # …and what only this computer had is sent to the server by itself.
    wait_for_async(
        page,
        """([cid, tail]) => fetch(`/api/candidates/${cid}/writing/drafts`).then((r) => r.json())
            .then((d) => d.drafts.some((x) => x.content.body && x.content.body.endsWith(tail)))""",
        [bruno, LATE_TYPING],
        what="the typing only this computer had sent to the server",
    )
    tabs.nth(2).click()
    screenshot(page, "candidate-redaction-courrier")

    # The deadline (the server's clock moved to it): the page moves on by itself; the texts
    # are frozen on the server.
    server.jump(LEFT)
    expect(page.locator("#view-done")).to_be_visible(timeout=60_000)
    # The seal follows the deadline's commit (writing.lifecycle, on the timeline): on a loaded
    # machine the page can show the end before it; wait for it (generous) and check it below.
    wait_for_async(
        page,
        """(cid) => fetch(`/api/candidates/${cid}/writing/drafts`).then((r) => r.json())
            .then((d) => d.drafts.length > 0 && d.drafts.every((x) => x.frozen))""",
        bruno,
        what="every draft frozen on the server",
    )
    drafts = server_drafts(page, bruno)
    assert drafts["frozen"] is True
    by_channel = {d["channel"]: d for k, d in drafts.items() if k != "frozen"}
    assert by_channel["courriel"]["content"] == EMAIL
    assert by_channel["sms"]["content"] == SMS
    assert by_channel["courrier"]["content"] == letter
    assert all(d["frozen"] and len(d["sha256"]) == 64 for d in by_channel.values())

    # A late save is refused, and logged with what was sent.
    late = page.evaluate(
        """async ([cid, task, version]) => {
            const csrf = decodeURIComponent(document.cookie.match(/plateau_csrf=([^;]+)/)[1]);
            const r = await fetch(`/api/candidates/${cid}/writing/drafts/${task}`, {
                method: "PUT",
                headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
                body: JSON.stringify({ content: { body: "trop tard" }, base_version: version }),
            });
            return [r.status, (await r.json()).detail];
        }""",
        [bruno, by_channel["sms"]["task_id"], by_channel["sms"]["version"]],
    )
    assert late == [409, "Le temps de rédaction est écoulé : ce texte n'est plus modifiable."]
    logged = server.call(refused_saves, server.ctx, bruno)
    assert [(r.task_id, r.content) for r in logged][-1] == (
        by_channel["sms"]["task_id"],
        {"body": "trop tard"},
    )
    screenshot(page, "candidate-fin")
    assert page.console_errors == []


def test_the_briefs_arrive_when_the_redaction_starts_on_an_open_page(
    server: LiveServer, browser: Any
) -> None:
    """The subject the page loaded during the calls holds no written brief (they name callers
    and tell how calls end); when the rédaction starts, the open page fetches them."""
    assert server.day is not None
    bruno = server.day.ids["cand_b"]
    run = timeline_service.run

    async def calls_nearly_over() -> None:  # held by a pause until the page is open
        await start_earlier(server.ctx, bruno, PREPARATION + CALLS - 10)
        await run(server.ctx, bruno, lambda t: t.pause("attente", by="t"), actor="t")

    server.call(calls_nearly_over)
    page = new_page(browser, server)
    sign_in_with_code(page, server.day.codes["cand_b"], home="/candidat")
    expect(page.locator("#view-calls")).to_be_visible()
    sealed = page.evaluate(
        "(cid) => fetch(`/api/candidates/${cid}/subject`).then((r) => r.json())", bruno
    )
    assert sealed["writing_tasks"] == [] and sealed["writing_sealed"] is True
    server.call(run, server.ctx, bruno, lambda t: t.resume(by="t"), actor="t")
    server.jump(10)  # the scheduler ends the calls (generous wait: a busy machine)
    expect(page.locator("#view-writing")).to_be_visible(timeout=90_000)
    tabs = page.locator("#writing-main [role='tab']")
    expect(tabs).to_have_text(["1. Courriel", "2. SMS", "3. Courrier"], timeout=30_000)
    expect(page.locator("#writing-main .task-brief").first).not_to_be_empty()

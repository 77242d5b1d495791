"""The jurors' pages during the calls (issue 18, « Jurors' pages »), in Chromium against the real
server: the client juror's phone says what the call is at each moment and its « Candidat » meter
does not move with the hold tone; the observer's grid follows the chat simulation as it follows
calls, and a competence's badge waits for its criteria before saying « non acquise »; the
« Commentaire » buttons are readable.

The candidate acts through a signed-in socket of their own (answer, hold, resume, chat)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from server.core.context import AppContext
from tests.e2e.conftest import LiveServer, http, new_page, screenshot, sign_in_with_code
from tests.e2e.test_candidate_support import (
    CALLS,
    PREPARATION,
    played_every_simulation,
    seed_with_pack,
    server_in_calls_phase,
    start_earlier,
    write_short_scenarios,
)
from tests.e2e.test_jury_observer_components import ack, actor

pytestmark = pytest.mark.browser
INBOUND = "s03-assistance-fibre"  # M. Karim Haddad
CHAT = "s04-chat-conseil-haie"


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    return server_in_calls_phase(make_server, tmp_path)


def peer_energy(page: Any, expression: str) -> float:
    """The audio energy received so far by the RTCPeerConnection `expression`."""
    return float(
        page.evaluate(
            f"""async () => {{
                const pc = {expression};
                if (!pc) return 0;
                let energy = 0;
                (await pc.getStats()).forEach((r) => {{
                    if (r.type === "inbound-rtp" && r.kind === "audio") energy += r.totalAudioEnergy || 0;
                }});
                return energy;
            }}"""
        )
    )


def sample_levels(page: Any, selector: str, times: int = 20, every_ms: int = 100) -> list[int]:
    out = []
    for _ in range(times):
        out.append(
            int(
                page.evaluate(
                    f"() => Number(document.querySelector({selector!r}).dataset.level || 0)"
                )
            )
        )
        page.wait_for_timeout(every_ms)
    return out


def test_the_client_jurors_phone_follows_the_call_and_the_hold_tone_is_not_the_candidate(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    cand = actor(browser, server, "cand_a", "/candidat")
    client = new_page(browser, server)
    sign_in_with_code(client, server.day.codes["client_a"], home="/jury")
    phone = client.locator("jury-softphone")
    expect(phone).to_have_attribute("data-audio", "connected")
    detail = phone.locator(".jsp-detail")
    status = phone.locator(".jsp-status")
    ear = "jury-softphone level-meter:last-of-type"

    client.locator("run-sheet").locator(f'[data-id="{INBOUND}"]').click()
    phone.get_by_role("button", name="Appeler le candidat").click()
    expect(status).to_have_text("Sonnerie…")
    expect(detail).to_have_text("Vous appelez le candidat : son poste sonne.")
    call = next(c for c in phone.evaluate("(p) => p.calls") if c["state"] == "sonnerie")

    # Answered: the phone says the conversation, no longer « Vous appelez… ».
    ack(cand, {"type": "call.answer", "call_id": call["id"]})
    expect(status).to_have_text(re.compile(r"^En ligne \d\d:\d\d$"))
    expect(detail).to_have_text("En ligne avec le candidat (vous l'avez appelé).")

    # On hold: the customer hears the hold tone (it arrives on the juror's peer), the phone says
    # the candidate put them on hold, and the « Candidat » meter stays at zero: it is not the
    # candidate speaking.
    ack(cand, {"type": "call.hold", "call_id": call["id"]})
    expect(status).to_have_text(re.compile(r"^En attente \d\d:\d\d$"))
    expect(detail).to_have_text(
        "Le candidat vous a mis en attente : vous entendez la musique d'attente."
    )
    pc = "document.querySelector('jury-softphone').peerConnection"
    before = peer_energy(client, pc)
    levels = sample_levels(client, ear)
    assert peer_energy(client, pc) > before, "the hold tone should reach the client juror"
    assert max(levels) == 0, levels
    expect(phone.locator(".jsp-ear-label")).to_have_text("Candidat (en attente)")
    screenshot(client, "jury-client-en-attente")

    ack(cand, {"type": "call.resume", "call_id": call["id"]})
    expect(detail).to_have_text("En ligne avec le candidat (vous l'avez appelé).")
    expect(phone.locator(".jsp-ear-label")).to_have_text("Candidat")
    phone.get_by_role("button", name="Raccrocher").click()
    expect(status).to_have_text("Libre")
    assert client.console_errors == [], client.console_errors


# The WCAG contrast of an element's text as painted: its colour and its background (or the
# first ancestor's that has one), both through the element's opacity.
CONTRAST_JS = """(e) => {
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const over = (top, a, under) => top.slice(0, 3).map((v, i) => a * v + (1 - a) * under[i]);
    let p = e.parentElement, under = [255, 255, 255];
    while (p) {
        const c = rgb(getComputedStyle(p).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) { under = c.slice(0, 3); break; }
        p = p.parentElement;
    }
    const s = getComputedStyle(e);
    const o = Number(s.opacity);
    const bgc = rgb(s.backgroundColor);
    const bg = bgc.length === 4 && bgc[3] === 0 ? under : over(bgc, bgc.length === 4 ? bgc[3] : 1, under);
    const fgc = rgb(s.color);
    const fg = over(fgc, fgc.length === 4 ? fgc[3] : 1, bg);
    const paintedFg = over(fg, o, under), paintedBg = over(bg, o, under);
    const [a, b] = [lum(paintedFg), lum(paintedBg)].sort((x, y) => y - x);
    return { ratio: (a + 0.05) / (b + 0.05), size: parseFloat(s.fontSize) };
}"""


def test_the_observers_grid_follows_the_chat_and_waits_for_the_criteria(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    cid = server.day.ids["cand_a"]
    client = actor(browser, server, "client_a", "/jury")
    obs = new_page(browser, server)
    sign_in_with_code(obs, server.day.codes["observer_a"], home="/jury")
    grid = obs.locator("evaluation-grid")
    expect(grid.locator(".eg-crit").first).to_be_visible()
    assert grid.get_attribute("data-part") != CHAT

    # The customer writes in the chat simulation: the grid brings the chat's part up.
    ack(
        client,
        {
            "type": "chat.send",
            "candidate_id": cid,
            "text": "Bonjour, une question sur les haies.",
            "client_msg_id": "c-1",
        },
    )
    expect(grid).to_have_attribute("data-part", CHAT)
    expect(obs.locator("label.eg-follow")).to_contain_text("Suivre la simulation en cours")

    # The « Commentaire » buttons are readable, marked or not (WCAG AA: 4.5:1, ≥ 12 px).
    for button in grid.locator(".eg-comment-toggle").all():
        seen = button.evaluate(CONTRAST_JS)
        assert seen["ratio"] >= 4.5 and seen["size"] >= 12, seen

    # One « non acquis » while the competence's other criteria are unmarked: no verdict yet.
    section = grid.locator(".eg-comp").first
    crits = section.locator(".eg-crit")
    count = crits.count()
    assert count > 1
    crits.nth(0).focus()
    obs.keyboard.press("n")
    expect(crits.nth(0)).to_have_attribute("data-pending", "false")
    badge = section.locator(".eg-comp-status")
    expect(badge).to_have_text("En cours d'évaluation")
    code = section.get_attribute("data-competence")
    synthesis = grid.locator(f'.eg-synthesis li[data-competence="{code}"] .badge')
    expect(synthesis).to_have_text("En cours d'évaluation")  # the synthesis agrees
    screenshot(obs, "jury-observateur-grille-en-cours")
    for i in range(1, count):
        obs.keyboard.press("ArrowDown")
        obs.keyboard.press("a")
        expect(crits.nth(i)).to_have_attribute("data-pending", "false")
        if i < count - 1:
            expect(badge).to_have_text("En cours d'évaluation")
    # Every criterion marked: the grid's rule concludes (one « non acquis »).
    expect(badge).to_have_text("Non acquise")
    expect(synthesis).to_have_text("Non acquise")
    assert obs.console_errors == [], obs.console_errors


async def in_the_writing_phase(ctx: AppContext, candidate_id: str) -> None:
    """Every simulation played, the candidate 3 s into the (1-minute) writing phase."""
    started = ctx.clock.now() - timedelta(seconds=PREPARATION + CALLS + 3)
    await played_every_simulation(ctx, candidate_id, started + timedelta(seconds=PREPARATION))
    await start_earlier(ctx, candidate_id, PREPARATION + CALLS + 3)


def test_the_written_replies_are_live_during_the_writing_phase(
    make_server: Callable[..., LiveServer], tmp_path: Path, browser: Any
) -> None:
    server = make_server(scenarios_dir=write_short_scenarios(tmp_path / "scenarios"), seed=False)
    server.day = server.call(seed_with_pack, server.ctx)
    cid = server.day.ids["cand_a"]
    server.call(in_the_writing_phase, server.ctx, cid)
    obs = new_page(browser, server)
    sign_in_with_code(obs, server.day.codes["observer_a"], home="/jury")
    obs.get_by_role("tab", name="Écrits").click()
    replies = obs.locator("written-replies")
    expect(replies.locator(".wr-reply")).to_have_count(3)
    expect(replies.locator(".wr-status")).to_contain_text("à chaque enregistrement du candidat")
    expect(replies.get_by_role("button", name="Actualiser")).to_have_count(0)

    cand = new_page(browser, server)
    sign_in_with_code(cand, server.day.codes["cand_a"], home="/candidat")
    drafts = http(cand, "GET", f"/api/candidates/{cid}/writing/drafts")["body"]["drafts"]
    task = drafts[0]["task_id"]
    url = f"/api/candidates/{cid}/writing/drafts/{task}"
    first = http(
        cand,
        "PUT",
        url,
        {"content": {"body": "Bonjour Madame, suite a votre appel"}, "base_version": 0},
    )
    assert first["status"] == 200, first
    reply = replies.locator(f'.wr-reply[data-task-id="{task}"]')
    expect(reply.locator(".wr-field-body")).to_contain_text("suite a votre appel")
    # The French aid's grammar (Grammalecte): « suite a » is marked, with what ran.
    expect(reply.locator("mark.wr-issue-grammar")).to_have_text("a")
    expect(reply.locator(".wr-aid")).to_contain_text("grammaire : Grammalecte")
    reply.locator(".wr-issues summary").click()
    screenshot(obs, "jury-ecrits-en-direct")
    second = http(
        cand,
        "PUT",
        url,
        {"content": {"body": "Bonjour Madame, suite à votre appel du 17 mars"}, "base_version": 1},
    )
    assert second["status"] == 200, second
    expect(reply.locator(".wr-field-body")).to_contain_text("du 17 mars")
    expect(reply.locator(".wr-saves")).to_contain_text("2 enregistrements")
    assert obs.console_errors == [], obs.console_errors

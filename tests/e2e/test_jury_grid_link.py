"""The jury's grid through a cut: a mark sent into a silent server (its answer lost with the
link) and a mark made while the page knows the link is down are both saved, once each, when the
link is back — none is dropped with a warning, as a juror's work was when a loaded machine made
the page give up a silent socket (CI beside two busy loops, 2026-12-07)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.core.audit import AuditEntry
from server.core.context import AppContext
from server.evaluation.models import Mark, PinnedNote
from tests.e2e.conftest import LiveServer, new_page, sign_in_with_code
from tests.e2e.test_candidate_chat_and_link import stall_server
from tests.e2e.test_jury_page import server_after_writing  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser
COMMENT = "Oublie de reformuler la demande."
NOTE = "Reformulation après l'objection : à revoir."
NOTES = ("Objection sur le prix bien traitée.", "Oubli de la reformulation finale.")


async def stored_marks(ctx: AppContext, candidate_id: str) -> list[tuple[int, str, str, int]]:
    async with ctx.db.session() as s:
        rows = await s.scalars(
            select(Mark).where(Mark.candidate_id == candidate_id).order_by(Mark.criterion)
        )
        return [(m.criterion, m.value, m.comment, m.version) for m in rows]


async def pinned_texts(ctx: AppContext, candidate_id: str) -> list[str]:
    async with ctx.db.session() as s:
        rows = await s.scalars(select(PinnedNote).where(PinnedNote.candidate_id == candidate_id))
        return [n.text for n in rows]


async def mark_audits(ctx: AppContext) -> int:
    async with ctx.db.session() as s:
        rows = await s.scalars(select(AuditEntry).where(AuditEntry.action == "evaluation.mark"))
        return len(list(rows))


def observer_grid(browser: Any, server: LiveServer) -> tuple[Any, Any, Any, Any]:
    """The observer's jury page, connected, its grid on the first part: (page, link
    indicator, grid, criteria rows)."""
    assert server.day is not None
    observer = new_page(browser, server)
    sign_in_with_code(observer, server.day.codes["observer_a"], home="/jury")
    link = observer.locator("#link")
    expect(link).to_have_attribute("data-connected", "true")
    grid = observer.locator("evaluation-grid")
    grid.locator(".eg-part-select").select_option(index=0)
    crits = grid.locator(".eg-crit")
    expect(crits.nth(1)).to_be_visible()
    return observer, link, grid, crits


def test_marks_made_through_a_cut_are_saved_once_when_the_link_is_back(
    server_after_writing: LiveServer,  # noqa: F811 - the fixture imported above
    browser: Any,
) -> None:
    server = server_after_writing
    assert server.day is not None
    cid = server.day.ids["cand_a"]
    observer, link, grid, crits = observer_grid(browser, server)

    stalled, release = stall_server(server)
    try:
        # Sent into the silence: the server reads it once back, its answer goes nowhere.
        crits.nth(0).focus()
        observer.keyboard.press("a")
        expect(link).to_have_attribute("data-connected", "false")
        # Made while the page knows the link is down.
        observer.keyboard.press("ArrowDown")
        observer.keyboard.press("n")
        observer.keyboard.press("Enter")
        observer.keyboard.type(COMMENT)
        observer.keyboard.press("Control+Enter")
        expect(crits.nth(1).locator(".eg-comment-text")).to_have_text(f"« {COMMENT} »")
    finally:
        release.set()
    stalled.result(30)

    expect(link).to_have_attribute("data-connected", "true")
    for row in (crits.nth(0), crits.nth(1)):
        expect(row).to_have_attribute("data-pending", "false")
    expect(crits.nth(1).locator(".eg-comment-text")).to_have_text(f"« {COMMENT} »")
    expect(grid.locator(".eg-saved")).to_contain_text("Enregistré")
    expect(grid.locator(".eg-message")).to_have_text("")
    assert server.call(stored_marks, server.ctx, cid) == [
        (1, "acquis", "", 1),
        (2, "non_acquis", COMMENT, 2),  # the value, then its comment: two saves
    ]
    assert server.call(mark_audits, server.ctx) == 3  # each save once
    # After a reload, the page shows what is stored.
    observer.reload()
    grid.locator(".eg-part-select").select_option(index=0)
    expect(crits.nth(1).locator(".eg-comment-text")).to_have_text(f"« {COMMENT} »")
    assert observer.console_errors == []


def test_marks_waiting_for_the_link_survive_the_page_being_left_and_are_saved_on_return(
    server_after_writing: LiveServer,  # noqa: F811 - the fixture imported above
    browser: Any,
) -> None:
    """A juror marks and pins a note through a cut, then the page goes (a reload, a closed tab)
    before the link is back: what waited was kept by the browser, and the page that opens next
    saves it, once each (the marks used to live in the page's memory only and were lost with
    it; the note was not sent again at all — « Note non épinglée » — and not idempotent)."""
    server = server_after_writing
    assert server.day is not None
    cid = server.day.ids["cand_a"]
    observer, link, grid, crits = observer_grid(browser, server)

    stalled, release = stall_server(server)
    try:
        crits.nth(0).focus()
        observer.keyboard.press("a")  # sent into the silence: its answer is lost
        expect(link).to_have_attribute("data-connected", "false")
        observer.keyboard.press("ArrowDown")
        observer.keyboard.press("n")  # made while the page knows the link is down
        expect(crits.nth(1)).to_have_attribute("data-pending", "true")
        note = grid.locator("pinned-notes textarea")
        for text in (NOTE, *NOTES):  # pinned while the link is down
            note.fill(text)
            note.press("Control+Enter")
        expect(grid.locator("pinned-notes .pn-status")).to_contain_text("partira")
        expect(grid.locator("pinned-notes .pn-list li.pn-waiting")).to_have_count(3)
        observer.goto("about:blank")  # the page is gone before the link is back
    finally:
        release.set()
    stalled.result(30)

    observer.goto(f"{server.url}/jury")
    grid.locator(".eg-part-select").select_option(index=0)
    for row in (crits.nth(0), crits.nth(1)):
        expect(row).to_have_attribute("data-pending", "false")
    expect(grid.locator(".eg-message")).to_have_text("")
    assert server.call(stored_marks, server.ctx, cid) == [
        (1, "acquis", "", 1),
        (2, "non_acquis", "", 1),
    ]
    assert server.call(mark_audits, server.ctx) == 2  # each mark once
    expect(grid.locator("pinned-notes .pn-list li")).to_have_count(3)
    expect(grid.locator("pinned-notes .pn-list li.pn-waiting")).to_have_count(0)
    expect(grid.locator("pinned-notes .pn-list")).to_contain_text(NOTE)
    assert sorted(server.call(pinned_texts, server.ctx, cid)) == sorted((NOTE, *NOTES))  # once each
    assert observer.console_errors == []


def test_notes_pinned_one_after_another_through_a_cut_all_wait_and_are_pinned_once_each(
    server_after_writing: LiveServer,  # noqa: F811 - the fixture imported above
    browser: Any,
) -> None:
    """The observer pins note after note while the link is down: each waits in the list,
    marked as waiting, the box is free for the next one at once, and each is pinned once
    when the link is back (the box used to wait for the first note's answer: the second
    could not be pinned before the link came back)."""
    server = server_after_writing
    assert server.day is not None
    cid = server.day.ids["cand_a"]
    observer, link, grid, _crits = observer_grid(browser, server)
    notes = grid.locator("pinned-notes")
    box = notes.locator("textarea")

    stalled, release = stall_server(server)
    try:
        for text in NOTES:
            box.fill(text)
            box.press("Control+Enter")
            expect(box).to_have_value("")  # free for the next note at once
        expect(link).to_have_attribute("data-connected", "false")
        waiting = notes.locator(".pn-list li.pn-waiting")
        expect(waiting).to_have_count(2)
        for text in NOTES:
            expect(notes.locator(".pn-list")).to_contain_text(text)
        expect(waiting.first).to_contain_text("en attente")
    finally:
        release.set()
    stalled.result(30)

    expect(link).to_have_attribute("data-connected", "true")
    expect(notes.locator(".pn-list li")).to_have_count(2)
    expect(notes.locator(".pn-list li.pn-waiting")).to_have_count(0)
    assert sorted(server.call(pinned_texts, server.ctx, cid)) == sorted(NOTES)  # once each
    # A note the server refuses comes back to the box, said, and waits nowhere.
    refused = "Débit trop rapide \u202e à revoir"
    box.fill(refused)
    box.press("Control+Enter")
    expect(notes.locator(".pn-status")).to_contain_text("Note non épinglée")
    expect(notes.locator(".pn-status")).to_contain_text("Son texte est remis dans la case.")
    expect(box).to_have_value(refused)
    expect(notes.locator(".pn-list li")).to_have_count(2)
    observer.reload()
    grid.locator(".eg-part-select").select_option(index=0)
    expect(notes.locator(".pn-list li")).to_have_count(2)
    assert sorted(server.call(pinned_texts, server.ctx, cid)) == sorted(NOTES)
    assert observer.console_errors == []

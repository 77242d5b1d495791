"""The candidate's chat and link to the server, in Chromium against the real server (issue 18):
the composer keeps what is typed after a send and each message is recorded once; the chat
opens with the customer's first message (their record pops) and the candidate cannot write
before; a server that falls silent shows « Connexion perdue » on every page until it is back,
and the message sent meanwhile goes by itself, once, when the link is back."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.chat.models import ChatMessage
from server.core.context import AppContext
from server.exams import timeline_service
from tests.e2e.conftest import LiveServer, new_page, screenshot, sign_in_with_code
from tests.e2e.test_candidate_calls import juror
from tests.e2e.test_candidate_layout import no_small_text
from tests.e2e.test_candidate_support import server_in_calls_phase, ws_request

pytestmark = pytest.mark.browser


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    return server_in_calls_phase(make_server, tmp_path)


async def sent_by_candidate(ctx: AppContext, candidate_id: str) -> list[str]:
    async with ctx.db.session() as s:
        rows = await s.scalars(
            select(ChatMessage.text)
            .where(ChatMessage.candidate_id == candidate_id, ChatMessage.author == "candidate")
            .order_by(ChatMessage.seq)
        )
        return list(rows)


STALL_LIMIT_S = 120.0  # a test that fails before releasing the stall: the server answers again


async def _stall(release: threading.Event) -> None:
    # the point: the whole server stops answering (its loop blocked) until the test has seen
    # what it waits for, however long a loaded machine takes to show it
    release.wait(STALL_LIMIT_S)  # noqa: ASYNC251


def stall_server(server: LiveServer) -> tuple[Any, threading.Event]:
    """The server goes silent (its loop blocked), as behind a cut network, until the returned
    event is set; then the future is done."""
    release = threading.Event()
    return asyncio.run_coroutine_threadsafe(_stall(release), server.loop), release


def candidate_page(browser: Any, server: LiveServer) -> Any:
    assert server.day is not None
    page = new_page(browser, server)
    sign_in_with_code(page, server.day.codes["cand_a"], home="/candidat")
    expect(page.locator("soft-phone .sp-state")).to_have_text("Libre")
    page.get_by_role("tab", name="Chat").click()
    return page


def test_the_chat_opens_with_the_customer_and_the_composer_never_loses_a_keystroke(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    alice = server.day.ids["cand_a"]
    client = juror(browser, server, "client_a")
    page = candidate_page(browser, server)
    chat = page.locator("chat-window")
    box = chat.get_by_label("Votre message")

    # Before the customer writes: the composer is closed and says why; the server refuses too.
    expect(chat.locator(".chat-closed")).to_have_text(
        "La conversation n'a pas commencé : le client écrit le premier message."
    )
    expect(box).to_be_disabled()
    early = page.evaluate(
        """() => window.plateau.socket.request({ type: "chat.send", text: "Allô ?" })
            .then(() => "accepté", (err) => err.message)"""
    )
    assert early == "La conversation n'a pas commencé : le client écrit le premier message."

    # The customer's first message opens the chat and pops their record.
    hello = "Bonjour, ma haie de thuyas a jauni, que me conseillez-vous ?"
    assert (
        ws_request(client, {"type": "chat.send", "candidate_id": alice, "text": hello})["type"]
        == "ack"
    )
    expect(page.locator(".screen-pop")).to_contain_text("fiche JDL-11872 ouverte automatiquement")
    expect(page.locator("crm-record h2")).to_contain_text("Vasseur")
    expect(box).to_be_enabled()
    expect(chat.locator(".chat-closed")).to_be_hidden()
    screenshot(page, "candidate-appels-chat-fiche")

    # A pause of the exam does not count in the chat's time: its end moves by the pause.
    closes = "Date.parse(window.plateau.calls.chat.window.closes_at)"
    before = page.evaluate(closes)
    run = timeline_service.run
    server.call(run, server.ctx, alice, lambda t: t.pause("incident", by="t"), actor="t")
    expect(box).to_be_disabled()
    page.wait_for_timeout(2000)
    server.call(run, server.ctx, alice, lambda t: t.resume(by="t"), actor="t")
    expect(box).to_be_enabled()
    assert page.evaluate(closes) - before >= 1500
    assert page.console_errors == []


def test_the_composer_keeps_what_is_typed_after_a_send_and_each_message_goes_once(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    alice = server.day.ids["cand_a"]
    client = juror(browser, server, "client_a")
    hello = "Bonjour, ma haie de thuyas a jauni, que me conseillez-vous ?"
    assert (
        ws_request(client, {"type": "chat.send", "candidate_id": alice, "text": hello})["type"]
        == "ack"
    )
    page = candidate_page(browser, server)
    chat = page.locator("chat-window")
    box = chat.get_by_label("Votre message")
    expect(box).to_be_enabled()

    # Fast typing: Entrée, then the next message at once. The acknowledgement of the first one
    # must not erase what is being typed.
    box.click()
    page.keyboard.type("Bonjour Madame, je regarde votre fiche.", delay=5)
    page.keyboard.press("Enter")
    page.keyboard.type("Depuis quand a-t-elle jauni ?", delay=25)
    expect(chat.locator(".chat-msg.from-me:not(.chat-outgoing)")).to_have_count(1)
    expect(box).to_have_value("Depuis quand a-t-elle jauni ?")
    page.keyboard.press("Enter")
    expect(chat.locator(".chat-msg.from-me:not(.chat-outgoing)")).to_have_count(2)
    expect(box).to_have_value("")
    page.wait_for_timeout(500)
    assert server.call(sent_by_candidate, server.ctx, alice) == [
        "Bonjour Madame, je regarde votre fiche.",
        "Depuis quand a-t-elle jauni ?",
    ]
    no_small_text(page, "appels, chat")
    assert page.console_errors == []


def test_a_silent_server_shows_connexion_perdue_and_the_chat_outbox_goes_once_when_back(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    alice = server.day.ids["cand_a"]
    client = juror(browser, server, "client_a")
    assert (
        ws_request(
            client, {"type": "chat.send", "candidate_id": alice, "text": "Bonjour, une question."}
        )["type"]
        == "ack"
    )
    page = candidate_page(browser, server)
    jury = new_page(browser, server)
    sign_in_with_code(jury, server.day.codes["observer_a"], home="/jury")
    for p in (page, jury):
        expect(p.locator("#link")).to_have_attribute("data-connected", "true")
        expect(p.locator("#link")).to_have_text("Connecté")
    chat = page.locator("chat-window")
    box = chat.get_by_label("Votre message")
    expect(box).to_be_enabled()

    # The server falls silent (sockets open, nothing comes): every page says so within seconds.
    stalled, release = stall_server(server)
    box.fill("Je vous réponds tout de suite.")
    box.press("Enter")
    expect(box).to_have_value("")  # the outbox carries it
    expect(chat.locator(".chat-outgoing")).to_contain_text("Je vous réponds tout de suite.")
    try:
        for p in (page, jury):
            expect(p.locator("#link")).to_have_attribute("data-connected", "false")
            expect(p.locator("#link")).to_contain_text("Connexion perdue")
        page.keyboard.type(" Suite")  # typing meanwhile is kept
    finally:
        release.set()
    stalled.result(30)

    # Back: the indicator says so, and the message was recorded once (sent again by itself
    # with its id: the server keeps one).
    for p in (page, jury):
        expect(p.locator("#link")).to_have_attribute("data-connected", "true")
    expect(chat.locator(".chat-outgoing")).to_have_count(0)
    expect(chat.locator(".chat-msg.from-me")).to_have_count(1)
    expect(box).to_have_value(" Suite")
    page.wait_for_timeout(1000)
    assert server.call(sent_by_candidate, server.ctx, alice) == ["Je vous réponds tout de suite."]

    # Sent while the socket is down (closed, not silent): waits, then goes once.
    page.evaluate("window.plateau.socket.ws.close()")
    box.fill("Deuxième message.")
    box.press("Enter")
    expect(chat.locator(".chat-msg.from-me:not(.chat-outgoing)")).to_have_count(2)
    page.wait_for_timeout(1000)
    assert server.call(sent_by_candidate, server.ctx, alice) == [
        "Je vous réponds tout de suite.",
        "Deuxième message.",
    ]
    assert page.console_errors == [] and jury.console_errors == []

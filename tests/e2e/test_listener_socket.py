"""The browser tests' raw listener socket (tests/e2e/test_candidate_support.py): a request
whose answer cannot come fails the test at once with the reason, instead of waiting forever
(Playwright's `evaluate` has no timeout: a CI run stayed at 99 % until it was cancelled)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Error

from tests.e2e.conftest import LiveServer
from tests.e2e.test_candidate_calls import juror
from tests.e2e.test_candidate_support import ws_request

pytestmark = pytest.mark.browser
REQUEST = {"type": "call.ring", "candidate_id": "x", "simulation_id": "y"}


def test_a_request_on_a_closed_listener_fails_with_the_reason(
    live_server: LiveServer, browser: Any
) -> None:
    page = juror(browser, live_server, "client_a")
    page.evaluate("() => new Promise((r) => { window.__ws.onclose = r; window.__ws.close(); })")
    with pytest.raises(Error, match="le socket d'écoute n'est pas ouvert"):
        ws_request(page, REQUEST)


def test_a_listener_that_closes_before_the_answer_fails_with_the_reason(
    live_server: LiveServer, browser: Any
) -> None:
    page = juror(browser, live_server, "client_a")
    # the request is lost on its way and the socket closes: no answer will ever come
    page.evaluate("() => { window.__ws.send = () => setTimeout(() => window.__ws.close(), 50); }")
    with pytest.raises(Error, match="le socket d'écoute s'est fermé avant la réponse"):
        ws_request(page, REQUEST)

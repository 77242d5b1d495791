"""Every page works under the server's Content-Security-Policy (no bypass here): the sign-in
page signs in through its form, and each role's page loads its modules, opens its socket and receives its snapshot, and the browser reports no
violation of the policy and no script error."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, new_page, sign_in_with_code, sign_in_with_password
from tests.e2e.test_candidate_support import (
    PREPARATION,
    seed_with_pack,
    start_earlier,
    write_short_scenarios,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def server(make_server: Callable[..., LiveServer], tmp_path: Path) -> LiveServer:
    srv = make_server(scenarios_dir=write_short_scenarios(tmp_path / "scenarios"), seed=False)
    srv.day = srv.call(seed_with_pack, srv.ctx)
    return srv


def test_every_page_runs_under_the_content_security_policy(
    server: LiveServer, browser: Any
) -> None:
    assert server.day is not None
    server.call(start_earlier, server.ctx, server.day.ids["cand_a"], PREPARATION + 10)
    people = [
        ("cand_a", "/candidat"),
        ("client_a", "/jury"),
        ("observer_a", "/jury"),
        ("proctor", "/surveillance"),
        ("organiser", "/organisation"),
    ]
    for label, home in people:
        page = new_page(browser, server, enforce_csp=True)
        violations: list[str] = []
        page.on(
            "console",
            lambda m, out=violations: (
                out.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        if label == "organiser":  # (its socket opens once a session is chosen)
            sign_in_with_password(page)
            opens = page.get_by_role("button", name=re.compile("^Ouvrir la session Centre test"))
            with page.expect_websocket(timeout=30_000) as opened:
                opens.click()
        elif label == "cand_a":  # the sign-in page too, its form under the policy
            page.goto("/connexion")
            page.fill("#code", server.day.codes[label])
            with page.expect_websocket(timeout=30_000) as opened:
                page.get_by_role("button", name="Entrer").click()
                page.wait_for_url(f"**{home}*")
        else:
            with page.expect_websocket(timeout=30_000) as opened:
                sign_in_with_code(page, server.day.codes[label], home=home)
        opened.value.wait_for_event("framereceived", timeout=30_000)  # the snapshot
        headers = page.request.get(home).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert violations == [], f"{label}: {violations}"
        assert page.console_errors == [], f"{label}: {page.console_errors}"
        page.context.close()

"""Every HTTP answer carries the browser's protections: a Content-Security-Policy without inline
script, never framed, nosniff, a Referrer-Policy, and HSTS when it came in HTTPS. Walks every
route (pages, API, the static files) as anonymous and as each role, and the pages' HTML."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from server.core.clock import FakeClock
from server.core.config import Settings
from server.web.pages import PAGES
from tests.harness import Harness, running_app
from tests.one_hop_client import OneHopTestClient
from tests.web.test_access_walk import AS_ROLE, _sample_params, all_routes

EXPECTED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def _assert_protected(response: Any, where: str, *, https: bool) -> None:
    headers = response.headers
    csp = headers.get("content-security-policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ") if d}
    assert directives.get("frame-ancestors") == ["'none'"], f"{where}: {csp!r}"
    assert directives.get("script-src") == ["'self'"], f"{where}: inline script allowed? {csp!r}"
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, where
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, f"{where}: {name}={headers.get(name)!r}"
    if https:
        assert headers.get("strict-transport-security", "").startswith("max-age="), where
    else:
        assert "strict-transport-security" not in headers, f"{where}: HSTS over plain HTTP"


def _static_files(web_dir: Path) -> list[str]:
    return [
        "/static/" + p.relative_to(web_dir).as_posix()
        for p in sorted(web_dir.rglob("*"))
        if p.is_file()
    ]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("https", [False, True])
def test_every_page_static_file_and_api_answer_is_protected(
    settings: Settings, clock: FakeClock, https: bool
) -> None:
    with running_app(settings, clock) as h:
        base = "https://testserver" if https else "http://testserver"
        client = OneHopTestClient(h.client.app, base_url=base)
        checked = 0
        for path in [*PAGES, *_static_files(settings.web_dir), "/nulle-part", "/static/absent.js"]:
            _assert_protected(client.get(path), path, https=https)
            checked += 1
        for label in ("anonymous", *AS_ROLE.values()):
            cookies = _cookies(h, label)
            for route in all_routes(h.client.app.routes):  # type: ignore[attr-defined]
                if not isinstance(route, APIRoute) or "GET" not in route.methods:
                    continue
                path = route.path_format.format(**_sample_params(h))
                client.cookies.clear()
                for name, value in cookies.items():
                    client.cookies.set(name, value)
                _assert_protected(client.get(path), f"{label} GET {path}", https=https)
                checked += 1
        # Refusals and validation errors too.
        client.cookies.clear()
        _assert_protected(client.post("/api/auth/code", json={}), "422", https=https)
        assert checked > 100


def _cookies(h: Harness, label: str) -> dict[str, str]:
    h.login(label)
    cookies = dict(h.client.cookies.items())
    h.client.cookies.clear()
    return cookies


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_server_error_answer_is_protected_too(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:

        async def boom() -> None:
            raise RuntimeError("panne simulée")

        h.client.app.add_api_route("/api/panne-de-test", boom)  # type: ignore[attr-defined]
        client = TestClient(h.client.app, raise_server_exceptions=False)
        response = client.get("/api/panne-de-test")
        assert response.status_code == 500
        _assert_protected(response, "500", https=False)


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        handlers = [n for n in names if n.startswith("on")]
        if handlers:
            self.problems.append(f"<{tag}> {handlers}")
        if tag == "script" and not names.get("src"):
            self.problems.append("inline <script>")
        if "style" in names:
            self.problems.append(f"<{tag} style=…>")
        if tag == "style":
            self.problems.append("<style>")
        if any(v and v.strip().lower().startswith("javascript:") for v in names.values()):
            self.problems.append(f"<{tag}> javascript: URL")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_page_has_inline_script_handlers_or_styles(settings: Settings) -> None:
    """What the policy forbids is not in the pages (it would simply not run)."""
    for page in sorted(settings.web_dir.glob("*.html")):
        finder = _InlineFinder()
        finder.feed(page.read_text(encoding="utf-8"))
        assert finder.problems == [], f"{page.name}: {finder.problems}"

"""Every page names the site's icon, which is served; /favicon.ico (asked by browsers for
anything else, a PDF, a JSON answer) answers it too instead of a 404."""

from __future__ import annotations

import re

from server.core.clock import FakeClock
from server.core.config import Settings
from server.web.pages import PAGES
from tests.harness import running_app


def test_every_page_has_an_icon_that_is_served(settings: Settings, clock: FakeClock) -> None:
    with running_app(settings, clock) as h:
        for path in PAGES:
            html = h.client.get(path).text
            icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
            assert icon, f"{path} names no icon"
            r = h.client.get(icon.group(1))
            assert r.status_code == 200 and r.text.lstrip().startswith("<svg"), path
        r = h.client.get("/favicon.ico")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("image/svg+xml")

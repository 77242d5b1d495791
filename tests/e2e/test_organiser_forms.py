"""The organiser's setting forms keep what the organiser is typing: the console refreshes the
session in the background (each event, each snapshot), and a refresh that comes between a
click and « Enregistrer » must not put the stored value back into the form and have it saved
instead of the organiser's (it did, on a loaded machine: the proctors' extension saved as
« not allowed » right after the organiser had allowed it)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, new_page, open_test_document

pytestmark = pytest.mark.browser

PAGE_HTML = """<head><meta charset="utf-8"><title>Réglages (test)</title></head>
<body><main><proctor-extension id="setting"></proctor-extension></main></body>"""

# Every save asked of the console is kept in window.__saved.
PAGE_SCRIPT = """import "/static/js/components/proctor-extension.js";
const setting = document.getElementById("setting");
window.__saved = [];
setting.addEventListener("proctor-extension-save", (ev) => window.__saved.push(ev.detail));
setting.show(null);
document.body.dataset.ready = "true";
"""


@pytest.fixture
def page(browser: Any, static_server: LiveServer) -> Any:
    page = new_page(browser, static_server)
    open_test_document(page, PAGE_HTML, PAGE_SCRIPT)
    yield page
    assert page.console_errors == []
    page.context.close()


def _background_refresh(page: Any, minutes: int | None) -> None:
    page.evaluate("(m) => document.getElementById('setting').show(m)", minutes)


def test_a_background_refresh_keeps_the_proctor_extension_being_edited(page: Any) -> None:
    setting = page.locator("#setting")
    status = setting.locator(".pe-status")
    allow = setting.get_by_label("Les surveillants peuvent prolonger")
    minutes = setting.get_by_label("Minutes au plus par prolongation")
    allow.check()
    minutes.fill("10")
    _background_refresh(page, None)  # the stored value, unchanged: not allowed
    expect(status).to_have_text("Non autorisé : seuls le responsable et le jury prolongent.")
    expect(allow).to_be_checked()  # the organiser's edit is still there…
    expect(minutes).to_have_value("10")
    setting.get_by_role("button", name="Enregistrer").click()
    assert page.evaluate("() => window.__saved") == [{"minutes": 10}]  # …and is what is saved

    # Saved: the console shows the answer; the form follows the stored value again.
    page.evaluate(
        "() => { const s = document.getElementById('setting'); s.result(null); s.show(10); }"
    )
    expect(status).to_have_text("Autorisé : 10 min au plus par prolongation.")
    _background_refresh(page, 5)  # another organiser's change, later
    expect(minutes).to_have_value("5")
    expect(status).to_have_text("Autorisé : 5 min au plus par prolongation.")
    _background_refresh(page, None)
    expect(allow).not_to_be_checked()
    expect(minutes).to_be_disabled()


def test_a_refused_save_keeps_the_edit_for_another_try(page: Any) -> None:
    setting = page.locator("#setting")
    allow = setting.get_by_label("Les surveillants peuvent prolonger")
    minutes = setting.get_by_label("Minutes au plus par prolongation")
    allow.check()
    minutes.fill("90")
    setting.get_by_role("button", name="Enregistrer").click()
    page.evaluate(
        "() => document.getElementById('setting').result('60 minutes au plus par prolongation.')"
    )
    _background_refresh(page, None)
    expect(setting.locator(".error")).to_have_text("60 minutes au plus par prolongation.")
    expect(allow).to_be_checked()
    expect(minutes).to_have_value("90")
    minutes.fill("45")
    setting.get_by_role("button", name="Enregistrer").click()
    assert page.evaluate("() => window.__saved") == [{"minutes": 90}, {"minutes": 45}]

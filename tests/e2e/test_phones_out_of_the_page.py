"""The softphones taken out of the page and put back (the pages move them between layouts):
<soft-phone> (the candidate's) stops its call clock and its keyboard shortcuts once out of the
page and has both again once put back; <jury-softphone> has its clock again once put back. The
page's intervals are held by the test (window.setInterval replaced before the components run),
so a clock running or not is a fact of the page, not of a wait."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import open_test_document

pytestmark = pytest.mark.browser

PAGE_HTML = """<head><meta charset="utf-8"><title>Téléphones hors de la page (test)</title></head>
<body><main id="main"></main><aside id="aside"></aside></body>"""

PAGE_SCRIPT = """const intervals = new Map();
let next = 0;
window.setInterval = (fn) => { intervals.set(++next, fn); return next; };
window.clearInterval = (id) => { intervals.delete(id); };
window.__intervals = () => intervals.size;
await import("/static/js/cti/soft-phone.js");
await import("/static/js/jury/jury-softphone.js");
window.__phones = {};
for (const tag of ["soft-phone", "jury-softphone"]) {
  const phone = document.createElement(tag);
  window.__phones[tag] = phone; // kept: out of the page, no query finds it
}
document.body.dataset.ready = "true";
"""


def intervals(page: Any) -> int:
    return int(page.evaluate("() => window.__intervals()"))


def put(page: Any, tag: str, where: str | None) -> None:
    """`tag` into #main or #aside, or out of the page (None)."""
    page.evaluate(
        """([tag, where]) => {
            const phone = window.__phones[tag];
            if (where) document.getElementById(where).append(phone);
            else phone.remove();
        }""",
        [tag, where],
    )


@pytest.mark.parametrize("tag", ["soft-phone", "jury-softphone"])
def test_a_phone_has_its_clock_only_while_in_the_page(page: Any, tag: str) -> None:
    open_test_document(page, PAGE_HTML, PAGE_SCRIPT)
    put(page, tag, "main")
    in_page = intervals(page)
    assert in_page >= 1
    put(page, tag, None)
    assert intervals(page) == in_page - 1
    # Put back (elsewhere): its clock again, one only.
    put(page, tag, "aside")
    assert intervals(page) == in_page
    put(page, tag, "main")  # moved: out then in again
    assert intervals(page) == in_page
    assert page.console_errors == []


def test_the_candidates_phone_answers_its_shortcuts_only_while_in_the_page(page: Any) -> None:
    open_test_document(page, PAGE_HTML, PAGE_SCRIPT)
    put(page, "soft-phone", "main")
    pad_hidden = "() => window.__phones['soft-phone'].querySelector('.sp-dialpad').hidden"
    assert page.evaluate(pad_hidden) is True
    page.keyboard.press("Alt+c")  # the keypad
    assert page.evaluate(pad_hidden) is False
    page.keyboard.press("Alt+c")
    assert page.evaluate(pad_hidden) is True
    # Out of the page: the shortcut does nothing to it.
    put(page, "soft-phone", None)
    page.keyboard.press("Alt+c")
    assert page.evaluate(pad_hidden) is True
    # Put back: once again (one listener, not two: the keypad opens, not opens and closes).
    put(page, "soft-phone", "aside")
    page.keyboard.press("Alt+c")
    assert page.evaluate(pad_hidden) is False
    expect(page.locator("soft-phone")).to_have_count(1)
    assert page.console_errors == []

"""`wait_for_async` waits for an asynchronous check (a promise) to be true, where Playwright's
`wait_for_function` would pass at once; and no test hands `wait_for_function` such a check."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.waiting import wait_for_async

TESTS = Path(__file__).resolve().parents[1]
LATER = """async (n) => {
    await new Promise((done) => setTimeout(done, 5));
    return window.__ticks >= n;
}"""


def test_an_async_check_is_awaited_until_it_is_true(browser: Any) -> None:
    page = browser.new_page()
    try:
        page.evaluate("() => { window.__ticks = 0; setInterval(() => window.__ticks++, 100); }")
        wait_for_async(page, LATER, 5, what="five ticks")
        assert page.evaluate("() => window.__ticks") >= 5
    finally:
        page.close()


def test_an_async_check_that_never_holds_times_out(browser: Any) -> None:
    page = browser.new_page()
    try:
        with pytest.raises(AssertionError, match="still waiting after 1 s for: never"):
            wait_for_async(page, "async () => false", what="never", timeout_s=1)
    finally:
        page.close()


def _promised_predicates() -> list[str]:
    found = []
    for path in TESTS.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "wait_for_function"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                continue
            js = node.args[0].value
            if js.lstrip().startswith("async") or "fetch(" in js or ".then(" in js:
                found.append(f"{path.relative_to(TESTS)}:{node.lineno}")
    return found


def test_no_wait_for_function_is_given_a_promise() -> None:
    assert _promised_predicates() == [], "use tests/e2e/waiting.py's wait_for_async"


def test_playwrights_own_wait_passes_an_async_check_at_once(browser: Any) -> None:
    """Why the helper exists: if Playwright starts awaiting such a check, this fails and the
    helper can go."""
    page = browser.new_page()
    try:
        never = "async () => false"  # (a name, not a literal: the check below skips it)
        page.wait_for_function(never, timeout=5_000)  # passes: a promise is truthy
    finally:
        page.close()

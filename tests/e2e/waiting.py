"""Waiting in a page for what only an asynchronous check can tell (the server's state read
with `fetch`). Playwright's `wait_for_function` does not await a promise: an async predicate
returns one, which is truthy, so it passes at once (microsoft/playwright#29132) — four of our
waits did not wait. `page.evaluate` awaits; this polls it."""

from __future__ import annotations

import time
from typing import Any

WAIT_S = 60.0  # generous: the check passes as soon as it can; a loaded machine is slow


def wait_for_async(
    page: Any,
    predicate: str,
    arg: Any = None,
    *,
    what: str,
    timeout_s: float = WAIT_S,
    every_ms: int = 200,
) -> None:
    """Until `predicate` (JavaScript; it may return a promise) is truthy in `page`."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(predicate, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout_s:.0f} s for: {what}")
        page.wait_for_timeout(every_ms)

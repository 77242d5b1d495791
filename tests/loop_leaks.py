"""pytest plugin (tests/conftest.py loads it): a test whose event loop is still open after its
teardown fails, naming where the loop was made.

An event loop left open is collected later, in whichever test the garbage collector happens to
run: its ResourceWarnings (the loop, and the AF_UNIX socket pair it wakes itself with) are
errors under `filterwarnings = error`, and fail that innocent test on pytest's unraisable-
exception check (on the same xdist worker, beside busy CPUs, where collection comes at other
moments). Here the test that made the loop fails instead, at its own teardown.

Loops made while a fixture broader than a function is set up (Playwright's, per module) belong
to that fixture and are not checked. No garbage collection is needed: `close()` is recorded.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Generator
from typing import Any

import pytest

_broad_fixtures: list[str] = []  # the fixtures broader than a function being set up
_made: dict[int, tuple[str, list[bool]]] = {}  # id(loop) -> (where, [closed]) for this test
_original_init = asyncio.BaseEventLoop.__init__
_original_close = asyncio.BaseEventLoop.close


def _init(self: asyncio.BaseEventLoop, *args: Any, **kwargs: Any) -> None:
    _original_init(self, *args, **kwargs)
    if not _broad_fixtures:
        closed = [False]
        self.__dict__["_plateau_closed"] = closed
        where = "".join(traceback.format_stack(limit=10)[:-1])
        _made[id(self)] = (where, closed)


def _close(self: asyncio.BaseEventLoop) -> None:
    _original_close(self)
    closed = self.__dict__.get("_plateau_closed")
    if closed is not None:
        closed[0] = True


_configured = [0]  # sessions using the plugin in this process (pytester runs one inside)


def pytest_configure(config: pytest.Config) -> None:
    if _configured[0] == 0:
        asyncio.BaseEventLoop.__init__ = _init  # type: ignore[method-assign]
        asyncio.BaseEventLoop.close = _close  # type: ignore[method-assign]
    _configured[0] += 1


def pytest_unconfigure(config: pytest.Config) -> None:
    _configured[0] -= 1
    if _configured[0] == 0:
        asyncio.BaseEventLoop.__init__ = _original_init  # type: ignore[method-assign]
        asyncio.BaseEventLoop.close = _original_close  # type: ignore[method-assign]


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any]) -> Generator[None, Any, Any]:
    broad = fixturedef.scope != "function"
    if broad:
        _broad_fixtures.append(fixturedef.argname)
    try:
        return (yield)
    finally:
        if broad:
            _broad_fixtures.pop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    _made.clear()  # loops of an earlier test were reported at its teardown
    return (yield)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    result = yield
    left = [where for where, closed in _made.values() if not closed[0]]
    _made.clear()
    if left:
        raise AssertionError(
            f"{len(left)} event loop(s) made by this test are still open after its teardown "
            "(close them: a loop collected later fails another test). Made at:\n"
            + "\n---\n".join(left)
        )
    return result

"""tests/loop_leaks.py: a test that leaves an event loop open fails at its own teardown, and one
that closes its loops, or whose loop belongs to a module's fixture, passes."""

from __future__ import annotations

import asyncio
import builtins

import pytest

from tests import loop_leaks

INNER = ("-p", "tests.loop_leaks", "-p", "no:xdist", "-p", "no:asyncio", "-q")
LEAKY = """
import asyncio, builtins

def test_leaves_a_loop_open():
    builtins._plateau_leaked_loop = asyncio.new_event_loop()  # closed by the outer test

def test_closes_its_loop():
    asyncio.new_event_loop().close()

def test_asyncio_run_closes_its_loop():
    asyncio.run(asyncio.sleep(0))
"""

MODULE_FIXTURE = """
import asyncio
import pytest

@pytest.fixture(scope="module")
def module_loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()

def test_one(module_loop):
    assert not module_loop.is_closed()

def test_two(module_loop):
    assert not module_loop.is_closed()
"""


def test_a_loop_left_open_fails_the_test_that_made_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_leaky=LEAKY)
    try:
        result = pytester.runpytest_inprocess(*INNER)
    finally:
        leaked = getattr(builtins, "_plateau_leaked_loop", None)
        if leaked is not None:
            leaked.close()
            del builtins._plateau_leaked_loop
    assert isinstance(leaked, asyncio.AbstractEventLoop)
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaves_a_loop_open*",
            "*1 event loop(s) made by this test are still open after its teardown*",
            "*test_leaky.py*test_leaves_a_loop_open*",
        ]
    )


def test_a_loop_of_a_module_fixture_is_not_a_leak(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_module_fixture=MODULE_FIXTURE)
    result = pytester.runpytest_inprocess(*INNER)
    result.assert_outcomes(passed=2)


def test_the_check_stays_on_after_an_inner_session() -> None:
    """The sessions above load the plugin again: ending them leaves this session's check on."""
    assert asyncio.BaseEventLoop.__init__ is loop_leaks._init
    assert asyncio.BaseEventLoop.close is loop_leaks._close

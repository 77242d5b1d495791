"""tests/jump_clock.py: real time moved forward on demand; a sleeper wakes at the jump that
reaches its end, not at one that falls short."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from tests.jump_clock import JumpClock

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def test_now_is_the_system_time_plus_the_jumps() -> None:
    clock = JumpClock(lambda: T0)
    assert clock.now() == T0
    clock.jump(30)
    clock.jump(0.5)
    assert clock.now() == T0 + timedelta(seconds=30.5)
    with pytest.raises(ValueError):
        clock.jump(-1)


async def test_a_sleeper_wakes_when_a_jump_reaches_its_end() -> None:
    clock = JumpClock(lambda: T0)  # the system's time stands still here: only jumps move it
    sleeper = asyncio.create_task(clock.sleep(3600))
    await asyncio.sleep(0)
    clock.jump(1800)  # half-way: still asleep
    await asyncio.sleep(0.01)
    assert not sleeper.done()
    clock.jump(1800)
    await asyncio.wait_for(sleeper, timeout=30)


async def test_a_sleep_ends_with_real_time_too() -> None:
    clock = JumpClock()
    await asyncio.wait_for(clock.sleep(0.01), timeout=30)
    await asyncio.wait_for(clock.sleep(-5), timeout=30)  # nothing to wait for


async def test_a_sleep_ends_where_it_was_asked_even_if_a_jump_comes_before_it_runs() -> None:
    # The timeline's scheduler creates its sleep as a task: a jump between the creation and the
    # task's first step must not push the end further (it did: the end was counted from then).
    clock = JumpClock(lambda: T0)  # the system's time stands still: only jumps move it
    sleeper = asyncio.create_task(clock.sleep(3600))
    clock.jump(3600)
    await asyncio.wait_for(sleeper, timeout=30)

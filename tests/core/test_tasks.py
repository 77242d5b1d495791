"""Stopping a background task always ends: a loop that swallows its cancellation (a library
turning `CancelledError` into its own error inside `except OSError: continue`, as redis-py did
under the media worker's SIGTERM) is cancelled again at its next await."""

from __future__ import annotations

import asyncio

import pytest

from server.core.tasks import cancel_and_wait, swallowed

GUARD_S = 120.0  # only a hang-guard: a stop that works ends at the loop's next await


async def _forgetful_loop(working: asyncio.Event, done_work: asyncio.Event) -> None:
    """A loop that forgot `swallowed`: its work turns the cancellation into an OSError, which
    the loop swallows before sleeping until the next beat."""
    while True:
        try:
            working.set()
            try:
                await done_work.wait()
            except asyncio.CancelledError:
                raise ConnectionError("Connection closed by server.") from None
        except OSError:
            pass  # "Redis away: the next beat tries again"
        await asyncio.sleep(3600)


async def test_a_cancellation_lost_in_the_work_is_repeated_at_the_next_await() -> None:
    working = asyncio.Event()
    task = asyncio.create_task(_forgetful_loop(working, asyncio.Event()))
    await working.wait()
    assert await asyncio.wait_for(cancel_and_wait(task), GUARD_S) is True
    assert task.done()


async def _loop_with_swallowed(working: asyncio.Event) -> None:
    """A loop whose work is where it always waits: one cancellation must end it."""
    while True:
        await asyncio.sleep(0)
        with swallowed(OSError):
            working.set()
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                raise ConnectionError("Connection closed by server.") from None


async def test_swallowed_lets_a_cancellation_through_whatever_error_it_became() -> None:
    working = asyncio.Event()
    task = asyncio.create_task(_loop_with_swallowed(working))
    await working.wait()
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=GUARD_S)
    assert task in done and task.cancelled()


async def test_swallowed_still_swallows_the_error_when_nobody_cancels() -> None:
    with swallowed(OSError):
        raise ConnectionError("Redis away")
    with pytest.raises(ValueError), swallowed(OSError):
        raise ValueError("not swallowed")


async def test_a_plain_task_is_cancelled_and_a_finished_one_left_alone() -> None:
    sleeper = asyncio.create_task(asyncio.sleep(3600))
    await asyncio.sleep(0)
    assert await cancel_and_wait(sleeper) is True
    assert sleeper.cancelled()
    finished = asyncio.create_task(asyncio.sleep(0))
    await finished
    assert await cancel_and_wait(finished) is True
    assert await cancel_and_wait(None) is True


async def test_a_task_that_never_ends_is_left_after_the_bound_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    release = asyncio.Event()

    async def stubborn() -> None:
        while not release.is_set():
            try:
                await release.wait()
            except asyncio.CancelledError:
                continue

    task = asyncio.create_task(stubborn(), name="stubborn")
    await asyncio.sleep(0)
    assert await cancel_and_wait(task, within_s=0.05) is False
    assert "stubborn" in caplog.text
    release.set()
    await task


async def test_an_error_raised_by_the_task_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def failing() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            raise RuntimeError("boom while stopping")

    task = asyncio.create_task(failing(), name="failing")
    await asyncio.sleep(0)
    assert await cancel_and_wait(task) is True
    assert "boom while stopping" in caplog.text

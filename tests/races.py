"""Races made certain rather than hoped for: the next calls of an async function wait for each
other there (before the call, or after it), so that two writers are sure to have both read
before either writes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest


def meet_at(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, *, after: bool = False, parties: int = 2
) -> None:
    """The next `parties` calls of `owner.name` wait until all of them got there: before the
    call, or once it returned (`after`). Later calls go straight through."""
    real = getattr(owner, name)
    barrier: list[asyncio.Barrier] = []  # made on the loop that runs the race
    calls = 0

    async def meet() -> None:
        nonlocal calls
        calls += 1
        if calls > parties:
            return
        if not barrier:
            barrier.append(asyncio.Barrier(parties))
        await barrier[0].wait()

    async def met(*args: Any, **kwargs: Any) -> Any:
        if not after:
            await meet()
        result = await real(*args, **kwargs)
        if after:
            await meet()
        return result

    monkeypatch.setattr(owner, name, met)

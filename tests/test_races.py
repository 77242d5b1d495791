"""`tests/races.py`'s `meet_at` really makes two callers meet: with it, both have read before
either writes; a third call is not held."""

from __future__ import annotations

import asyncio
import types

import pytest

from tests.races import meet_at


def _store(steps: list[str]) -> types.SimpleNamespace:
    async def read(who: str) -> str:
        steps.append(f"read {who}")
        await asyncio.sleep(0)
        return who

    return types.SimpleNamespace(read=read)


async def _writer(store: types.SimpleNamespace, steps: list[str], who: str, late: float) -> None:
    await asyncio.sleep(late)  # the second writer comes much later
    await store.read(who)
    steps.append(f"write {who}")


@pytest.mark.parametrize("after", [False, True])
async def test_both_read_before_either_writes(monkeypatch: pytest.MonkeyPatch, after: bool) -> None:
    steps: list[str] = []
    store = _store(steps)
    meet_at(monkeypatch, store, "read", after=after)
    await asyncio.gather(_writer(store, steps, "a", 0), _writer(store, steps, "b", 0.05))
    assert sorted(steps[:2]) == ["read a", "read b"], steps
    await asyncio.wait_for(store.read("c"), timeout=60)  # a third call is not held


async def test_without_it_the_first_writes_before_the_second_reads() -> None:
    steps: list[str] = []
    store = _store(steps)
    await asyncio.gather(_writer(store, steps, "a", 0), _writer(store, steps, "b", 0.05))
    assert steps == ["read a", "write a", "read b", "write b"]

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from server.telephony.workers.gc_tuning import GEN0_THRESHOLD, GcPauses, tune_gc


@pytest.fixture
def restore_gc() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_pauses_are_counted_per_generation() -> None:
    pauses = GcPauses().install()
    try:
        gc.collect(0)
        gc.collect(2)
    finally:
        pauses.uninstall()
    stats = pauses.stats()
    assert stats["count"][0] >= 1 and stats["count"][2] >= 1
    assert stats["max_ms"][2] > 0
    gc.collect()
    assert pauses.stats() == stats  # uninstalled: no longer counted


def test_tuning_freezes_what_exists_and_collects_less_often(restore_gc: None) -> None:
    keep = [object() for _ in range(1000)]
    tune_gc()
    assert gc.get_freeze_count() >= len(keep)
    assert gc.get_threshold()[0] == GEN0_THRESHOLD

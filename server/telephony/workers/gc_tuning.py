"""Garbage-collector pauses are media-clock stalls: a full collection over the many small
objects aiortc keeps (per packet, per peer) can hold the event loop for tens of ms, longer
than the 60-100 ms of slack the media core allows. A media process measures its pauses
(`GcPauses`, reported in its stats) and, once started, freezes its start-up objects out of
the collector's reach (`gc.freeze`) and collects the old generation less often."""

from __future__ import annotations

import gc
import time

GEN0_THRESHOLD = 2_000  # default 700: fewer young collections
OLD_THRESHOLD = 50  # default 10 (gen1) and 10 (gen2): full collections 25x rarer


class GcPauses:
    """Counts collections and their durations per generation (via `gc.callbacks`)."""

    def __init__(self) -> None:
        self.count = [0, 0, 0]
        self.total_ms = [0.0, 0.0, 0.0]
        self.max_ms = [0.0, 0.0, 0.0]
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        gen = int(info["generation"])
        elapsed = (time.perf_counter() - self._started) * 1000
        self.count[gen] += 1
        self.total_ms[gen] += elapsed
        self.max_ms[gen] = max(self.max_ms[gen], elapsed)

    def install(self) -> GcPauses:
        if self._callback not in gc.callbacks:
            gc.callbacks.append(self._callback)
        return self

    def uninstall(self) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def stats(self) -> dict[str, list[float]]:
        return {
            "count": list(self.count),
            "max_ms": [round(x, 2) for x in self.max_ms],
            "total_ms": [round(x, 1) for x in self.total_ms],
        }


def tune_gc() -> None:
    """Call once the process has imported and built what it keeps for its whole life."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GEN0_THRESHOLD, OLD_THRESHOLD, OLD_THRESHOLD)

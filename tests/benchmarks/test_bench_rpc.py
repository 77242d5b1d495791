"""The server's counters are read defensively: whatever their names and shapes, they are
summed over rooms and printed; those that say something was lost are picked out."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.bench_rpc import flatten_counters, suspicious_counters

ROOT = Path(__file__).resolve().parents[2]


def test_counters_of_any_name_and_shape_are_flattened_and_summed_over_rooms() -> None:
    stats = {
        "tick": {"ticks": 500, "resyncs": 1},
        "rooms": {
            "room-0": {
                "peers": {"candidate": "connected"},  # not a number: left out
                "call": "call-0",
                "jitter_late_packets": {"candidate": 2, "client": 1},  # a name never seen
                "buffer": {"target_ms": {"candidate": 40, "client": 60}, "grown": 3},
                "recorder_dropped": 0,
            },
            "room-1": {
                "jitter_late_packets": {"candidate": 0, "client": 4},
                "buffer": {"target_ms": {"candidate": 20, "client": 20}, "grown": 0},
                "recorder_dropped": 2,
                "healthy": True,
            },
        },
        "gc": {"collections": [1, 2], "pause_ms_max": 1.5},
        "version": "x",
    }
    assert flatten_counters(stats) == {
        "buffer.grown": 3,
        "buffer.target_ms": 140,
        "gc.collections.0": 1,  # a list of numbers: by index (the GC's generations)
        "gc.collections.1": 2,
        "gc.pause_ms_max": 1.5,
        "healthy": 1,
        "jitter_late_packets": 7,
        "recorder_dropped": 2,
        "tick.resyncs": 1,
        "tick.ticks": 500,
    }
    assert flatten_counters(None) == {} and flatten_counters({"rooms": []}) == {}


def test_the_counters_that_say_something_was_lost_are_picked_out_when_not_zero() -> None:
    counters = {"tick.ticks": 500, "tick.resyncs": 1, "jitter_late_packets": 7,
                "outbound_dropped": 0, "concealed": 2, "upstream_dropped_samples": 960}  # fmt: skip
    assert suspicious_counters(counters) == {
        "tick.resyncs": 1,
        "jitter_late_packets": 7,
        "concealed": 2,
        "upstream_dropped_samples": 960,
    }


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="pinning needs two cores")
def test_the_server_is_pinned_to_core_0_even_when_started_from_the_bots_core() -> None:
    """media_bench pins itself to the bots' cores, then starts the server: the server must
    still get core 0 (it inherited the bots' core and stayed there)."""
    code = (
        "import os; os.sched_setaffinity(0, {1});"
        "from benchmarks.bench_rpc import pin; pin(server=True);"
        "print(sorted(os.sched_getaffinity(0)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[0]"


def test_the_servers_loop_stalls_are_counted_with_when_they_happened() -> None:
    import time

    from benchmarks.bench_rpc import LoopLag

    async def scenario() -> LoopLag:
        lag = LoopLag()
        watch = asyncio.create_task(lag.watch())
        await asyncio.sleep(0.05)
        blocked_at = time.monotonic()
        time.sleep(0.3)  # noqa: ASYNC251 - the loop blocked on purpose: the watch wakes late
        await asyncio.sleep(0.05)
        watch.cancel()
        lag.blocked_at = blocked_at  # type: ignore[attr-defined]
        return lag

    lag = asyncio.run(scenario())
    stats = lag.stats()
    assert stats["stalls"] >= 1 and stats["max_ms"] >= 200
    at, late = stats["at"][0]
    assert abs(at - lag.blocked_at) < 0.1  # type: ignore[attr-defined]
    assert late >= 200


def test_lists_of_numbers_in_the_servers_stats_are_counted_by_index() -> None:
    from benchmarks.bench_rpc import flatten_counters

    flat = flatten_counters({"gc": {"max_ms": [1.5, 2.0, 80.0]}, "loop_lag": {"at": [[1, 2]]}})
    assert flat == {"gc.max_ms.0": 1.5, "gc.max_ms.1": 2.0, "gc.max_ms.2": 80.0}

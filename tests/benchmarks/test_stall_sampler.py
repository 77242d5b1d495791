"""The stall sampler: while the server's event loop is stalled, what each thread was doing
and whether the loop's thread was on the CPU, waiting for it, or asleep."""

from __future__ import annotations

import asyncio
import time

from benchmarks.stall_sampler import StallSampler, verdict


def _sleep_in_the_loop_for_the_test() -> None:
    time.sleep(0.3)


def _spin_in_the_loop_for_the_test() -> None:
    end = time.monotonic() + 0.3
    while time.monotonic() < end:
        pass


async def _stall_once(block: object) -> StallSampler:
    sampler = StallSampler(stall_s=0.1)
    sampler.start()
    try:
        await asyncio.sleep(0.05)
        asyncio.get_running_loop().call_soon(block)  # type: ignore[arg-type]
        await asyncio.sleep(0.05)
        await asyncio.sleep(0.05)  # the loop runs again: the stall is closed
    finally:
        sampler.stop()
    return sampler


def test_a_stall_asleep_in_the_loop_names_the_function_and_says_asleep() -> None:
    sampler = asyncio.run(_stall_once(_sleep_in_the_loop_for_the_test))
    stalls = sampler.stats()
    assert len(stalls) == 1
    stall = stalls[0]
    assert stall["ms"] >= 250
    stacks = " ".join(s["stack"] for s in stall["loop_thread"])
    assert "_sleep_in_the_loop_for_the_test" in stacks
    # neither on the CPU nor waiting for it: asleep in the kernel
    assert stall["verdict"] == "asleep"
    # and what the machine's CPUs did meanwhile, by kind
    assert stall["cpus_ms"] and all(isinstance(v, dict) for v in stall["cpus_ms"].values())


def test_a_stall_busy_in_the_loop_says_on_the_cpu() -> None:
    sampler = asyncio.run(_stall_once(_spin_in_the_loop_for_the_test))
    stall = sampler.stats()[0]
    stacks = " ".join(s["stack"] for s in stall["loop_thread"])
    assert "_spin_in_the_loop_for_the_test" in stacks
    # on the CPU, or waiting for one on a machine busy beside the test: not asleep
    assert stall["verdict"] in ("busy", "starved")


def test_a_loop_that_never_stalls_has_no_stall() -> None:
    async def quiet() -> StallSampler:
        sampler = StallSampler(stall_s=0.5)
        sampler.start()
        for _ in range(10):
            await asyncio.sleep(0.01)
        sampler.stop()
        return sampler

    assert asyncio.run(quiet()).stats() == []


def test_the_verdict_is_what_the_loop_mostly_did() -> None:
    assert verdict(100, on_cpu_ms=70, runnable_ms=10) == "busy"
    assert verdict(100, on_cpu_ms=20, runnable_ms=60) == "starved"
    assert verdict(100, on_cpu_ms=20, runnable_ms=10) == "asleep"

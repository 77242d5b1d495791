"""pytest plugin: each test's wall time, the CPU of its worker process and of the children that
worker reaped meanwhile, written per xdist worker as JSON (benchmarks/results/suite_durations.md).

    PYTHONPATH=benchmarks CPU_PER_TEST_DIR=/tmp/prof pytest -p cpu_per_test ...

Chromium's processes are reaped by Playwright's driver, itself reaped when the worker ends: their
CPU lands on the worker's last test."""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_rows: list[dict[str, Any]] = []


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    yield
    _rows.append(
        {
            "id": item.nodeid,
            "wall": time.perf_counter() - wall,
            "cpu": time.process_time() - cpu,
            "children": _children_cpu() - children,
        }
    )


def pytest_sessionfinish(session: pytest.Session) -> None:
    out = Path(os.environ.get("CPU_PER_TEST_DIR", "."))
    out.mkdir(parents=True, exist_ok=True)  # a missing folder would lose the whole run's rows
    name = os.environ.get("PYTEST_XDIST_WORKER", "main")
    (out / f"rows-{name}.json").write_text(json.dumps(_rows))

"""How many xdist workers the suite runs on by default (tests/conftest.py): two per core, as
the tests spend a quarter of their time waiting (calls at real speed, timers, PostgreSQL's
syncs) — benchmarks/results/suite_durations.md has the runs that chose it."""

from __future__ import annotations

from tests.conftest import default_workers


def test_two_workers_per_core_by_default() -> None:
    assert default_workers({}, cores=2) == 4
    assert default_workers({}, cores=1) == 2


def test_the_environment_chooses_otherwise() -> None:
    assert default_workers({"PLATEAU_TEST_WORKERS": "0"}, cores=2) == 0
    assert default_workers({"PLATEAU_TEST_WORKERS": "3"}, cores=2) == 3
    assert default_workers({"PLATEAU_TEST_WORKERS": "auto"}, cores=8) == 16

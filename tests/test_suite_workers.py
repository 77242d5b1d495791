"""How many xdist workers the suite runs on by default (tests/conftest.py): one per core and
two more — the tests wait for a part of their time (calls at real speed, timers, PostgreSQL's
syncs), which the extra workers fill (benchmarks/results/suite_durations.md has the runs)."""

from __future__ import annotations

from tests.conftest import default_workers


def test_one_worker_per_core_and_two_more_by_default() -> None:
    assert default_workers({}, cores=2) == 4
    assert default_workers({}, cores=1) == 3
    assert default_workers({}, cores=8) == 10


def test_the_environment_chooses_otherwise() -> None:
    assert default_workers({"PLATEAU_TEST_WORKERS": "0"}, cores=2) == 0
    assert default_workers({"PLATEAU_TEST_WORKERS": "2"}, cores=2) == 2
    assert default_workers({"PLATEAU_TEST_WORKERS": "auto"}, cores=8) == 10

"""Which tests run on PostgreSQL as well as SQLite (`pytest_generate_tests` in
tests/conftest.py): those marked `postgres`. Every other test runs on SQLite only. The marked
ones are those whose subject is the database, and the per-action event tests: they make every
state-changing route and every WebSocket command run on PostgreSQL at least once
(tests/web/test_route_events.py and test_command_events.py check that each has such a test)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


def _variants(request: pytest.FixtureRequest, name: str) -> set[str]:
    """The database variants this module's collection gives the test `name` (collected afresh:
    a `-k` that deselected one does not hide it)."""
    module = request.node.getparent(pytest.Module)
    assert module is not None
    return {
        item.callspec.params["database_url"]
        for item in module.collect()
        if isinstance(item, pytest.Function) and item.originalname == name
    }


def test_an_unmarked_test_runs_on_sqlite_only(
    database_url: str, request: pytest.FixtureRequest
) -> None:
    assert database_url.startswith("sqlite")
    assert _variants(request, "test_an_unmarked_test_runs_on_sqlite_only") == {"sqlite"}


@pytest.mark.postgres
def test_a_marked_test_runs_on_both(database_url: str, request: pytest.FixtureRequest) -> None:
    assert _variants(request, "test_a_marked_test_runs_on_both") == {"sqlite", "postgres"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.postgres
def test_a_test_that_chooses_its_databases_keeps_its_choice(
    database_url: str, request: pytest.FixtureRequest
) -> None:
    assert _variants(request, "test_a_test_that_chooses_its_databases_keeps_its_choice") == {
        "sqlite"
    }


def _marked(path: Path) -> bool:
    """`pytestmark` of the module holds `pytest.mark.postgres`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            return "pytest.mark.postgres" in ast.unparse(node.value)
    return False


# a test module that asks for a database (one of the fixtures that give one)
USES_A_DATABASE = re.compile(r"\b(?:database_url|migrated_url|settings): ")
EVENT_TESTS = re.compile(r"^from tests\.events_check import", re.M)


def _modules(where: str, name: str, text: re.Pattern[str]) -> list[Path]:
    return sorted(
        p
        for p in TESTS.glob(f"{where}/{name}")
        if USES_A_DATABASE.search(source := p.read_text(encoding="utf-8")) and text.search(source)
    )


ANY = re.compile("")


@pytest.mark.parametrize(
    "modules",
    [
        # the per-action event tests: every route and command once on PostgreSQL
        pytest.param(_modules("**", "test_*.py", EVENT_TESTS), id="event tests"),
        # races: what one database's locks let through, the other's may not
        pytest.param(_modules("**", "test_*_race*.py", ANY), id="races"),
        # the database layer itself (migrations, audit chain, leases, connections)
        pytest.param(_modules("core", "test_*.py", ANY), id="core"),
    ],
)
def test_the_database_sensitive_tests_run_on_postgres(modules: list[Path]) -> None:
    assert modules, "none found: the policy's patterns no longer match the suite"
    unmarked = [str(m.relative_to(TESTS)) for m in modules if not _marked(m)]
    assert not unmarked, f"not marked `postgres`: {unmarked}"

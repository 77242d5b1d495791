"""How the test processes start. They keep their bytecode, even where the environment
says not to write any (PYTHONDONTWRITEBYTECODE=1, as on the CI machine): without it every
pytest worker parses and rewrites every test module and every pytest plugin again (~7 s of CPU
per worker to collect the suite), and every process a test starts compiles server/ again. It
is written beside the sources, Python's default (`__pycache__/`, ignored by git), so that the
bytecode installed with the standard library and the packages is read too."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from server.core.config import PROJECT_ROOT
from tests import warm_bytecode


def test_this_process_and_the_processes_it_starts_write_bytecode(tmp_path: Path) -> None:
    assert sys.dont_write_bytecode is False
    assert not os.environ.get("PYTHONDONTWRITEBYTECODE")
    module = tmp_path / "freshly_written.py"
    module.write_text("VALUE = 1\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-c", "import sys, freshly_written; print(sys.dont_write_bytecode)"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"
    prefix = sys.pycache_prefix
    where = Path(prefix) / tmp_path.relative_to(tmp_path.anchor) if prefix else tmp_path
    assert list(where.rglob("freshly_written*.pyc")), f"no bytecode under {where}"


def test_the_libraries_bytecode_is_read_where_it_was_installed() -> None:
    """The standard library's and the installed packages' modules are read from the bytecode
    installed beside them (pip and Debian compile it), never compiled again for the test run:
    a cache prefix (PYTHONPYCACHEPREFIX) would hide it, and every fresh clone's first processes
    would compile SQLAlchemy, FastAPI, aiortc and the standard library again (2.8 CPU-s per
    pytest process, four at once, and the servers the first tests start)."""
    import json as stdlib_module

    import sqlalchemy as installed_package

    assert sys.pycache_prefix is None
    assert not os.environ.get("PYTHONPYCACHEPREFIX")
    for module in (stdlib_module, installed_package):
        cached = Path(str(module.__cached__))
        assert cached.parent == Path(str(module.__file__)).parent / "__pycache__", cached


def test_schemathesis_is_loaded_only_by_the_test_that_fuzzes(pytestconfig: pytest.Config) -> None:
    """Schemathesis's pytest plugin (~1.7 s of CPU to import) is not loaded in every pytest
    process (`-p no:schemathesis` in pyproject's addopts: the fuzz test uses the library, not the
    plugin), and no test module imports it at its top, which every worker collects."""
    assert not pytestconfig.pluginmanager.has_plugin("schemathesis")
    at_the_top = [
        str(path.relative_to(PROJECT_ROOT))
        for path in sorted((PROJECT_ROOT / "tests").rglob("*.py"))
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Import | ast.ImportFrom)
        and any(
            (getattr(node, "module", None) or alias.name).split(".")[0] == "schemathesis"
            for alias in node.names
        )
    ]
    assert at_the_top == []


def test_the_test_modules_are_rewritten_once_before_the_workers_start(
    pytestconfig: pytest.Config, tmp_path: Path
) -> None:
    """The process that starts the workers writes pytest's rewritten form of each test module
    (tests/warm_bytecode.py); pytest then reads it instead of rewriting the module again, and
    its assertions still explain themselves."""
    tests = tmp_path / "tests"
    tests.mkdir()
    probe = tests / "test_probe.py"
    probe.write_text("def test_probe():\n    x = 2\n    assert x == 3\n", encoding="utf-8")
    (tests / "helper.py").write_text("VALUE = 1\n", encoding="utf-8")  # not a test module

    assert warm_bytecode.warm(pytestconfig, tmp_path, ()) == 1
    assert warm_bytecode.warm(pytestconfig, tmp_path, ()) == 0  # up to date: left as it is
    # a plugin named by `pytest_plugins` is rewritten too (the probe is left as it is)
    assert warm_bytecode.warm(pytestconfig, tmp_path, (), plugins=("tests.helper",)) == 1
    [written] = (tests / "__pycache__").glob("test_probe.*pytest*.pyc")
    before = written.stat()

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(probe)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "assert 2 == 3" in run.stdout  # the rewritten assertion, read from the warm-up's file
    after = written.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_only_the_process_that_starts_the_workers_warms_up() -> None:
    from types import SimpleNamespace

    from tests.conftest import starts_workers

    def config(workers: int | None, *, worker: bool = False) -> Any:
        made = SimpleNamespace(option=SimpleNamespace(numprocesses=workers))
        if worker:
            made.workerinput = {"workerid": "gw0"}
        return made

    assert starts_workers(config(4))
    assert not starts_workers(config(4, worker=True))  # a worker: the warm-up is done
    assert not starts_workers(config(0))  # one process: it writes as it goes
    assert not starts_workers(config(None))  # xdist absent

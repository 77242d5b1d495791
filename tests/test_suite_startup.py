"""How the test processes start. They keep their bytecode, even where the environment
says not to write any (PYTHONDONTWRITEBYTECODE=1, as on the CI machine): without it every
pytest worker parses and rewrites every test module and every pytest plugin again (~7 s of CPU
per worker to collect the suite), and every process a test starts compiles server/ again. The
bytecode goes outside the source tree then (`.pytest_cache/pycache`, PYTHONPYCACHEPREFIX), so
the tree stays clean."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.core.config import PROJECT_ROOT


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


def test_the_bytecode_stays_outside_the_source_tree_when_the_environment_forbade_it() -> None:
    """Where PYTHONDONTWRITEBYTECODE was set, no `__pycache__` appears beside the sources."""
    if sys.pycache_prefix is None:
        return  # the environment allowed bytecode beside the sources: Python's default
    assert os.environ["PYTHONPYCACHEPREFIX"] == sys.pycache_prefix
    assert not list((PROJECT_ROOT / "tests").glob("__pycache__"))


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

"""The layering rules (import-linter contracts in pyproject.toml) and ruff, in the test run."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from server.core.config import PROJECT_ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)


def test_import_contracts_hold() -> None:
    beside_python = Path(sys.executable).parent / "lint-imports"
    exe = str(beside_python) if beside_python.exists() else shutil.which("lint-imports")
    assert exe, "lint-imports (import-linter) is not installed: pip install -e '.[test]'"
    result = _run(exe)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_clean() -> None:
    result = _run(sys.executable, "-m", "ruff", "check", "server", "tests", "benchmarks", "alembic")
    assert result.returncode == 0, result.stdout + result.stderr


# mypy's cache (.mypy_cache): the test of tests/test_composition_root.py that runs mypy on a
# program importing server/ runs after this one on the same worker, its cache warm.


@pytest.mark.slow  # a cold mypy (a fresh clone): a minute on a busy machine; it starts first
@pytest.mark.xdist_group("mypy")
def test_mypy_is_clean_in_strict_mode() -> None:
    """`mypy server` reads pyproject's [tool.mypy]: strict there, for the whole of server/."""
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mypy = config["tool"]["mypy"]
    assert mypy.get("strict") is True, "pyproject [tool.mypy] must keep strict = true"
    assert "ignore_missing_imports" not in mypy, "only per module, for libraries without types"
    result = _run(sys.executable, "-m", "mypy", "server")
    assert result.returncode == 0, result.stdout + result.stderr

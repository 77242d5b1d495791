"""The project's bytecode written once, by the pytest process that starts the xdist workers,
before it starts them. Otherwise each worker of a fresh clone compiles server/ and rewrites
the same ~230 test modules (pytest's assertion rewriting) at once, four times over: collecting
the suite cost 12 CPU-s per worker cold and 4.7 warm, the warm-up 3.5 CPU-s once
(benchmarks/results/suite_durations.md).

The rewritten test modules are written as pytest writes them (its `_pytest.assertion.rewrite`
helpers, not public API); where they change, the warm-up does nothing and says so, and each
worker rewrites for itself as before (tests/test_suite_startup.py fails then)."""

from __future__ import annotations

import compileall
import fnmatch
import sys
import warnings
from pathlib import Path

import pytest


def rewritten_by_pytest(path: Path, python_files: list[str], plugins: set[Path]) -> bool:
    """pytest rewrites its conftest files, the plugins named by `pytest_plugins` and the modules
    matching `python_files`."""
    return (
        path.name == "conftest.py"
        or path in plugins
        or any(fnmatch.fnmatch(path.name, pattern) for pattern in python_files)
    )


def warm(
    config: pytest.Config,
    root: Path,
    packages: tuple[str, ...],
    plugins: tuple[str, ...] = (),
) -> int:
    """Compiles `packages` (under `root`) and writes pytest's rewritten form of every test
    module under `root/tests` (and of the `plugins`, dotted module names under `root`) whose
    cached form is missing or stale; returns how many were rewritten."""
    if sys.dont_write_bytecode:
        return 0
    for package in packages:
        compileall.compile_dir(root / package, quiet=1)
    try:
        from _pytest.assertion import rewrite
    except ImportError:  # pragma: no cover - pytest moved it
        return 0
    if rewrite.assertstate_key not in config.stash:
        return 0  # --assert=plain: nothing is rewritten
    python_files = list(config.getini("python_files"))
    plugin_files = {root.joinpath(*name.split(".")).with_suffix(".py") for name in plugins}
    count = 0
    for path in sorted((root / "tests").rglob("*.py")):
        if not rewritten_by_pytest(path, python_files, plugin_files):
            continue
        try:
            cache = rewrite.get_cache_dir(path)
            pyc = cache / (path.name[:-3] + rewrite.PYC_TAIL)
            if rewrite._read_pyc(path, pyc) is not None:
                continue  # already there and up to date
            source_hash, code = rewrite._rewrite_test(path, config)
            cache.mkdir(exist_ok=True)
            rewrite._write_pyc(config.stash[rewrite.assertstate_key], code, source_hash, pyc)
        except (AttributeError, KeyError, TypeError) as exc:  # pytest's internals changed
            warnings.warn(f"warm_bytecode: pytest's rewriting changed ({exc!r})", stacklevel=1)
            return count
        count += 1
    return count

"""Python libraries that Debian packages and PyPI does not carry (Grammalecte, the Hunspell
binding), used from Plateau's virtual environment.

A module is looked up first as usual (a venv made with --system-site-packages, or anything on
sys.path), then in Debian's own directory for Python 3 (`/usr/lib/python3/dist-packages`, or
the directories in `PLATEAU_DEBIAN_PYTHON_DIRS`, separated by `:`), one module at a time: the
directory is never put on sys.path, so Debian's copies of other libraries cannot shadow the
venv's. An extension built for another Python version is simply not found. Absent, the caller
gets None and the reason, and says what it cannot do.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

DEFAULT_DIRS = ("/usr/lib/python3/dist-packages",)


@dataclass(frozen=True)
class Loaded:
    module: ModuleType | None
    origin: str  # where it came from, or why it is absent (French)


def search_dirs() -> list[Path]:
    raw = os.environ.get("PLATEAU_DEBIAN_PYTHON_DIRS")
    return [Path(p) for p in (raw.split(":") if raw else DEFAULT_DIRS) if p]


def load(name: str, *, package: str) -> Loaded:
    """The top-level module `name` (from the Debian package `package`, named in the reason)."""
    if name in sys.modules:
        return Loaded(sys.modules[name], getattr(sys.modules[name], "__file__", "") or name)
    try:
        module = importlib.import_module(name)
        return Loaded(module, getattr(module, "__file__", "") or name)
    except ImportError:
        pass
    for folder in search_dirs():
        spec = importlib.machinery.PathFinder.find_spec(name, [str(folder)])
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # noqa: BLE001 - a broken install is reported, not raised
            sys.modules.pop(name, None)
            return Loaded(None, f"{package} présent mais inutilisable ({exc})")
        return Loaded(module, spec.origin or str(folder))
    return Loaded(None, f"{package} n'est pas installé (apt-get install {package})")

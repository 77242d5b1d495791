"""What the server offers at start-up: the titles and the valid packs under scenarios/.
A broken pack does not stop the server: it is left out and its problems are kept to show."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from server.core.context import AppContext
from server.core.loading import DataFileError, Problem
from server.core.referential import Title, load_titles
from server.scenarios.pack.loader import load_pack, pack_dirs
from server.scenarios.pack.models import ScenarioPack

log = logging.getLogger(__name__)


@dataclass
class Catalogue:
    titles: dict[str, Title]
    packs: dict[str, ScenarioPack] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


Fingerprint = tuple[tuple[str, int, int], ...]
_loaded: dict[Path, tuple[Fingerprint, Catalogue]] = {}


def _fingerprint(scenarios_dir: Path) -> Fingerprint:
    """Every file under the directory with its modification time and size."""
    files = []
    for root, _dirs, names in os.walk(scenarios_dir):
        for name in names:
            stat = os.stat(os.path.join(root, name))
            files.append((os.path.join(root, name), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(files))


def load_catalogue(scenarios_dir: Path) -> Catalogue:
    """The catalogue of a directory, parsed once per process while its files are unchanged
    (its models are frozen; each caller gets its own dicts)."""
    key = scenarios_dir.resolve()
    fingerprint = _fingerprint(key)
    cached = _loaded.get(key)
    if cached is None or cached[0] != fingerprint:
        cached = (fingerprint, _parse_catalogue(key))
        _loaded[key] = cached
    catalogue = cached[1]
    return Catalogue(dict(catalogue.titles), dict(catalogue.packs), list(catalogue.problems))


def _parse_catalogue(scenarios_dir: Path) -> Catalogue:
    """Titles must all be valid (raises DataFileError); packs are loaded one by one."""
    catalogue = Catalogue(load_titles(scenarios_dir / "titles"))
    for directory in pack_dirs(scenarios_dir / "packs"):
        try:
            pack = load_pack(directory, catalogue.titles)
        except DataFileError as exc:
            catalogue.problems.extend(exc.problems)
            log.error("pack de scénarios ignoré (%s) :\n%s", directory, exc)
            continue
        catalogue.packs[pack.id] = pack
    return catalogue


def loaded_packs(ctx: AppContext) -> dict[str, ScenarioPack]:
    """The app's valid packs by id (`ctx.packs`, opaque to the core: checked on the way out)."""
    packs: dict[str, ScenarioPack] = {}
    for pack_id, pack in ctx.packs.items():
        if not isinstance(pack, ScenarioPack):
            raise TypeError(f"ctx.packs[{pack_id!r}] is a {type(pack).__name__}, not a pack")
        packs[pack_id] = pack
    return packs

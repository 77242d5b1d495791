"""What the server offers at start-up: the titles and the valid packs under scenarios/.
A broken pack does not stop the server: it is left out and its problems are kept to show."""

from __future__ import annotations

import hashlib
import logging
import os
from collections import OrderedDict
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


# Parsed catalogues by the content of their files (relative path and bytes), the last few kept:
# a copy of a directory elsewhere is the same catalogue (the tests write shortened copies).
_KEPT = 8
_loaded: OrderedDict[str, tuple[Path, Catalogue]] = OrderedDict()


def _content_key(scenarios_dir: Path) -> str:
    """A digest of every file under the directory: its path below it and its bytes."""
    digest = hashlib.sha256()
    for root, dirs, names in os.walk(scenarios_dir):
        dirs.sort()
        for name in sorted(names):
            path = Path(root, name)
            digest.update(path.relative_to(scenarios_dir).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_catalogue(scenarios_dir: Path) -> Catalogue:
    """The catalogue of a directory, parsed once per process for the same files (its models
    are frozen; each caller gets its own dicts). A catalogue with problems is reused only for
    its own directory: the problems name its files."""
    directory = scenarios_dir.resolve()
    key = _content_key(directory)
    cached = _loaded.get(key)
    if cached is None or (cached[1].problems and cached[0] != directory):
        cached = (directory, _parse_catalogue(directory))
        _loaded[key] = cached
        while len(_loaded) > _KEPT:
            _loaded.popitem(last=False)
    _loaded.move_to_end(key)
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

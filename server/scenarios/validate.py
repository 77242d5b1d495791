"""`plateau scenarios validate PATH`: a title file, a pack directory, or any folder holding
either, at any depth (the repository's `scenarios/` validates its titles and all its packs)."""

from __future__ import annotations

from pathlib import Path

from server.scenarios.loading import DataFileError, Problem
from server.scenarios.pack_loader import PACK_FILE, validate_pack
from server.scenarios.referential import Title, load_title, load_titles

TITLES_DIR = "titles"


def validate_path(path: Path, titles_dir: Path) -> tuple[list[Problem], list[str]]:
    """Every problem found (file and field each) and the names of what validated. Packs are
    checked against the titles found under `path`, else those of `titles_dir`."""
    path = path.expanduser().resolve()
    if not path.exists():
        return [Problem(str(path), "", "chemin introuvable")], []
    if path.is_file():
        if path.name == PACK_FILE:
            return _validate_packs([path.parent], titles_dir)
        try:
            title = load_title(path)
        except DataFileError as exc:
            return exc.problems, []
        return [], [f"titre {title.id}"]
    if (path / PACK_FILE).is_file():
        return _validate_packs([path], titles_dir)
    title_dirs, packs = _walk(path)
    if not title_dirs and not packs:
        return [Problem(str(path), "", "aucun pack (pack.yaml) ni titre (*.yaml) trouvé")], []
    problems: list[Problem] = []
    checked: list[str] = []
    for directory in title_dirs:
        try:
            checked += [f"titre {t}" for t in load_titles(directory)]
        except DataFileError as exc:
            problems += exc.problems
    if packs:
        found, names = _validate_packs(packs, title_dirs[0] if title_dirs else titles_dir)
        problems += found
        checked += names
    return problems, checked


def _walk(root: Path) -> tuple[list[Path], list[Path]]:
    """Folders of title files (named `titles`; or `root` itself when it holds *.yaml and
    nothing else is found) and pack folders (holding pack.yaml; not searched further)."""
    title_dirs: list[Path] = []
    packs: list[Path] = []
    pending = [root]
    while pending:
        directory = pending.pop()
        if (directory / PACK_FILE).is_file():
            packs.append(directory)
            continue
        if directory.name == TITLES_DIR and any(directory.glob("*.yaml")):
            title_dirs.append(directory)
        pending += [p for p in directory.iterdir() if p.is_dir() and not p.name.startswith(".")]
    if not title_dirs and not packs and any(root.glob("*.yaml")):
        title_dirs.append(root)  # a folder of title files, whatever its name
    return sorted(title_dirs), sorted(packs)


def _validate_packs(dirs: list[Path], titles_dir: Path) -> tuple[list[Problem], list[str]]:
    try:
        titles: dict[str, Title] = load_titles(titles_dir)
    except DataFileError as exc:
        return exc.problems, []
    problems: list[Problem] = []
    checked: list[str] = []
    for directory in dirs:
        found = validate_pack(directory, titles)
        problems += found
        if not found:
            checked.append(f"pack {directory.name}")
    return problems, checked

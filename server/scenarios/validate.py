"""`plateau scenarios validate PATH`: a title file, a pack directory, or a folder of either."""

from __future__ import annotations

from pathlib import Path

from server.scenarios.loading import DataFileError, Problem
from server.scenarios.referential import load_title, load_titles


def validate_path(path: Path, titles_dir: Path) -> tuple[list[Problem], list[str]]:
    """Every problem found (file and field each) and the names of what validated."""
    if not path.exists():
        return [Problem(str(path), "", "chemin introuvable")], []
    if path.is_file():
        try:
            title = load_title(path)
        except DataFileError as exc:
            return exc.problems, []
        return [], [f"titre {title.id}"]
    if path.name == "titles" or any(path.glob("*.yaml")) and not (path / "pack.yaml").exists():
        try:
            titles = load_titles(path)
        except DataFileError as exc:
            return exc.problems, []
        return [], [f"titre {t}" for t in titles]
    return _validate_packs(path, titles_dir)


def _validate_packs(path: Path, titles_dir: Path) -> tuple[list[Problem], list[str]]:
    try:
        titles = load_titles(titles_dir)
    except DataFileError as exc:
        return exc.problems, []
    try:
        from server.scenarios import pack_loader  # the scenario-pack format
    except ImportError:
        return [Problem(str(path), "", "format de pack de scénarios indisponible")], []
    dirs = (
        [path]
        if (path / "pack.yaml").exists()
        else sorted(p for p in path.iterdir() if (p / "pack.yaml").exists())
    )
    if not dirs:
        return [Problem(str(path), "", "aucun pack (pack.yaml) ni titre trouvé")], []
    problems: list[Problem] = []
    checked: list[str] = []
    for d in dirs:
        found = pack_loader.validate_pack(d, titles)
        problems.extend(found)
        if not found:
            checked.append(f"pack {d.name}")
    return problems, checked

"""`plateau scenarios validate PATH`: a title file, a pack directory, or any folder holding
either, at any depth (the repository's `scenarios/` validates its titles and all its packs).

Each title file and each pack gets its own result; every title file is read once, so its
problems are listed once, and a pack whose title did not load is not checked against it
(its "titre inconnu" would only echo the title file's own problems)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from server.core.loading import DataFileError, Problem, read_yaml
from server.core.referential import Title, load_title
from server.scenarios.pack.loader import validate_pack
from server.scenarios.pack.validation import PACK_FILE

TITLES_DIR = "titles"


@dataclass(frozen=True)
class Result:
    """What one title file or one pack gave: its problems, or why it was not checked."""

    name: str  # "titre CRCD", "titre ntc.yaml" (one that did not load), "pack plateforme-horizon"
    problems: tuple[Problem, ...] = ()
    skipped: str = ""

    @property
    def valid(self) -> bool:
        return not self.problems and not self.skipped

    def summary(self) -> str:
        if self.skipped:
            return f"{self.name} : non vérifié ({self.skipped})"
        if self.problems:
            return f"{self.name} : {len(self.problems)} problème(s)"
        return f"{self.name} : valide"


@dataclass
class Report:
    """Problems that belong to no title or pack (a path that does not exist) and the results."""

    problems: list[Problem] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)

    @property
    def all_problems(self) -> list[Problem]:
        return self.problems + [p for r in self.results for p in r.problems]

    @property
    def valid(self) -> bool:
        return not self.problems and all(r.valid for r in self.results)


def validate_path(path: Path, titles_dir: Path) -> tuple[list[Problem], list[str]]:
    """Every problem found (file and field each) and the names of what validated."""
    report = validate_report(path, titles_dir)
    return report.all_problems, [r.name for r in report.results if r.valid]


def validate_report(path: Path, titles_dir: Path) -> Report:
    """One result per title file and per pack found at `path`. Packs are checked against the
    titles found under `path`, else those of `titles_dir`."""
    path = path.expanduser().resolve()
    if not path.exists():
        return Report([Problem(str(path), "", "chemin introuvable")])
    pack = _enclosing_pack(path)
    if pack is not None:  # the pack itself, or one of its files or folders: the whole pack
        titles = _Titles.read([titles_dir.resolve()])
        results = _packs([pack], titles)
        if any(r.skipped for r in results):  # say what is wrong with the title it needs
            results = [r for r in titles.results if not r.valid] + results
        return Report(results=results)
    if path.is_file():
        return Report(results=_Titles.read([path]).results)
    title_dirs, packs = _walk(path)
    if not title_dirs and not packs:
        return Report([Problem(str(path), "", "aucun pack (pack.yaml) ni titre (*.yaml) trouvé")])
    report = Report()
    if title_dirs:
        titles = _Titles.read(title_dirs)
        report.results += titles.results
    else:
        titles = _Titles.read([titles_dir.resolve()])
    report.results += _packs(packs, titles)
    return report


@dataclass
class _Titles:
    """The titles that loaded, keyed by id; the ids (when readable) of those that did not."""

    loaded: dict[str, Title] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)  # title id -> its file
    unreadable: list[str] = field(default_factory=list)  # broken files with no readable id
    results: list[Result] = field(default_factory=list)

    @classmethod
    def read(cls, sources: list[Path]) -> _Titles:
        """Title files, or folders of them (`*.yaml`, not recursive)."""
        out = cls()
        files = [f for s in sources for f in (sorted(s.glob("*.yaml")) if s.is_dir() else [s])]
        if not files or not files[0].exists():
            where = str(sources[0])
            out.unreadable.append(where)
            no_title = Problem(where, "", "aucun fichier de titre (*.yaml)")
            out.results.append(Result(f"titres {where}", (no_title,)))
            return out
        for path in files:
            out._read_one(path)
        return out

    def _read_one(self, path: Path) -> None:
        try:
            title = load_title(path)
        except DataFileError as exc:
            self.results.append(Result(f"titre {path.name}", tuple(exc.problems)))
            title_id = _raw_field(path, "id")
            if title_id:
                self.broken[title_id] = str(path)
            else:
                self.unreadable.append(str(path))
            return
        if title.id in self.loaded:
            twice = Problem(str(path), "id", f"titre {title.id} déjà défini")
            self.results.append(Result(f"titre {path.name}", (twice,)))
            return
        self.loaded[title.id] = title
        self.results.append(Result(f"titre {title.id}"))

    def missing(self, title_id: str | None) -> str:
        """Why a pack of this title cannot be checked, or "" when it can (a pack.yaml that
        names no title is checked: its own problems say why)."""
        if title_id is None or title_id in self.loaded:
            return ""
        if title_id in self.broken:
            return f"son titre {title_id} ne se charge pas : {self.broken[title_id]}"
        if self.unreadable:
            return f"titre {title_id} introuvable ; illisible : {', '.join(self.unreadable)}"
        return ""


def _raw_field(path: Path, name: str) -> str | None:
    """A top-level field of a YAML file read without its model (None if unreadable)."""
    try:
        data = read_yaml(path)
    except DataFileError:
        return None
    value = data.get(name) if isinstance(data, dict) else None
    return str(value) if value is not None else None


def _enclosing_pack(path: Path) -> Path | None:
    for directory in (path, *path.parents) if path.is_dir() else path.parents:
        if (directory / PACK_FILE).is_file():
            return directory
    return None


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


def _packs(dirs: list[Path], titles: _Titles) -> list[Result]:
    results = []
    for directory in dirs:
        name = f"pack {directory.name}"
        why = titles.missing(_raw_field(directory / PACK_FILE, "title"))
        if why:
            results.append(Result(name, skipped=why))
        else:
            results.append(Result(name, tuple(validate_pack(directory, titles.loaded))))
    return results

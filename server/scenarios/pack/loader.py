"""Reading a scenario pack directory; every problem of every file is reported at once.

<pack_id>/
  pack.yaml             metadata, formats served, principals, dossier index
  dossier/*.md          candidate-visible documents (listed in pack.yaml, in order)
  catalogue.yaml        products and services with prices and VAT (optional)
  crm.yaml              the CRM seed each candidate gets a private copy of
  simulations/NN_*.yaml one simulation per file; the file order is the run order
  writing_tasks.yaml    the writing tasks (optional for a pack without any)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from server.core.loading import DataFileError, Problem, error_problems, read_yaml
from server.core.referential import Title
from server.core.text import refused_texts
from server.scenarios.pack.checks_dossier import check_sections
from server.scenarios.pack.checks_simulations import check_simulations
from server.scenarios.pack.company import CatalogueFile, DossierDocument
from server.scenarios.pack.crm import CrmSeed
from server.scenarios.pack.markdown import markdown_problems, markdown_title
from server.scenarios.pack.models import PackFile, ScenarioPack
from server.scenarios.pack.simulations import Simulation, WritingTask, WritingTasksFile
from server.scenarios.pack.validation import (
    CATALOGUE_FILE,
    CRM_FILE,
    DOSSIER_DIR,
    PACK_FILE,
    SIMULATIONS_DIR,
    WRITING_FILE,
    PackParts,
    Problems,
    check_catalogue,
    check_crm,
    check_formats,
    check_head,
    check_leaks,
    check_writing,
)

M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], path: Path, out: Problems, *, optional: bool = False) -> M | None:
    if optional and not path.exists():
        return None
    try:
        data: Any = read_yaml(path)
    except DataFileError as exc:
        out.extend(exc.problems)
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        out.extend(_problems(path, exc))
        return None


def _problems(path: Path, exc: ValidationError) -> list[Problem]:
    """pydantic's problems, minus a list's "too short" that only echoes a bad item in it."""
    errors = exc.errors()
    locs = [tuple(e["loc"]) for e in errors]
    echoes = {
        i
        for i, e in enumerate(errors)
        if e["type"] == "too_short"
        and any(other[: len(locs[i])] == locs[i] and len(other) > len(locs[i]) for other in locs)
    }
    return error_problems(path, [e for i, e in enumerate(errors) if i not in echoes])


def read_parts(root: Path, out: Problems) -> PackParts:
    """Parse every file of the pack independently (schema errors of each file collected)."""
    parts = PackParts(root=root)
    n = len(out)
    parts.head = _parse(PackFile, root / PACK_FILE, out)
    catalogue_path = root / CATALOGUE_FILE
    catalogue = _parse(CatalogueFile, catalogue_path, out, optional=True)
    parts.catalogue = (
        catalogue.items if catalogue else (() if not catalogue_path.exists() else None)
    )
    crm = _parse(CrmSeed, root / CRM_FILE, out)
    parts.crm = crm.records if crm else None
    writing_path = root / WRITING_FILE
    writing = _parse(WritingTasksFile, writing_path, out, optional=True)
    parts.writing = (
        writing.writing_tasks if writing else (() if not writing_path.exists() else None)
    )
    sim_dir = root / SIMULATIONS_DIR
    for path in sorted(sim_dir.glob("*.yaml")) if sim_dir.is_dir() else []:
        sim = _parse(Simulation, path, out)
        if sim is not None:
            parts.simulations.append((path, sim))
        else:
            parts.simulations_parsed = False
    parts.complete = len(out) == n
    _read_dossier(parts, out)
    return parts


def _read_dossier(parts: PackParts, out: Problems) -> None:
    if parts.head is None:
        return
    folder = parts.root / DOSSIER_DIR
    listed = set()
    for i, entry in enumerate(parts.head.dossier):
        path = folder / entry.file
        listed.add(entry.file)
        if not path.is_file():
            out.add(parts.file(PACK_FILE), f"dossier[{i}].file", f"fichier introuvable {path}")
            parts.dossier_read = False
            continue
        text = path.read_text(encoding="utf-8")
        for message in markdown_problems(text):
            out.add(path, "", message)
        for (line, *_), message in refused_texts(text.split("\n")):
            out.add(path, f"ligne {line + 1 if isinstance(line, int) else line}", message)
        parts.dossier.append(
            (
                path,
                DossierDocument(
                    id=path.stem,
                    kind=entry.kind,
                    formats=entry.formats,
                    sections=entry.sections,
                    title=markdown_title(text) or entry.file,
                    text=text,
                ),
            )
        )
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        if path.name not in listed:
            out.add(path, "", "document absent de l'index dossier de pack.yaml")


def _assemble(
    parts: PackParts, sims: list[Simulation], writing: tuple[WritingTask, ...]
) -> ScenarioPack | None:
    head = parts.head
    if head is None or parts.crm is None or parts.catalogue is None or parts.writing is None:
        return None
    meta = head.model_dump(exclude={"dossier"})
    return ScenarioPack.model_validate(
        {
            **meta,
            "dossier": [d for _, d in parts.dossier],
            "catalogue": parts.catalogue,
            "crm": parts.crm,
            "simulations": sims,
            "writing_tasks": writing,
        }
    )


def load_pack(path: Path, titles: dict[str, Title]) -> ScenarioPack:
    """The validated pack at `path`; raises DataFileError listing every problem found."""
    out = Problems()
    if not (path / PACK_FILE).is_file():
        raise DataFileError([Problem(str(path), "", f"pas de {PACK_FILE} : ce n'est pas un pack")])
    parts = read_parts(path, out)
    title = check_head(parts, titles, out)
    check_catalogue(parts, out)
    check_crm(parts, out)
    resolved = check_simulations(parts, title, out)
    check_sections(parts, out)
    writing = check_writing(parts, title, out)
    pack = _assemble(parts, [s for _, s in resolved], writing or ())
    if pack is not None and parts.complete:
        if title is not None:
            check_formats(pack, title, path, out)
        check_leaks(pack, {s.id: p for p, s in resolved}, path, out)
    if out:
        raise DataFileError(out)
    assert pack is not None
    return pack


def validate_pack(path: Path, titles: dict[str, Title]) -> list[Problem]:
    """Every problem of the pack at `path` (empty when it is valid)."""
    try:
        load_pack(path, titles)
    except DataFileError as exc:
        return exc.problems
    return []


def pack_dirs(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if (p / PACK_FILE).is_file())


def load_packs(directory: Path, titles: dict[str, Title]) -> dict[str, ScenarioPack]:
    """Every pack under `directory` (one sub-directory each), keyed by id; all problems of
    all packs reported at once. A missing directory holds no pack."""
    packs: dict[str, ScenarioPack] = {}
    problems: list[Problem] = []
    for d in pack_dirs(directory):
        try:
            pack = load_pack(d, titles)
        except DataFileError as exc:
            problems.extend(exc.problems)
            continue
        if pack.id in packs:
            problems.append(Problem(str(d / PACK_FILE), "id", f"pack {pack.id} déjà défini"))
        packs[pack.id] = pack
    if problems:
        raise DataFileError(problems)
    return packs

"""Copying a shipped pack and applying a broken-pack fixture's changes to the copy."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from server.core.config import PROJECT_ROOT

PACKS = PROJECT_ROOT / "scenarios" / "packs"
TITLES = PROJECT_ROOT / "scenarios" / "titles"
BROKEN = Path(__file__).parent / "broken_packs"
TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def copy_pack(pack_id: str, into: Path) -> Path:
    """A copy named like the pack (the loader wants the directory named after the id)."""
    target = into / pack_id
    shutil.copytree(PACKS / pack_id, target)
    return target


def _steps(path: str) -> list[str | int]:
    return [int(index) if index else key for key, index in TOKEN.findall(path)]


def _walk(data: Any, steps: list[str | int]) -> Any:
    for step in steps:
        data = data[step]
    return data


def apply_change(root: Path, change: dict[str, Any]) -> None:
    """One change of a fixture: `set` / `delete` (dotted paths with [i] indexes) on a YAML
    file, `replace` (raw text old -> new), `write` (raw content) or `remove` (the file)."""
    path = root / change["file"]
    if change.get("remove"):
        path.unlink()
        return
    if "write" in change:
        path.write_text(change["write"], encoding="utf-8")
        return
    if "replace" in change:
        text = path.read_text(encoding="utf-8")
        for old, new in change["replace"].items():
            assert old in text, f"{change['file']}: text to replace not found: {old!r}"
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
        return
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dotted, value in (change.get("set") or {}).items():
        *parents, last = _steps(dotted)
        _walk(data, parents)[last] = value
    for dotted in change.get("delete") or []:
        *parents, last = _steps(dotted)
        del _walk(data, parents)[last]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def broken_copy(fixture: Path, into: Path) -> tuple[Path, dict[str, Any]]:
    spec = yaml.safe_load(fixture.read_text(encoding="utf-8"))
    root = copy_pack(spec["base"], into)
    for change in spec["changes"]:
        apply_change(root, change)
    return root, spec

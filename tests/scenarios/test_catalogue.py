"""The catalogue is parsed once per process for the same files: a directory unchanged, or a
copy of one elsewhere (the browser tests' shortened scenarios, written per test)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from server.core.config import PROJECT_ROOT
from server.scenarios import catalogue as catalogue_module
from server.scenarios.catalogue import load_catalogue


@pytest.fixture
def scenarios(tmp_path: Path) -> Path:
    target = tmp_path / "scenarios"
    shutil.copytree(PROJECT_ROOT / "scenarios", target)
    return target


def test_a_second_load_reuses_the_parsed_catalogue(
    scenarios: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_catalogue(scenarios)
    parses: list[Path] = []
    original = catalogue_module._parse_catalogue
    monkeypatch.setattr(
        catalogue_module, "_parse_catalogue", lambda d: parses.append(d) or original(d)
    )
    second = load_catalogue(scenarios)
    assert parses == []
    assert second.packs.keys() == first.packs.keys()
    assert second.packs is not first.packs  # each caller gets its own dicts
    second.packs.clear()
    assert load_catalogue(scenarios).packs.keys() == first.packs.keys()


def test_a_changed_file_is_parsed_again(scenarios: Path) -> None:
    first = load_catalogue(scenarios)
    pack_yaml = next(scenarios.glob("packs/*/pack.yaml"))
    pack_yaml.write_text(pack_yaml.read_text(encoding="utf-8") + "\nunknown_field: 1\n")
    second = load_catalogue(scenarios)
    assert len(second.packs) == len(first.packs) - 1
    assert any("unknown_field" in str(p) for p in second.problems)


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    parses: list[Path] = []
    original = catalogue_module._parse_catalogue
    monkeypatch.setattr(
        catalogue_module, "_parse_catalogue", lambda d: parses.append(d) or original(d)
    )
    return parses


def test_a_copy_elsewhere_reuses_the_parsed_catalogue(
    scenarios: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_catalogue(scenarios)
    copy = tmp_path / "elsewhere"
    shutil.copytree(scenarios, copy)
    parses = _count_parses(monkeypatch)
    second = load_catalogue(copy)
    assert parses == []
    assert second.packs.keys() == first.packs.keys()
    # a copy with one byte changed is its own catalogue
    titles = next(copy.glob("titles/*.yaml"))
    titles.write_text(titles.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    load_catalogue(copy)
    assert parses == [copy.resolve()]


def test_a_broken_copy_names_its_own_files(
    scenarios: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack_yaml = next(scenarios.glob("packs/*/pack.yaml"))
    pack_yaml.write_text(pack_yaml.read_text(encoding="utf-8") + "\nunknown_field: 1\n")
    assert any(str(scenarios) in str(p) for p in load_catalogue(scenarios).problems)
    copy = tmp_path / "elsewhere"
    shutil.copytree(scenarios, copy)
    problems = load_catalogue(copy).problems
    assert problems and all(str(scenarios) not in str(p) for p in problems)
    assert any(str(copy) in str(p) for p in problems)

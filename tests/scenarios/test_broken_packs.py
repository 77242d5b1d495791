"""Deliberately broken copies of the shipped packs yield precise problems, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.core.loading import DataFileError, Problem
from server.core.referential import Title
from server.scenarios.pack.loader import load_pack, load_packs, validate_pack
from server.scenarios.validate import validate_path
from tests.scenarios.packs_helpers import BROKEN, TITLES, broken_copy, copy_pack

FIXTURES = sorted(BROKEN.glob("*.yaml"))


def _matches(problem: Problem, root: Path, want: dict[str, str]) -> bool:
    if problem.file != str(root / want["file"]) or want["message"] not in problem.message:
        return False
    if "field_startswith" in want:
        return problem.field.startswith(want["field_startswith"])
    return problem.field == want["field"]


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_broken_pack_reports_exactly_the_expected_problems(
    fixture: Path, tmp_path: Path, titles: dict[str, Title]
) -> None:
    root, spec = broken_copy(fixture, tmp_path)
    problems = validate_pack(root, titles)
    listing = "\n".join(map(str, problems))
    for want in spec["expect"]:
        assert any(_matches(p, root, want) for p in problems), f"missing {want}\n{listing}"
    assert len(problems) == len(spec["expect"]), listing


def test_fixtures_cover_both_packs_and_several_files_at_once(
    tmp_path: Path, titles: dict[str, Title]
) -> None:
    assert len(FIXTURES) >= 10
    root, _ = broken_copy(BROKEN / "schema_errors.yaml", tmp_path)
    with pytest.raises(DataFileError) as err:
        load_pack(root, titles)
    files = {Path(p.file).name for p in err.value.problems}
    assert files == {
        "pack.yaml",
        "crm.yaml",
        "catalogue.yaml",
        "08_vente_fibre.yaml",
        "writing_tasks.yaml",
    }
    assert str(err.value).count("\n") == len(err.value.problems) - 1  # one line per problem


def test_cli_validation_lists_every_problem(tmp_path: Path) -> None:
    root, spec = broken_copy(BROKEN / "tools_missing.yaml", tmp_path)
    problems, checked = validate_path(root, TITLES)
    assert checked == [] and len(problems) == len(spec["expect"])


def test_load_packs_reports_problems_of_every_pack(
    tmp_path: Path, titles: dict[str, Title]
) -> None:
    broken_copy(BROKEN / "unknown_crm_record.yaml", tmp_path)
    broken_copy(BROKEN / "pack_meta.yaml", tmp_path)
    with pytest.raises(DataFileError) as err:
        load_packs(tmp_path, titles)
    assert {
        Path(p.file).parts[-3] if "simulations" in p.file else Path(p.file).parts[-2]
        for p in err.value.problems
    } == {"plateforme-horizon", "relais-contact-atlantique"}
    assert len(err.value.problems) == 3


def test_a_directory_without_pack_file_is_not_a_pack(
    tmp_path: Path, titles: dict[str, Title]
) -> None:
    assert load_packs(tmp_path / "absent", titles) == {}
    root = copy_pack("plateforme-horizon", tmp_path)
    (root / "pack.yaml").unlink()
    assert validate_pack(root, titles)[0].message.startswith("pas de pack.yaml")

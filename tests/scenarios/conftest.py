from __future__ import annotations

import pytest

from server.core.loading import DataFileError
from server.core.referential import Title, load_titles
from server.scenarios.pack.loader import load_packs
from server.scenarios.pack.models import ScenarioPack
from tests.scenarios.packs_helpers import PACKS, TITLES


@pytest.fixture(scope="session")
def titles() -> dict[str, Title]:
    return load_titles(TITLES)


@pytest.fixture(scope="session")
def crcd(titles: dict[str, Title]) -> Title:
    return titles["CRCD"]


@pytest.fixture(scope="session")
def packs(titles: dict[str, Title]) -> dict[str, ScenarioPack]:
    try:
        return load_packs(PACKS, titles)
    except DataFileError as exc:  # show every problem, not a bare traceback
        pytest.fail(f"les packs livrés ne valident pas :\n{exc}")

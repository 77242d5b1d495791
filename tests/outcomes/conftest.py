"""The title files as the project ships them."""

from __future__ import annotations

import pytest

from server.core.config import PROJECT_ROOT
from server.core.referential import Title, load_titles

TITLES_DIR = PROJECT_ROOT / "scenarios" / "titles"


@pytest.fixture(scope="session")
def titles() -> dict[str, Title]:
    return load_titles(TITLES_DIR)


@pytest.fixture
def crcd(titles: dict[str, Title]) -> Title:
    return titles["CRCD"]


@pytest.fixture
def ntc(titles: dict[str, Title]) -> Title:
    return titles["NTC"]

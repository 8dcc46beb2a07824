"""One engine per test session, fitted on the small fixture catalog (keeps the suite fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.catalog import Catalog, load_catalog
from recommender.engine import Engine

FIXTURE_CATALOG = Path(__file__).parent / "fixtures" / "catalog.yaml"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(FIXTURE_CATALOG)


@pytest.fixture(scope="session")
def engine(catalog: Catalog) -> Engine:
    return Engine.from_catalog(catalog)

"""The graded query sets of bench/quality.py stay usable as the catalog changes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from recommender.catalog import default_catalog_path, load_catalog
from recommender.engine import Engine

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize("name", ["queries.yaml", "queries-modern.yaml"])
def test_every_judged_id_resolves(name: str) -> None:
    catalog = load_catalog(default_catalog_path())
    data = yaml.safe_load((BENCH / name).read_text(encoding="utf-8"))
    assert len(data["queries"]) >= 50
    for item in data["queries"]:
        missing = [rid for rid in item["relevant"] if catalog.by_id(rid) is None]
        assert not missing, (item["query"], missing)


def test_off_domain_queries_of_the_modern_set_get_nothing() -> None:
    data = yaml.safe_load((BENCH / "queries-modern.yaml").read_text(encoding="utf-8"))
    engine = Engine.from_catalog(load_catalog(default_catalog_path()))
    assert len(data["off_domain"]) >= 10
    for query in data["off_domain"]:
        assert engine.recommend(query).results == (), query
        assert engine.paper(query).match is None, query
        assert engine.ask(query).passages == (), query

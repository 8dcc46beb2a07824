"""The build is deterministic and the committed catalog is exactly its output."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.catalog import ID_PATTERN, MAX_ID_LENGTH, default_catalog_path, parse_catalog_text
from recommender.ingest.build import (
    assign_ids,
    build_catalog_text,
    default_curation_path,
    default_sources_dir,
)
from recommender.ingest.curation import CurationError, load_curation, parse_curation
from recommender.ingest.mention import Mention
from recommender.ingest.merge import merge_mentions


@pytest.fixture(scope="module")
def built() -> str:
    text, _ = build_catalog_text(default_sources_dir(), load_curation(default_curation_path()))
    return text


def test_build_twice_gives_the_same_bytes(built: str) -> None:
    again, _ = build_catalog_text(default_sources_dir(), load_curation(default_curation_path()))
    assert again == built


def test_committed_catalog_is_the_build_output(built: str) -> None:
    committed = default_catalog_path().read_text(encoding="utf-8")
    assert committed == built, "data/catalog.yaml is stale: run `deepread catalog build`"


def test_build_output_validates_with_ids_in_shape(built: str) -> None:
    resources, problems = parse_catalog_text(built)
    assert problems == []
    for resource in resources:
        assert ID_PATTERN.match(resource.id) and len(resource.id) <= MAX_ID_LENGTH


def test_ids_are_stable_slugs_and_collisions_get_suffixes() -> None:
    mentions = [
        Mention("a", "s", 0, title="Deep Learning", url="http://a.org/1"),
        Mention("a", "s", 1, title="Deep-Learning!", url="http://b.org/2"),  # same title key
        Mention("a", "s", 2, title="Deep Learning?", url="http://c.org/3"),
    ]
    (entry,) = merge_mentions(mentions)  # same normalised title: one resource
    assert assign_ids([entry]) == ["deep-learning"]
    twins = merge_mentions([Mention("a", "s", 0, title="A B"), Mention("b", "s", 0, title="A  C")])
    ids = assign_ids(twins + twins)
    assert ids == ["a-b", "a-c", "a-b-2", "a-c-2"]


def test_curation_problems_are_all_named(tmp_path: Path) -> None:
    with pytest.raises(CurationError) as info:
        parse_curation(
            "aliases:\n- titles: [x]\nentries:\n  some-id:\n    colour: red\nbogus: 1\n", "c.yaml"
        )
    messages = [str(p) for p in info.value.problems]
    assert any("bogus" in m for m in messages)
    assert any("colour" in m for m in messages)
    assert any("name" in m for m in messages)
    with pytest.raises(CurationError):
        load_curation(tmp_path / "missing.yaml")

"""Catalog loading and validation: every problem is named with its entry id or line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.catalog import (
    Catalog,
    CatalogError,
    dump_catalog,
    load_catalog,
    parse_catalog_text,
    validate_text,
)
from recommender.resource import Resource, SourceRef

GOOD = """\
version: 1
resources:
- id: dropout
  title: "Dropout: A Simple Way to Prevent Neural Networks from Overfitting"
  url: https://jmlr.org/papers/v15/srivastava14a.html
  authors: [Nitish Srivastava, Geoffrey Hinton]
  year: 2014
  kind: paper
  topics: [regularization]
  level: advanced
  level_source: curated
- id: nielsen-book
  title: Neural Networks and Deep Learning
  url: null
  kind: book
  topics: [neural-networks]
  level: beginner
  level_source: rating
  prerequisites: []
"""


def test_good_catalog_parses() -> None:
    resources, problems = parse_catalog_text(GOOD)
    assert problems == []
    assert [r.id for r in resources] == ["dropout", "nielsen-book"]
    assert resources[0].authors == ("Nitish Srivastava", "Geoffrey Hinton")
    assert resources[1].url is None


def test_every_problem_is_named() -> None:
    bad = GOOD.replace("kind: book", "kind: podcast").replace("level: advanced", "level: hard")
    bad += """\
- id: dropout
  title: ""
  url: www.example.com/no-scheme
  kind: paper
  topics: [quantum-poetry]
  level: beginner
- title: no id here
  kind: paper
  topics: [rnn]
  level: beginner
"""
    messages = [str(p) for p in validate_text(bad)]
    assert any(m.startswith("nielsen-book: unknown kind 'podcast'") for m in messages)
    assert any(m.startswith("dropout: unknown level 'hard'") for m in messages)
    assert any("dropout: duplicate id" in m for m in messages)
    assert any("malformed URL" in m for m in messages)
    assert any("unknown topic 'quantum-poetry'" in m for m in messages)
    assert any(m.startswith("line ") and "missing id" in m for m in messages)


def test_invalid_yaml_names_the_line() -> None:
    problems = validate_text("version: 1\nresources:\n- id: a\n  title: [unclosed\n")
    assert len(problems) == 1
    assert problems[0].where.startswith("line ")
    assert "invalid YAML" in problems[0].message


def test_load_missing_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="not found"):
        load_catalog(tmp_path / "nope.yaml")
    corrupt = tmp_path / "catalog.yaml"
    corrupt.write_bytes(b"\xff\xfe garbage")
    with pytest.raises(CatalogError, match="not UTF-8"):
        load_catalog(corrupt)


def test_dump_round_trips_and_is_deterministic() -> None:
    resources, _ = parse_catalog_text(GOOD)
    extra = Resource(
        id="x",
        title="X",
        kind="blog",
        level="beginner",
        topics=("rnn",),
        sources=(SourceRef("guide", "RNNs"),),
    )
    text = dump_catalog([*resources, extra])
    assert text == dump_catalog([*resources, extra])
    again, problems = parse_catalog_text(text)
    assert problems == []
    assert again == [*resources, extra]
    assert Catalog(again).content_hash == Catalog([*resources, extra]).content_hash


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_validator_never_crashes_on_text(text: str) -> None:
    problems = validate_text(text)
    assert all(p.where and p.message for p in problems)


yaml_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "title",
                    "kind",
                    "topics",
                    "level",
                    "url",
                    "year",
                    "authors",
                    "sources",
                    "extra",
                ]
            ),
            yaml_values,
            max_size=8,
        ),
        max_size=4,
    )
)
def test_validator_never_crashes_on_structures(entries: list[dict[str, object]]) -> None:
    import yaml

    text = yaml.safe_dump({"version": 1, "resources": entries})
    validate_text(text)

"""Curated source files: whole resources written and checked by hand, merged by the build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from recommender.catalog import catalog_stats, default_catalog_path, load_catalog
from recommender.ingest.build import build_resources, default_curation_path, default_sources_dir
from recommender.ingest.curated import CuratedSourceError, parse_curated, read_curated, repeats
from recommender.ingest.curation import Curation, load_curation
from recommender.resource import Resource

ENTRY = """\
version: 1
sections:
- name: Transformers
  resources:
  - id: attention-is-all-you-need
    title: Attention Is All You Need
    authors: [Ashish Vaswani, Noam Shazeer]
    authors_complete: false
    year: 2017
    url: https://arxiv.org/abs/1706.03762
    kind: paper
    topics: [transformers, attention]
    level: advanced
    description: Introduces the Transformer, built from attention alone.
    checked: "arXiv abs page: title, authors, year"
"""


def test_a_curated_entry_becomes_a_curated_resource() -> None:
    (resource,) = parse_curated(ENTRY, "curated-modern")
    assert resource.origin == "curated"
    assert resource.level_source == resource.description_source == "curated"
    assert [(s.document, s.section) for s in resource.sources] == [
        ("curated-modern", "Transformers")
    ]
    assert not resource.authors_complete and resource.year == 2017


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('    checked: "arXiv abs page: title, authors, year"\n', ""), "missing `checked`"),
        (("    year: 2017\n", "    year: 2017\n    venue: NeurIPS\n"), "unknown field 'venue'"),
        (("https://arxiv.org/abs/1706.03762", "arxiv.org/abs/1706.03762"), "malformed URL"),
        (("topics: [transformers, attention]", "topics: [poetry]"), "unknown topic"),
        (("    description: Introduces", "    summary: Introduces"), "missing description"),
    ],
)
def test_every_problem_of_a_curated_file_is_named(change: tuple[str, str], message: str) -> None:
    with pytest.raises(CuratedSourceError) as info:
        parse_curated(ENTRY.replace(*change), "curated-modern")
    assert any(message in str(p) for p in info.value.problems), info.value.problems


def test_a_repeated_id_is_an_error() -> None:
    twice = ENTRY + ENTRY.split("  resources:\n", 1)[1]
    with pytest.raises(CuratedSourceError, match="duplicate id"):
        parse_curated(twice, "curated-modern")


def test_repeats_of_other_resources_are_found_by_url_and_title() -> None:
    (resource,) = parse_curated(ENTRY, "curated-modern")
    same_url = Resource(
        "x", "Other", "paper", "advanced", ("ai",), url="http://arxiv.org/pdf/1706.03762v5"
    )
    same_title = Resource("y", "Attention is all you need!", "paper", "advanced", ("ai",))
    other = Resource("z", "Something else", "paper", "advanced", ("ai",))
    assert [p.where for p in repeats([resource], [same_url])] == [resource.id]
    assert [p.where for p in repeats([resource], [same_title])] == [resource.id]
    assert repeats([resource], [other]) == []


def test_the_build_merges_curated_files_after_the_seeds(tmp_path: Path) -> None:
    for source in default_sources_dir().glob("*"):
        if not source.name.startswith("curated-"):
            shutil.copy(source, tmp_path / source.name)
    (tmp_path / "curated-test.yaml").write_text(ENTRY, encoding="utf-8")
    resources, report = build_resources(tmp_path, Curation())
    assert resources[-1].id == "attention-is-all-you-need" and report.curated == 1
    assert {r.origin for r in resources[:-1]} == {"seed"}
    seed = resources[0]
    (tmp_path / "curated-dup.yaml").write_text(
        ENTRY.replace("attention-is-all-you-need", "again").replace(
            "Attention Is All You Need", seed.title
        ),
        encoding="utf-8",
    )
    with pytest.raises(CuratedSourceError, match=f"repeats {seed.id}"):
        build_resources(tmp_path, Curation())


# --- the real curated file ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def curated() -> list[Resource]:
    return read_curated(default_sources_dir())


def test_the_catalog_counts_at_least_340_all_levelled_and_described() -> None:
    catalog = load_catalog(default_catalog_path())
    stats = catalog_stats(catalog)
    assert stats["resources"] >= 340
    assert stats["with_description"] == stats["resources"]
    assert sum(stats["by_level"].values()) == stats["resources"]
    assert sum(r.origin == "curated" for r in catalog) >= 150


def test_curated_resources_are_sane(curated: list[Resource]) -> None:
    assert len(curated) >= 150
    ids = [r.id for r in curated]
    assert len(ids) == len(set(ids))
    for resource in curated:
        assert resource.url, resource.id
        if "arxiv.org" in resource.url:
            assert re.fullmatch(r"https://arxiv\.org/abs/\d{4}\.\d{4,5}", resource.url), resource.id
        assert resource.year is None or 1940 <= resource.year <= 2025, resource.id
        assert not any("et al" in a for a in resource.authors), resource.id
        assert resource.description and not re.search(r"\b(I|we|my|our)\b", resource.description), (
            resource.id
        )


def test_curated_resources_repeat_no_seed_resource(curated: list[Resource]) -> None:
    seeds, _ = build_resources(default_sources_dir(), load_curation(default_curation_path()))
    assert repeats(curated, [r for r in seeds if r.origin == "seed"]) == []


def test_each_area_has_beginner_and_advanced_reading() -> None:
    catalog = load_catalog(default_catalog_path())
    for topic in ("transformers", "llm", "diffusion", "gans", "gnn", "deep-rl", "vae"):
        levels = {r.level for r in catalog if topic in r.topics}
        assert {"beginner", "advanced"} <= levels, topic


def test_every_curated_prerequisite_is_in_the_real_catalog() -> None:
    _, report = build_resources(default_sources_dir(), load_curation(default_curation_path()))
    assert report.unknown_prerequisites == {}
    _, bare = build_resources(default_sources_dir(), Curation())  # seed ids differ without it
    assert bare.unknown_prerequisites  # left out and reported, not a failed build

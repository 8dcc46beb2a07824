"""Curated source files (recommender/data/sources/curated-*.yaml): whole resources written by hand.

The five seed documents stop around 2016; a curated file adds what a study group expects
today, each entry written and checked by a person. Unlike `added` in the curation file (what
`catalog import` found in a list), every entry here records how it was checked:

    version: 1
    sections:
    - name: Attention, transformers and language models
      resources:
      - id: attention-is-all-you-need
        title: Attention Is All You Need
        authors: [Ashish Vaswani, ...]
        authors_complete: true        # false: only the first authors are listed ("et al.")
        year: 2017
        url: https://arxiv.org/abs/1706.03762
        kind: paper
        topics: [transformers, attention]
        level: advanced
        prerequisites: [bahdanau-attention-nmt]
        historical: null              # or why it is kept although superseded
        description: Introduces the Transformer, ... (our own words)
        checked: "arXiv abs page: title, authors, year"   # required: how it was verified

The build turns every entry into a Resource with `origin: curated`, a curated description and
level, and the file (and section) as its source. An entry that repeats a seed resource (same
normalised URL or title) is an error: it should be a curation fix of that resource instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from recommender.catalog import Problem, resource_from_dict, validate_entry
from recommender.ingest.text import title_key
from recommender.ingest.urls import url_key
from recommender.resource import Resource

CURATED_GLOB = "curated-*.yaml"
ENTRY_FIELDS = frozenset(
    {
        "id",
        "title",
        "url",
        "authors",
        "authors_complete",
        "year",
        "kind",
        "topics",
        "level",
        "prerequisites",
        "historical",
        "description",
        "checked",
    }
)


class CuratedSourceError(Exception):
    """A curated source file that cannot be used; carries every problem found."""

    def __init__(self, path: str, problems: Iterable[Problem]) -> None:
        self.path = path
        self.problems = tuple(problems)
        first = "; ".join(str(p) for p in self.problems[:3])
        more = f" (and {len(self.problems) - 3} more)" if len(self.problems) > 3 else ""
        super().__init__(f"invalid curated source {path}: {first}{more}")


def _entry_problems(entry: Any, where: str) -> list[Problem]:
    if not isinstance(entry, Mapping):
        return [Problem(where, "entry is not a mapping of fields")]
    problems = [
        Problem(where, f"unknown field {name!r}") for name in entry if name not in ENTRY_FIELDS
    ]
    checked = entry.get("checked")
    if not isinstance(checked, str) or not checked.strip():
        problems.append(Problem(where, "missing `checked` (how the entry was verified)"))
    if not isinstance(entry.get("description"), str):
        problems.append(Problem(where, "missing description (one to three sentences, our words)"))
    fields = {k: v for k, v in entry.items() if k != "checked" and v is not None}
    problems += validate_entry(fields, where)
    return problems


def parse_curated(text: str, document: str) -> list[Resource]:
    """The resources of one curated file; CuratedSourceError names every problem at once.

    Prerequisites are checked later, against the whole catalog (they may name seed ids).
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "file"
        raise CuratedSourceError(document, [Problem(where, "invalid YAML")]) from None
    if not isinstance(data, Mapping) or not isinstance(data.get("sections"), list):
        raise CuratedSourceError(document, [Problem("file", "expected a `sections:` list")])
    problems: list[Problem] = []
    resources: list[Resource] = []
    seen: set[str] = set()
    for number, section in enumerate(data["sections"], start=1):
        if not isinstance(section, Mapping) or not isinstance(section.get("resources"), list):
            problems.append(Problem(f"section {number}", "needs a `name` and `resources`"))
            continue
        name = str(section.get("name") or "")
        for index, entry in enumerate(section["resources"], start=1):
            rid = entry.get("id") if isinstance(entry, Mapping) else None
            where = rid if isinstance(rid, str) and rid else f"{name or number} #{index}"
            found = _entry_problems(entry, where)
            if isinstance(rid, str) and rid in seen:
                found.append(Problem(where, "duplicate id"))
            if found:
                problems += found
                continue
            seen.add(str(rid))
            fields = {k: v for k, v in entry.items() if k != "checked" and v is not None}
            resources.append(
                resource_from_dict(
                    {
                        **fields,
                        "origin": "curated",
                        "level_source": "curated",
                        "description_source": "curated",
                        "sources": [{"document": document, "section": name}],
                    }
                )
            )
    if problems:
        raise CuratedSourceError(document, problems)
    return resources


def read_curated(sources_dir: Path) -> list[Resource]:
    """Every curated file of `sources_dir`, in file-name order, entries in file order."""
    resources: list[Resource] = []
    for path in sorted(sources_dir.glob(CURATED_GLOB)):
        resources += parse_curated(path.read_text(encoding="utf-8"), path.stem)
    return resources


def repeats(curated: Iterable[Resource], others: Iterable[Resource]) -> list[Problem]:
    """Curated resources that repeat another resource by normalised URL, title or id."""
    by_url: dict[str, str] = {}
    by_title: dict[str, str] = {}
    ids: set[str] = set()
    for resource in others:
        ids.add(resource.id)
        by_title.setdefault(title_key(resource.title), resource.id)
        if resource.url:
            by_url.setdefault(url_key(resource.url), resource.id)
    problems = []
    for resource in curated:
        if resource.id in ids:
            problems.append(Problem(resource.id, "id already used by a seed resource"))
        same = by_title.get(title_key(resource.title))
        if same is None and resource.url:
            same = by_url.get(url_key(resource.url))
        if same is not None:
            problems.append(Problem(resource.id, f"repeats {same} (fix that entry instead)"))
    return problems

"""`deepread catalog import`: fold an "awesome list" (links under headings) into the curation.

Each list item's first link is a candidate resource (as on the Deep Learning Resources pages;
"[Title](url) - description" gives a description). A candidate is
  - skipped when it has no usable absolute http(s) URL (`javascript:`, `data:`, relative
    links), has control characters in its title, repeats an earlier item of the same file,
    or sits in a list nested too deeply to read;
  - merged when the catalog (or an earlier import) already has it, by normalised URL,
    normalised title or a curation alias: the file becomes one more source of that entry;
  - added otherwise, as a new curated entry with kind, level and topics by the build's rules.
The curation data is changed in memory and returned; the caller writes it. The list is read
a few sections at a time (`iter_markdown_page`), so a list of 100,000 links never holds all
their Markdown tokens at once.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from recommender.catalog import MAX_ID_LENGTH
from recommender.ingest.classify import classify_kind, classify_level, classify_topics
from recommender.ingest.markdown_page import iter_markdown_page
from recommender.ingest.mention import Mention
from recommender.ingest.merge import Alias
from recommender.ingest.text import slugify, title_key
from recommender.ingest.urls import url_key
from recommender.resource import Resource
from recommender.schema import control_characters


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    curation: dict[str, Any] = field(default_factory=dict)


def catalog_index(
    resources: Iterable[Resource], added: Iterable[Mapping[str, Any]], aliases: Iterable[Alias]
) -> tuple[dict[str, str], dict[str, str]]:
    """(url key -> id, title key -> id) of everything the catalog already holds."""
    by_url: dict[str, str] = {}
    by_title: dict[str, str] = {}
    known: list[tuple[str, str, str | None]] = [(r.id, r.title, r.url) for r in resources]
    known += [(str(e["id"]), str(e.get("title") or ""), e.get("url")) for e in added]
    for rid, title, url in known:
        if url:
            by_url.setdefault(url_key(url), rid)
        if title and title_key(title):
            by_title.setdefault(title_key(title), rid)
    for alias in aliases:
        target = by_title.get(title_key(alias.name))
        if target is None:
            continue
        for title in alias.titles:
            by_title.setdefault(title_key(title), target)
        for url in alias.urls:
            by_url.setdefault(url_key(url), target)
    return by_url, by_title


def import_awesome_list(
    text: str,
    document: str,
    curation: Mapping[str, Any],
    resources: Iterable[Resource],
    aliases: Iterable[Alias] = (),
) -> ImportResult:
    """Fold the list into a copy of `curation` (raw YAML data) and say what happened."""
    data: dict[str, Any] = copy.deepcopy(dict(curation))
    added: list[dict[str, Any]] = list(data.get("added") or [])
    entries: dict[str, Any] = dict(data.get("entries") or {})
    resources = list(resources)
    by_url, by_title = catalog_index(resources, added, aliases)
    taken = {r.id for r in resources} | {str(e["id"]) for e in added}
    seen: set[str] = set()
    curated = {r.id for r in resources if r.origin == "curated"}
    result = ImportResult()
    for mention in iter_markdown_page(text, document, result.skipped):
        label = mention.title or "(untitled)"
        if not mention.url:
            result.skipped.append(f"{label}: no usable absolute http(s) URL")
            continue
        if control_characters(label):
            result.skipped.append(f"{label}: control characters in the title")
            continue
        ukey, tkey = url_key(mention.url), title_key(mention.title or "")
        if ukey in seen or (tkey and tkey in seen):
            result.skipped.append(f"{label}: repeats an earlier item of this file")
            continue
        seen.update({ukey, tkey} - {""})
        source = (
            {"document": document, "section": mention.section}
            if mention.section
            else {"document": document}
        )
        existing = by_url.get(ukey) or (by_title.get(tkey) if tkey else None)
        if existing in curated:
            # hand-checked entries live in their own source file, not in the curation
            result.skipped.append(f"{label}: already in the catalog as {existing}")
            continue
        if existing is not None:
            add_source(existing, source, entries, added)
            result.merged.append(existing)
            continue
        rid = unique_id(slugify(mention.title or ukey), taken)
        taken.add(rid)
        added.append(_new_entry(rid, mention.title or ukey, mention.url, mention, source))
        by_url[ukey] = rid
        if tkey:
            by_title[tkey] = rid
        result.added.append(rid)
    if entries:
        data["entries"] = entries
    if added:
        data["added"] = added
    result.curation = data
    return result


def add_source(
    rid: str, source: dict[str, str], entries: dict[str, Any], added: list[dict[str, Any]]
) -> None:
    for entry in added:
        if entry.get("id") == rid:
            sources = entry.setdefault("sources", [])
            if source not in sources:
                sources.append(source)
            return
    fixes = dict(entries.get(rid) or {})
    extra = list(fixes.get("extra_sources") or [])
    if source not in extra:
        extra.append(source)
    fixes["extra_sources"] = extra
    entries[rid] = fixes


def unique_id(base: str, taken: set[str]) -> str:
    base = base or "imported"
    rid, counter = base, 2
    while rid in taken:
        suffix = f"-{counter}"
        rid = base[: MAX_ID_LENGTH - len(suffix)].rstrip("-") + suffix
        counter += 1
    return rid


def _new_entry(
    rid: str, title: str, url: str, mention: Mention, source: dict[str, str]
) -> dict[str, Any]:
    hints = (mention.kind,) if mention.kind else ()
    kind = classify_kind(hints, url, title)
    level, _ = classify_level(None, kind, title, mention.description)
    entry: dict[str, Any] = {
        "id": rid,
        "title": title,
        "url": url,
        "kind": kind,
        "topics": list(classify_topics(title, mention.description, [mention.section])),
        "level": level,
        "level_source": "curated",
    }
    if mention.authors:
        entry["authors"] = list(mention.authors)
    if mention.year:
        entry["year"] = mention.year
    if mention.description:
        entry["description"] = mention.description
        entry["description_source"] = "document"
    entry["sources"] = [source]
    return entry

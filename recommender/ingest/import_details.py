"""`deepread catalog import` of BibTeX and CSL-JSON, and `deepread catalog add LINK`.

The same fold as the awesome-list import (`importer`): each `FetchedDetails` (a file entry,
or what a fetched link says) is
  - skipped when it has no usable link (a safe http(s) URL, an arXiv id or a DOI) or repeats
    an earlier entry of the same file;
  - merged when the catalog (or an earlier import) already has it, by normalised URL, arXiv
    id, DOI, normalised title or a curation alias: the file becomes one more source (an
    entry of the hand-checked curated source files is skipped instead: its sources are
    written there, not in the curation file);
  - added otherwise, as a new curated entry: kind, level and topics by the build's classifier
    unless given, authors, year and abstract as the source says.
The curation data is changed in a copy and returned; the caller writes it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from recommender.fetched.details import FetchedDetails, details
from recommender.fetched.identifiers import ArxivLink, DoiLink, identity
from recommender.ingest.classify import classify_kind, classify_level, classify_topics
from recommender.ingest.importer import ImportResult, add_source, catalog_index, unique_id
from recommender.ingest.merge import Alias
from recommender.ingest.text import slugify, title_key
from recommender.ingest.urls import url_key
from recommender.resource import Resource


def link_of(found: FetchedDetails) -> str | None:
    """The link an imported entry keeps: its URL, else its arXiv or DOI page."""
    if found.url:
        return found.url
    if found.arxiv_id:
        return ArxivLink(found.arxiv_id).url
    if found.doi:
        return DoiLink(found.doi).url
    return None


def _identifiers(
    resources: Iterable[Resource], added: Iterable[Mapping[str, Any]]
) -> dict[str, str]:
    """arXiv and DOI keys (`arxiv:…`, `doi:…`) -> id, of everything the catalog holds."""
    known: dict[str, str] = {}
    pairs = [(r.id, r.title, r.url) for r in resources]
    pairs += [(str(e["id"]), str(e.get("title") or ""), e.get("url")) for e in added]
    for rid, title, url in pairs:
        found = identity(details(title=title, url=url))
        for key in (f"arxiv:{found.arxiv_id}", f"doi:{found.doi}"):
            if not key.endswith(":None"):
                known.setdefault(key, rid)
    return known


def import_details(
    found: Sequence[FetchedDetails],
    document: str,
    curation: Mapping[str, Any],
    resources: Iterable[Resource],
    aliases: Iterable[Alias] = (),
    *,
    level: str | None = None,
    topics: Sequence[str] = (),
) -> ImportResult:
    """Fold `found` into a copy of `curation` (raw YAML data) and say what happened.

    `level` and `topics` (already checked) replace the classifier's guess for new entries.
    """
    data: dict[str, Any] = copy.deepcopy(dict(curation))
    added: list[dict[str, Any]] = list(data.get("added") or [])
    entries: dict[str, Any] = dict(data.get("entries") or {})
    resources = list(resources)
    by_url, by_title = catalog_index(resources, added, aliases)
    by_identifier = _identifiers(resources, added)
    taken = {r.id for r in resources} | {str(e["id"]) for e in added}
    seen: set[str] = set()
    result = ImportResult()
    source = {"document": document}
    curated = {r.id for r in resources if r.origin == "curated"}
    for item in found:
        label = item.title or "(untitled)"
        link = link_of(item)
        if not item.title or not link:
            result.skipped.append(f"{label}: no title or no usable link (URL, arXiv id, DOI)")
            continue
        ids = identity(item)
        keys = {url_key(link), title_key(item.title)}
        keys |= {f"arxiv:{ids.arxiv_id}"} if ids.arxiv_id else set()
        keys |= {f"doi:{ids.doi}"} if ids.doi else set()
        keys -= {""}
        if keys & seen:
            result.skipped.append(f"{label}: repeats an earlier entry of this file")
            continue
        seen |= keys
        existing = (
            (by_identifier.get(f"arxiv:{ids.arxiv_id}") if ids.arxiv_id else None)
            or (by_identifier.get(f"doi:{ids.doi}") if ids.doi else None)
            or by_url.get(url_key(link))
            or by_title.get(title_key(item.title))
        )
        if existing in curated:
            # hand-checked entries live in their own source file, not in the curation
            result.skipped.append(f"{label}: already in the catalog as {existing}")
            continue
        if existing is not None:
            add_source(existing, dict(source), entries, added)
            result.merged.append(existing)
            continue
        rid = unique_id(slugify(item.title), taken)
        taken.add(rid)
        added.append(_entry(rid, item, link, source, level, topics))
        by_url[url_key(link)] = rid
        by_title[title_key(item.title)] = rid
        for key in keys:
            if key.startswith(("arxiv:", "doi:")):
                by_identifier[key] = rid
        result.added.append(rid)
    if entries:
        data["entries"] = entries
    if added:
        data["added"] = added
    result.curation = data
    return result


def _entry(
    rid: str,
    item: FetchedDetails,
    link: str,
    source: dict[str, str],
    level: str | None,
    topics: Sequence[str],
) -> dict[str, Any]:
    assert item.title is not None
    hints = (item.kind,) if item.kind else ()
    kind = classify_kind(hints, link, item.title)
    guessed, _ = classify_level(None, kind, item.title, item.description)
    entry: dict[str, Any] = {
        "id": rid,
        "title": item.title,
        "url": link,
        "kind": kind,
        "topics": list(topics) or list(classify_topics(item.title, item.description, [])),
        "level": level or guessed,
        "level_source": "curated",
    }
    if item.authors:
        entry["authors"] = list(item.authors)
    if item.year:
        entry["year"] = item.year
    if item.description:
        entry["description"] = item.description
        entry["description_source"] = "document"
    entry["sources"] = [dict(source)]
    return entry

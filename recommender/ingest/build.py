"""From the five source documents and the curation file to catalog resources.

parse (one parser per format) -> align the two copies of the post -> merge mentions ->
stable ids -> curation fixes -> kind, level and topics by rule (classify) -> Resource; then
the curation file's `added` entries and the curated source files
(recommender/data/sources/curated-*.yaml, whole resources written and checked by hand,
`origin: curated`; see curated.py).
Ids are slugs of the merged title (an alias's name, else the best document title), taken
before curation, so that fixing a title in the curation file never renames an entry; repeats
get -2, -3 in reading order. Everything is deterministic: the same inputs give the same
resources in the same order, so `deepread catalog build` run twice writes the same bytes.

A URL that only 003 gives (003 lost every hyphen, URLs included) is shipped only when the
curation file states the URL for that entry (repaired, or confirmed as it is); otherwise it
is left out and named in the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from recommender.catalog import (
    MAX_ID_LENGTH,
    CatalogError,
    default_catalog_path,
    dump_catalog,
    resource_from_dict,
    validate_text,
)
from recommender.ingest.align import align_copies
from recommender.ingest.blog_numbered import parse_blog_numbered
from recommender.ingest.blog_urls import parse_blog_with_urls
from recommender.ingest.classify import classify_kind, classify_level, classify_topics
from recommender.ingest.curated import CuratedSourceError, read_curated, repeats
from recommender.ingest.curation import Curation
from recommender.ingest.guide import parse_guide
from recommender.ingest.markdown_page import parse_markdown_page
from recommender.ingest.mention import Mention
from recommender.ingest.merge import FieldOrder, MergedEntry, merge_mentions
from recommender.ingest.text import clean_document_text, normalise_name, slugify
from recommender.ingest.urls import url_key
from recommender.resource import Resource, SourceRef

Parser = Callable[[str, str], list[Mention]]

PAGE_V2 = "dl-resources-page-v2"
PAGE_V1 = "dl-resources-page-v1"
GUIDE = "guide-to-deep-learning"
POST_URLS = "useful-resources-with-urls"
POST_NUMBERED = "useful-resources-numbered"
SOURCE_FILES: tuple[tuple[str, Parser], ...] = (
    (f"{PAGE_V2}.md", parse_markdown_page),
    (f"{PAGE_V1}.md", parse_markdown_page),
    (f"{GUIDE}.txt", parse_guide),
    (f"{POST_NUMBERED}.txt", parse_blog_numbered),
    (f"{POST_URLS}.txt", parse_blog_with_urls),
)
DOCUMENT_ORDER = (PAGE_V2, PAGE_V1, GUIDE, POST_NUMBERED, POST_URLS)
FIELD_ORDER = FieldOrder(
    title=(PAGE_V2, PAGE_V1, POST_NUMBERED, GUIDE, POST_URLS),
    url=(PAGE_V2, PAGE_V1, POST_URLS),
    description=(POST_NUMBERED, PAGE_V2, PAGE_V1, GUIDE, POST_URLS),
    authors=(PAGE_V2, PAGE_V1, GUIDE, POST_NUMBERED, POST_URLS),
)


def default_sources_dir() -> Path:
    return default_catalog_path().parent / "sources"


def default_curation_path() -> Path:
    return default_catalog_path().parent / "curation.yaml"


@dataclass
class BuildReport:
    """What the build did, for the CLI to show and the tests to check."""

    mentions: Counter[str] = field(default_factory=Counter)
    merged: int = 0
    dropped: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    lossy_urls_left_out: dict[str, str] = field(default_factory=dict)
    unknown_curation_ids: list[str] = field(default_factory=list)
    descriptions: Counter[str] = field(default_factory=Counter)
    curated: int = 0
    unknown_prerequisites: dict[str, list[str]] = field(default_factory=dict)
    unused_text_fixes: list[str] = field(default_factory=list)


def read_mentions(
    sources_dir: Path,
) -> tuple[list[Mention], list[tuple[Mention, Mention]]]:
    """All mentions of the source documents present in `sources_dir`, and the post pairs."""
    by_document: dict[str, list[Mention]] = {}
    for filename, parser in SOURCE_FILES:
        path = sources_dir / filename
        if path.exists():
            document = path.stem
            by_document[document] = parser(path.read_text(encoding="utf-8"), document)
    pairs: list[tuple[Mention, Mention]] = []
    if POST_URLS in by_document and POST_NUMBERED in by_document:
        pairs, restored = align_copies(by_document[POST_URLS], by_document[POST_NUMBERED])
        by_document[POST_NUMBERED] = restored
    mentions = [m for document in DOCUMENT_ORDER for m in by_document.get(document, [])]
    return mentions, pairs


def assign_ids(entries: list[MergedEntry]) -> list[str | None]:
    """A slug per entry from its title (or URL); repeats get -2, -3 in entry order."""
    ids: list[str | None] = []
    taken: set[str] = set()
    for entry in entries:
        base = slugify(entry.title or (url_key(entry.url) if entry.url else ""), MAX_ID_LENGTH)
        if not base:
            ids.append(None)
            continue
        rid, counter = base, 2
        while rid in taken:
            suffix = f"-{counter}"
            rid = base[: MAX_ID_LENGTH - len(suffix)].rstrip("-") + suffix
            counter += 1
        taken.add(rid)
        ids.append(rid)
    return ids


def _description(
    entry: MergedEntry, fixes: Mapping[str, Any], report: BuildReport | None = None
) -> tuple[str | None, str | None]:
    if fixes.get("description"):
        return str(fixes["description"]), "curated"
    text: str | None = None
    wanted = fixes.get("description_document")
    if wanted:
        for mention in entry.mentions:
            if mention.document == wanted and mention.description:
                text = mention.description
                break
    if text is None and entry.description:
        text = entry.description
    if text is None:
        return None, None
    return _apply_text_fixes(clean_document_text(text), fixes, report), "document"


def _apply_text_fixes(text: str, fixes: Mapping[str, Any], report: BuildReport | None) -> str:
    """The curation's literal repairs of a document's text (words glued in its PDF)."""
    for wrong, right in (fixes.get("text_fixes") or {}).items():
        if wrong in text:
            text = text.replace(wrong, right)
        elif report is not None:
            report.unused_text_fixes.append(wrong)
    return text


def _resource(
    rid: str, entry: MergedEntry, fixes: Mapping[str, Any], report: BuildReport
) -> Resource:
    title = str(fixes.get("title") or entry.title or rid)
    if "url" in fixes:
        url = fixes["url"]
    elif entry.url_lossy:
        url = None
        report.lossy_urls_left_out[rid] = entry.url or ""
    else:
        url = entry.url
    description, description_source = _description(entry, fixes, report)
    if description_source:
        report.descriptions[description_source] += 1
    kind = fixes.get("kind") or classify_kind(entry.kinds, url, title)
    level, level_source = classify_level(entry.stars, kind, title, description)
    if fixes.get("level"):
        level, level_source = fixes["level"], "curated"
    topics = fixes.get("topics") or classify_topics(
        title, description, [s.section for s in entry.sources]
    )
    sources = list(entry.sources)
    for extra in fixes.get("extra_sources") or []:
        ref = SourceRef(str(extra.get("document", "")), str(extra.get("section") or ""))
        if ref not in sources:
            sources.append(ref)
    renamed = fixes.get("id")
    authors = tuple(fixes["authors"]) if "authors" in fixes else entry.authors
    return Resource(
        id=str(renamed or rid),
        former_ids=(rid,) if renamed and renamed != rid else (),
        authors_complete=bool(fixes.get("authors_complete", entry.authors_complete)),
        historical=fixes.get("historical"),
        alternative_url=fixes.get("alternative_url"),
        title=title,
        kind=kind,
        level=level,
        topics=tuple(topics),
        url=url,
        authors=tuple(normalise_name(name) for name in authors),
        year=fixes.get("year", entry.year),
        level_source=level_source,
        description=description,
        description_source=description_source,
        prerequisites=tuple(fixes.get("prerequisites") or ()),
        sources=tuple(sources),
    )


def build_resources(sources_dir: Path, curation: Curation) -> tuple[list[Resource], BuildReport]:
    """The catalog's resources, in reading order of the documents, then curated additions."""
    report = BuildReport()
    mentions, pairs = read_mentions(sources_dir)
    report.mentions.update(m.document for m in mentions)
    entries = merge_mentions(
        mentions,
        aliases=curation.aliases,
        pairs=pairs,
        order=FIELD_ORDER,
        document_order=DOCUMENT_ORDER,
    )
    report.merged = len(entries)
    resources: list[Resource] = []
    used: set[str] = set()
    for rid, entry in zip(assign_ids(entries), entries, strict=True):
        if rid is None:
            first = entry.mentions[0]
            report.skipped.append(f"{first.document} #{first.position}: no title and no URL")
            continue
        used.add(rid)
        if rid in curation.drops:
            report.dropped[rid] = curation.drops[rid]
            continue
        resources.append(_resource(rid, entry, curation.entries.get(rid, {}), report))
    for added in curation.added:
        resource = resource_from_dict(
            {"level_source": "curated", **{k: v for k, v in added.items() if v is not None}}
        )
        used.add(resource.id)
        if resource.description:
            report.descriptions[resource.description_source or "curated"] += 1
        resources.append(resource)
    curated = read_curated(sources_dir)
    problems = repeats(curated, resources)
    if problems:
        raise CuratedSourceError(str(sources_dir), problems)
    # A curated entry may name seed resources as prerequisites; built with another curation
    # file (a test, a fork) those ids may not exist: leave them out and say so.
    known = {r.id for r in resources} | {r.id for r in curated}
    for index, resource in enumerate(curated):
        missing = [p for p in resource.prerequisites if p not in known]
        if missing:
            report.unknown_prerequisites[resource.id] = missing
            kept = tuple(p for p in resource.prerequisites if p in known)
            curated[index] = replace(resource, prerequisites=kept)
    resources += curated
    report.descriptions["curated"] += len(curated)
    report.curated = len(curated)
    report.unknown_curation_ids = sorted((set(curation.entries) | set(curation.drops)) - used)
    return resources, report


def build_catalog_text(sources_dir: Path, curation: Curation) -> tuple[str, BuildReport]:
    """The catalog file's text; raises CatalogError if the result would not validate."""
    resources, report = build_resources(sources_dir, curation)
    text = dump_catalog(resources)
    problems = validate_text(text)
    if problems:
        raise CatalogError("built catalog", problems)
    return text, report

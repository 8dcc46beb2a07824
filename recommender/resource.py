"""The catalog's unit: one reading resource, as plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a resource was found: which source document, under which section heading."""

    document: str
    section: str = ""


@dataclass(frozen=True, slots=True)
class Resource:
    """One paper, course, book, video, post, ... of the catalog.

    Frozen so that an engine built over a catalog can share it freely between requests.
    `level_source` tells whether the guide's star rating gave the level (`rating`) or a person
    or documented rule did (`curated`); `description_source` tells whether the description is
    a document's own abstract/blurb (`document`) or written for the catalog (`curated`).
    """

    id: str
    title: str
    kind: str
    level: str
    topics: tuple[str, ...]
    url: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    level_source: str = "curated"
    description: str | None = None
    description_source: str | None = None
    prerequisites: tuple[str, ...] = ()
    sources: tuple[SourceRef, ...] = field(default=())

    @property
    def host(self) -> str | None:
        """The URL's host without `www.`, e.g. `colah.github.io`; None without a URL."""
        if not self.url:
            return None
        rest = self.url.split("://", 1)[-1]
        host = rest.split("/", 1)[0].split(":", 1)[0].lower()
        return host.removeprefix("www.") or None

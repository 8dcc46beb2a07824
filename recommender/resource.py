"""The catalog's unit: one reading resource, as plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field

SERVER_ORIGIN = "server"
"""The `origin` of a resource one Discord server added to its own catalog (never in a file)."""


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
    `origin` tells where the resource itself comes from: one of the seed reading lists
    (`seed`) or the hand-checked curated source file (`curated`,
    recommender/data/sources/curated-*.yaml), or, for a resource a server added to its own
    catalog, `server` (`SERVER_ORIGIN`: see `added_by_server`).
    `authors_complete` is False when `authors` holds only the first authors ("et al.");
    `historical` says why a resource is kept although superseded (a retired framework, a
    withdrawn course), None for current ones; `alternative_url` is a current or archived copy
    of a link whose host is retired; `former_ids` are ids it was known by, which still
    resolve to it.
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
    origin: str = "seed"
    authors_complete: bool = True
    historical: str | None = None
    alternative_url: str | None = None
    former_ids: tuple[str, ...] = ()

    def __hash__(self) -> int:
        # By id alone (equal resources have equal ids, so this agrees with ==): the generated
        # hash combined all eighteen fields on every call, and answers use resources as keys
        # of their caches (a page's embed, a select's options) for every member in a burst.
        return hash(self.id)

    @property
    def byline(self) -> str:
        """Authors as people read them: "A, B and C"; "A, B et al." when the list is partial."""
        names = list(self.authors)
        if not names:
            return ""
        if not self.authors_complete:
            return ", ".join(names) + " et al."
        if len(names) == 1:
            return names[0]
        return ", ".join(names[:-1]) + " and " + names[-1]

    @property
    def added_by_server(self) -> bool:
        """Whether one Discord server added it (shown as "added by this server")."""
        return self.origin == SERVER_ORIGIN

    @property
    def link(self) -> str | None:
        """The link to open: the alternative when the original host is retired, else the URL."""
        return self.alternative_url or self.url

    @property
    def host(self) -> str | None:
        """The URL's host without `www.`, e.g. `colah.github.io`; None without a URL."""
        if not self.url:
            return None
        rest = self.url.split("://", 1)[-1]
        host = rest.split("/", 1)[0].split(":", 1)[0].lower()
        return host.removeprefix("www.") or None

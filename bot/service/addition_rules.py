"""The pure rules of server catalogs: which links may be suggested, how an addition is named,
what counts as the same resource, and how a stored addition becomes a catalog `Resource`.

No database and no web here: `ServerCatalogMixin` calls these around the store and fetcher.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from bot.service.catalog_answers import SuggestionRefused
from bot.service.validation import ServiceError
from bot.store.records import IdentityKeys, StoredServerResource
from bot.store.values import LINK_LENGTH
from recommender.catalog_format import MAX_ID_LENGTH
from recommender.fetched.details import FetchedDetails, clean_text, details
from recommender.fetched.identifiers import ArxivLink, DoiLink, Identity, identity, read_link
from recommender.ingest.text import slugify
from recommender.resource import SERVER_ORIGIN, Resource

MAX_NOTE = 300
"""A member's note or a moderator's reason, in characters."""
MAX_TYPED_TITLE = 300
MAX_TYPED_DESCRIPTION = 2000
MAX_TOPICS = 5
INVITE_HOSTS = ("discord.gg", "discord.com", "discordapp.com", "discord.me", "dsc.gg")
_INVITE_PATH = re.compile(r"^/(?:invite|servers)/", re.IGNORECASE)
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
SUFFIX_LENGTH = 5


def check_link(text: str) -> str:
    """What a member typed as a link, stripped; or why it can never be one.

    Empty or overlong text is a ServiceError; `javascript:`, `data:` and other non-web
    schemes, and Discord invites, are refused outright (`SuggestionRefused`).
    """
    link = text.strip() if isinstance(text, str) else ""
    if not link:
        raise ServiceError("give a link: an arXiv id or URL, a DOI, or an http(s) address")
    if len(link) > LINK_LENGTH:
        raise ServiceError(f"that link is too long (at most {LINK_LENGTH} characters)")
    scheme = _SCHEME.match(link)
    if scheme and scheme.group(1).lower() not in ("http", "https", "arxiv", "doi"):
        raise SuggestionRefused(
            f"only http(s) links can be suggested, not {scheme.group(1).lower()}: links"
        )
    if is_invite(link):
        raise SuggestionRefused("Discord invites cannot be suggested as reading")
    if read_link(link) is None:
        raise SuggestionRefused(
            "that is not a link I can read: give an arXiv id (2101.00001), a DOI "
            "(10.1038/nature14539) or an http(s) address"
        )
    return link


def is_invite(link: str) -> bool:
    """Whether `link` is a Discord server invite (any of its hosts and forms)."""
    raw = link.strip()
    if "://" not in raw:
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:
        return False
    if host in ("discord.gg", "dsc.gg", "discord.me"):
        return True
    return host in INVITE_HOSTS and bool(_INVITE_PATH.match(parts.path))


def check_text(value: str | None, what: str, limit: int) -> str | None:
    """Typed text (a note, a reason, a title) cleaned to one inert line, or a ServiceError
    when it is longer than `limit`; empty is None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ServiceError(f"invalid {what}")
    if len(value.strip()) > limit:
        raise ServiceError(f"the {what} is too long: keep it under {limit} characters")
    return clean_text(value, limit)


def typed_authors(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """Authors typed by a moderator: a list, or one text split at `;`, `,` and " and "."""
    if value is None:
        return ()
    names = [value] if isinstance(value, str) else list(value)
    found: list[str] = []
    for chunk in names:
        found += [p for p in re.split(r"\s*;\s*|\s*,\s*|\s+and\s+", str(chunk)) if p.strip()]
    return details(authors=found).authors


def link_details(link: str) -> FetchedDetails:
    """What the typed link alone says (its canonical URL, arXiv id or DOI): the details a
    suggestion keeps when nothing could be fetched, and the keys of a check before fetching."""
    parsed = read_link(link)
    if isinstance(parsed, ArxivLink):
        return details(url=parsed.url, arxiv_id=parsed.arxiv_id, kind="paper")
    if isinstance(parsed, DoiLink):
        return details(url=parsed.url, doi=parsed.doi, kind="paper")
    return details(url=parsed.url if parsed is not None else None)


def keys_of(found: Identity) -> IdentityKeys:
    """The store's identity keys (a normalised URL is capped so it fits its index)."""
    url_key = found.url_key[:LINK_LENGTH] if found.url_key else None
    title_key = found.title_key[:500] if found.title_key else None
    return IdentityKeys(url_key, found.arxiv_id, found.doi, title_key)


def resource_identity(resource: Resource) -> Identity:
    """A catalog resource's identity, by the same rule as fetched details."""
    return identity(details(title=resource.title, url=resource.url))


class IdentityIndex:
    """Resources by every identity key: "is this already in the catalog?" in a set lookup."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self._by_key: dict[str, list[Resource]] = {}
        for resource in resources:
            for key in sorted(resource_identity(resource).keys()):
                self._by_key.setdefault(key, []).append(resource)

    def find(self, found: Identity, facts: FetchedDetails | None = None) -> Resource | None:
        """The resource sharing the strongest key: an identifier (arXiv id, DOI, then the
        link) before the title, since a title alone can be shared by two works (Nature's
        "Deep learning" review and Goodfellow's book). With the suggestion's `facts`, a
        resource sharing only the title is not the same work when the facts disagree
        (`different_works`)."""
        for key in sorted(found.keys(), key=_key_rank):
            for hit in self._by_key.get(key, ()):
                if facts is None or not key.startswith("title:"):
                    return hit
                if not different_works(facts, hit):
                    return hit
        return None


DISTINCT_KINDS = frozenset({"paper", "book", "course"})
"""Kinds that metadata states reliably (Crossref's types, arXiv): a paper and a book with one
title are two works. A page's own kind (website, blog) is a guess and decides nothing."""


def different_works(facts: FetchedDetails, resource: Resource) -> bool:
    """Whether a resource whose title is the suggestion's is nevertheless another work: the
    kinds are two of `DISTINCT_KINDS`, the years are more than a year apart (a preprint and
    its journal version may be one year apart), or both name authors and share no surname."""
    kinds = {facts.kind, resource.kind}
    if len(kinds) == 2 and kinds <= DISTINCT_KINDS:
        return True
    if facts.year is not None and resource.year is not None and abs(facts.year - resource.year) > 1:
        return True
    mine, theirs = _surnames(facts.authors), _surnames(resource.authors)
    return bool(mine and theirs and not mine & theirs)


def _surnames(authors: Sequence[str]) -> set[str]:
    """The last word of each name, case-folded ("Yann LeCun" -> "lecun")."""
    return {name.split()[-1].casefold() for name in authors if name.split()}


KEY_ORDER = ("arxiv", "doi", "url", "title")
"""Identity keys from the most to the least telling."""


def _key_rank(key: str) -> tuple[int, str]:
    kind = key.split(":", 1)[0]
    return (KEY_ORDER.index(kind) if kind in KEY_ORDER else len(KEY_ORDER), key)


def server_suffix(guild_id: int) -> str:
    """A short suffix derived from the server (`k3x9q`): additions of different servers with
    the same title get different ids, and nobody can read the server id back from it."""
    number = zlib.crc32(str(guild_id).encode("ascii"))
    digits = []
    for _ in range(SUFFIX_LENGTH):
        number, digit = divmod(number, 36)
        digits.append(_BASE36[digit])
    return "".join(digits)


def addition_id(title: str, guild_id: int, taken: Iterable[str] = ()) -> str:
    """An id for a server's addition: the title's slug plus the server's suffix (and `-2`,
    `-3`, ... when taken), within the catalog's id pattern and length."""
    suffix = server_suffix(guild_id)
    slug = slugify(title, MAX_ID_LENGTH - SUFFIX_LENGTH - 5) or "resource"
    base = f"{slug}-{suffix}"
    used = set(taken)
    if base not in used:
        return base
    number = 2
    while f"{base}-{number}" in used:
        number += 1
    return f"{base}-{number}"


def addition_resource(stored: StoredServerResource) -> Resource:
    """A stored addition as a catalog `Resource` with origin `server`."""
    return Resource(
        id=stored.resource_id,
        title=stored.title,
        kind=stored.kind,
        level=stored.level,
        topics=stored.topics,
        url=stored.url,
        authors=stored.authors,
        year=stored.year,
        level_source="curated",
        description=stored.description,
        description_source="document" if stored.description else None,
        origin=SERVER_ORIGIN,
    )

"""What a member typed: an arXiv id or link, a DOI, another web page, or nothing usable.

`read_link` decides where the details come from (arXiv's export API, Crossref, the page
itself) before anything is fetched; `identity` gives the keys a duplicate check compares, so
that `arXiv:1706.03762v5`, `https://arxiv.org/pdf/1706.03762` and the catalog's
`https://arxiv.org/abs/1706.03762` are one resource.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from recommender.fetched.details import MAX_ID, FetchedDetails, safe_url
from recommender.fuzzy import normalize
from recommender.ingest.urls import url_key

_NEW_ARXIV = r"\d{4}\.\d{4,5}"
_OLD_ARXIV = r"[a-z][a-z-]*(?:\.[a-z]{2})?/\d{7}"
_ARXIV_ID = re.compile(rf"^(?P<id>{_NEW_ARXIV}|{_OLD_ARXIV})(?:v\d+)?$", re.IGNORECASE)
_ARXIV_URL = re.compile(
    rf"^(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(?P<id>{_NEW_ARXIV}|{_OLD_ARXIV})"
    r"(?:v\d+)?(?:\.pdf)?/?$",
    re.IGNORECASE,
)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_HOSTS = ("doi.org", "dx.doi.org", "www.doi.org")

ARXIV_API = "https://export.arxiv.org/api/query?id_list={id}"
CROSSREF_API = "https://api.crossref.org/works/{doi}"


@dataclass(frozen=True, slots=True)
class ArxivLink:
    """An arXiv paper, by its version-less id (`2101.00001`, `hep-th/9901001`)."""

    arxiv_id: str

    @property
    def api_url(self) -> str:
        return ARXIV_API.format(id=quote(self.arxiv_id, safe="/."))

    @property
    def url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}"


@dataclass(frozen=True, slots=True)
class DoiLink:
    """A DOI, lowercased (DOIs are case-insensitive)."""

    doi: str

    @property
    def api_url(self) -> str:
        return CROSSREF_API.format(doi=quote(self.doi, safe="/"))

    @property
    def url(self) -> str:
        return f"https://doi.org/{self.doi}"


@dataclass(frozen=True, slots=True)
class PageLink:
    """Any other http(s) page: its own HTML says what it is."""

    url: str


Link = ArxivLink | DoiLink | PageLink


def arxiv_id(text: str) -> str | None:
    """The version-less arXiv id in `text` (a bare id, `arXiv:` id or abs/pdf link), else None."""
    raw = text.strip()
    if len(raw) > MAX_ID * 2:
        return None
    raw = re.sub(r"^arxiv:\s*", "", raw, flags=re.IGNORECASE)
    match = _ARXIV_ID.match(raw)
    if match is None:
        rest = re.sub(r"^https?://", "", raw, flags=re.IGNORECASE).split("#")[0].split("?")[0]
        match = _ARXIV_URL.match(rest)
    return match.group("id").lower() if match else None


def doi(text: str) -> str | None:
    """The lowercased DOI in `text` (bare, `doi:` prefixed or a doi.org link), else None."""
    raw = text.strip()
    if len(raw) > MAX_ID * 2:
        return None
    raw = re.sub(r"^doi:\s*", "", raw, flags=re.IGNORECASE)
    if "://" in raw:
        try:
            parts = urlsplit(raw)
        except ValueError:
            return None
        if parts.scheme.lower() not in ("http", "https"):
            return None
        if (parts.hostname or "").lower() not in _DOI_HOSTS:
            return None
        raw = unquote(parts.path.lstrip("/"))
    raw = raw.strip()
    return raw.lower() if _DOI.match(raw) and len(raw) <= MAX_ID else None


def read_link(text: str) -> Link | None:
    """Where the details of what a member typed come from, or None when it is no usable link.

    arXiv first (an arXiv DOI `10.48550/arXiv.…` is still best read from arXiv), then DOIs,
    then any http(s) URL; `javascript:`, `data:`, relative paths and plain words are None.
    """
    found = arxiv_id(text)
    if found is not None:
        return ArxivLink(found)
    found_doi = doi(text)
    if found_doi is not None:
        arxiv_doi = re.match(r"^10\.48550/arxiv\.(.+)$", found_doi)
        if arxiv_doi and arxiv_id(arxiv_doi.group(1)):
            return ArxivLink(arxiv_doi.group(1))
        return DoiLink(found_doi)
    url = safe_url(text)
    return PageLink(url) if url is not None else None


@dataclass(frozen=True, slots=True)
class Identity:
    """The keys a duplicate check compares; two resources sharing any non-empty key are one."""

    url_key: str | None
    arxiv_id: str | None
    doi: str | None
    title_key: str | None

    def keys(self) -> frozenset[str]:
        """Every key, tagged by what it is, for a set lookup."""
        tagged = {
            f"url:{self.url_key}" if self.url_key else "",
            f"arxiv:{self.arxiv_id}" if self.arxiv_id else "",
            f"doi:{self.doi}" if self.doi else "",
            f"title:{self.title_key}" if self.title_key else "",
        }
        return frozenset(tagged - {""})


def identity(found: FetchedDetails) -> Identity:
    """Normalised URL (the ingest's `url_key`), arXiv id, DOI and title of `found`.

    The arXiv id also comes from an arXiv URL and the DOI from a doi.org URL, so a link the
    catalog holds matches an identifier a member typed.
    """
    link = read_link(found.url) if found.url else None
    arxiv = found.arxiv_id or (link.arxiv_id if isinstance(link, ArxivLink) else None)
    the_doi = found.doi or (link.doi if isinstance(link, DoiLink) else None)
    ukey = url_key(found.url) if found.url else None
    if arxiv is not None:
        ukey = f"arxiv:{arxiv}"
    title = normalize(found.title) if found.title else ""
    return Identity(url_key=ukey, arxiv_id=arxiv, doi=the_doi, title_key=title or None)

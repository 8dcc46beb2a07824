"""From what a member typed to `FetchedDetails`, over `SafeHttp`, with a small cache.

arXiv ids go to arXiv's export API, DOIs to Crossref's works API, anything else to the page
itself; each answer must have the content type its parser reads. Details are cached in memory
for a while (many members suggest the same paper the week it comes out, and arXiv asks API
users not to repeat queries), bounded so that a flood of distinct links cannot grow memory.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from recommender.fetched.arxiv import parse_arxiv_atom
from recommender.fetched.crossref import parse_crossref_work
from recommender.fetched.details import FetchedDetails
from recommender.fetched.html_meta import parse_html_meta
from recommender.fetched.identifiers import (
    ARXIV_API,
    CROSSREF_API,
    ArxivLink,
    DoiLink,
    Link,
    read_link,
)
from recommender.fetched.safe_http import Failure, FetchFailure, Response, SafeHttp

ATOM_TYPES = frozenset({"application/atom+xml", "application/xml", "text/xml"})
JSON_TYPES = frozenset({"application/json", "application/vnd.citationstyles.csl+json"})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


class DetailsCache:
    """Fetched details by link, each kept `ttl_s` seconds, the oldest dropped past `size`."""

    def __init__(
        self, size: int = 512, ttl_s: float = 24 * 3600, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.size = size
        self.ttl_s = ttl_s
        self._clock = clock
        self._items: OrderedDict[Link, tuple[float, FetchedDetails]] = OrderedDict()

    def get(self, link: Link) -> FetchedDetails | None:
        item = self._items.get(link)
        if item is None:
            return None
        stored, found = item
        if self._clock() - stored > self.ttl_s:
            del self._items[link]
            return None
        self._items.move_to_end(link)
        return found

    def put(self, link: Link, found: FetchedDetails) -> None:
        self._items[link] = (self._clock(), found)
        self._items.move_to_end(link)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class DetailsFetcher:
    """Fetches the details of a suggested link; failures are returned, never raised.

    `arxiv_api` and `crossref_api` are URL templates (`{id}`, `{doi}`) so the tests can point
    them at their local fake server.
    """

    def __init__(
        self,
        http: SafeHttp | None = None,
        cache: DetailsCache | None = None,
        *,
        arxiv_api: str = ARXIV_API,
        crossref_api: str = CROSSREF_API,
    ) -> None:
        self.http = http or SafeHttp()
        self.cache = cache if cache is not None else DetailsCache()
        self.arxiv_api = arxiv_api
        self.crossref_api = crossref_api

    async def fetch(self, text: str) -> FetchedDetails | FetchFailure:
        """The details of what a member typed (an arXiv id or link, a DOI, any http(s) link)."""
        link = read_link(text)
        if link is None:
            return FetchFailure(Failure.NOT_A_LINK, text[:200])
        cached = self.cache.get(link)
        if cached is not None:
            return cached
        try:
            found = await self._fetch(link)
        except Exception as error:  # a defect in a parser must reach the member as a reason
            return FetchFailure(Failure.UNREADABLE, f"{type(error).__name__}")
        if isinstance(found, FetchedDetails):
            self.cache.put(link, found)
        return found

    async def _fetch(self, link: Link) -> FetchedDetails | FetchFailure:
        if isinstance(link, ArxivLink):
            url = self.arxiv_api.format(id=link.arxiv_id)
            answer = await self.http.get(url, ATOM_TYPES)
            return _parsed(answer, lambda r: parse_arxiv_atom(r.body))
        if isinstance(link, DoiLink):
            url = self.crossref_api.format(doi=link.doi)
            answer = await self.http.get(url, JSON_TYPES)
            return _parsed(answer, lambda r: parse_crossref_work(r.body))
        answer = await self.http.get(link.url, HTML_TYPES)
        return _parsed(answer, lambda r: parse_html_meta(r.text(), r.url))


def _parsed(
    answer: Response | FetchFailure, parse: Callable[[Response], FetchedDetails | None]
) -> FetchedDetails | FetchFailure:
    if isinstance(answer, FetchFailure):
        return answer
    found = parse(answer)
    return found if found is not None else FetchFailure(Failure.UNREADABLE, answer.url)

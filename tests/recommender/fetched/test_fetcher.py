"""The fetcher against the local fake web: details, and every failure as a reason.

The fetcher reaches 127.0.0.1 only with the test switch on; with it off (as in production),
the same URLs are refused before any connection is made.
"""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import pytest

from recommender.fetched.details import FetchedDetails
from recommender.fetched.fetcher import DetailsCache, DetailsFetcher
from recommender.fetched.identifiers import ArxivLink
from recommender.fetched.safe_http import USER_AGENT, Failure, FetchFailure, SafeHttp


def fetcher(base: str, *, allow_loopback: bool = True, **http: float) -> DetailsFetcher:
    return DetailsFetcher(
        SafeHttp(
            allow_loopback=allow_loopback,
            max_bytes=int(http.pop("max_bytes", 2 * 1024 * 1024)),
            total_timeout_s=http.pop("total_timeout_s", 5.0),
            connect_timeout_s=1.0,
        ),
        arxiv_api=base + "/api/query?id_list={id}",
        crossref_api=base + "/works/{doi}",
    )


def failed(outcome: FetchedDetails | FetchFailure) -> Failure:
    assert isinstance(outcome, FetchFailure), outcome
    assert outcome.message == outcome.reason.value
    return outcome.reason


async def test_arxiv_id(fake_web: str) -> None:
    found = await fetcher(fake_web).fetch("arXiv:1706.03762v5")
    assert isinstance(found, FetchedDetails)
    assert found.title == "Attention Is All You Need"
    assert found.arxiv_id == "1706.03762" and found.year == 2017


async def test_arxiv_old_style_and_unknown_id(fake_web: str) -> None:
    found = await fetcher(fake_web).fetch("https://arxiv.org/pdf/hep-th/9901001v3.pdf")
    assert isinstance(found, FetchedDetails) and found.arxiv_id == "hep-th/9901001"
    assert failed(await fetcher(fake_web).fetch("2101.99999")) is Failure.UNREADABLE


async def test_doi(fake_web: str) -> None:
    found = await fetcher(fake_web).fetch("https://doi.org/10.1038/NATURE14539")
    assert isinstance(found, FetchedDetails)
    assert found.title == "Deep learning" and found.doi == "10.1038/nature14539"
    assert failed(await fetcher(fake_web).fetch("doi:10.1000/unknown")) is Failure.NOT_FOUND
    assert failed(await fetcher(fake_web).fetch("10.9999/html")) is Failure.WRONG_CONTENT


async def test_html_pages(fake_web: str) -> None:
    paper = await fetcher(fake_web).fetch(fake_web + "/paper")
    assert isinstance(paper, FetchedDetails)
    assert paper.title is not None and paper.title.startswith("Dropout")
    assert paper.doi == "10.5555/2627435.2670313" and paper.kind == "paper"
    blog = await fetcher(fake_web).fetch(fake_web + "/blog")
    assert isinstance(blog, FetchedDetails)
    assert blog.title == "Understanding LSTM Networks"
    assert blog.url == fake_web + "/blog"  # not the page's javascript: og:url


async def test_charsets(fake_web: str) -> None:
    latin = await fetcher(fake_web).fetch(fake_web + "/latin1")
    assert isinstance(latin, FetchedDetails) and latin.title == "Café notes"
    odd = await fetcher(fake_web).fetch(fake_web + "/bad-charset")
    assert isinstance(odd, FetchedDetails) and odd.title == "Odd"


async def test_redirects_are_followed_and_the_final_url_kept(fake_web: str) -> None:
    found = await fetcher(fake_web).fetch(fake_web + "/to-relative")
    assert isinstance(found, FetchedDetails) and found.url == fake_web + "/paper"
    again = await fetcher(fake_web).fetch(fake_web + "/to-self")
    assert isinstance(again, FetchedDetails)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to-metadata", Failure.PRIVATE_ADDRESS),
        ("/to-private", Failure.PRIVATE_ADDRESS),
        ("/to-javascript", Failure.NOT_A_LINK),
        ("/to-nowhere", Failure.HTTP_ERROR),
        ("/loop/0", Failure.TOO_MANY_REDIRECTS),
        ("/huge", Failure.TOO_LARGE),
        ("/huge-declared", Failure.TOO_LARGE),
        ("/gzip-bomb", Failure.TOO_LARGE),
        ("/bad-gzip", Failure.UNREADABLE),
        ("/brotli", Failure.WRONG_CONTENT),
        ("/garbage", Failure.UNREADABLE),
        ("/image", Failure.WRONG_CONTENT),
        ("/json-page", Failure.WRONG_CONTENT),
        ("/error", Failure.HTTP_ERROR),
        ("/gone", Failure.NOT_FOUND),
    ],
)
async def test_failures_are_reasons(fake_web: str, path: str, reason: Failure) -> None:
    assert failed(await fetcher(fake_web).fetch(fake_web + path)) is reason


async def test_garbage_atom(fake_web: str) -> None:
    f = fetcher(fake_web)
    f.arxiv_api = fake_web + "/garbage-atom?id={id}"
    assert failed(await f.fetch("1706.03762")) is Failure.UNREADABLE


@pytest.mark.parametrize("path", ["/slow", "/slow-body"])
async def test_a_page_that_never_answers_times_out(fake_web: str, path: str) -> None:
    started = time.monotonic()
    outcome = await fetcher(fake_web, total_timeout_s=0.5).fetch(fake_web + path)
    assert failed(outcome) is Failure.TIMEOUT
    assert time.monotonic() - started < 3


async def test_a_huge_page_is_abandoned_early(fake_web: str) -> None:
    started = time.monotonic()
    outcome = await fetcher(fake_web, max_bytes=100_000).fetch(fake_web + "/huge")
    assert failed(outcome) is Failure.TOO_LARGE
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("path", ["/paper", "/to-self", "/to-metadata"])
async def test_loopback_is_refused_without_the_test_switch(fake_web: str, path: str) -> None:
    outcome = await fetcher(fake_web, allow_loopback=False).fetch(fake_web + path)
    assert failed(outcome) is Failure.PRIVATE_ADDRESS


async def test_an_allowed_origin_is_that_host_and_port_only(fake_web: str) -> None:
    """The end-to-end tests' switch: the fake web's exact origin, nothing else on loopback."""
    parts = urlsplit(fake_web)
    assert parts.hostname is not None and parts.port is not None
    allowed = DetailsFetcher(
        SafeHttp(allowed_origins=frozenset({(parts.hostname, parts.port)}), total_timeout_s=5.0)
    )
    assert isinstance(await allowed.fetch(fake_web + "/paper"), FetchedDetails)
    for refused in (
        f"http://127.0.0.1:{parts.port + 1}/paper",  # another port
        f"http://localhost:{parts.port}/paper",  # another name for the same host
        fake_web + "/to-metadata",  # a redirect out of the origin
        fake_web.replace("127.0.0.1", "169.254.169.254") + "/paper",
    ):
        assert failed(await allowed.fetch(refused)) is Failure.PRIVATE_ADDRESS, refused


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://10.0.0.1/",
        "http://0.0.0.0/",
        "http://2130706433/",  # 127.0.0.1 as one number
        "http://0x7f.1/",
    ],
)
async def test_private_targets_are_refused_before_connecting(url: str) -> None:
    outcome = await DetailsFetcher().fetch(url)
    assert failed(outcome) in (Failure.PRIVATE_ADDRESS, Failure.UNKNOWN_HOST)


@pytest.mark.parametrize(
    "text", ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "hello"]
)
async def test_no_link_no_fetch(text: str) -> None:
    assert failed(await DetailsFetcher().fetch(text)) is Failure.NOT_A_LINK


async def test_unknown_host(monkeypatch: pytest.MonkeyPatch) -> None:
    async def nowhere(host: str, port: int, **kwargs: object) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", nowhere)
    outcome = await DetailsFetcher().fetch("https://no-such-host.invalid/")
    assert failed(outcome) is Failure.UNKNOWN_HOST


async def test_user_agent_names_deepread(fake_web: str) -> None:
    seen: list[str] = []
    http = SafeHttp(allow_loopback=True)
    from aiohttp import web

    async def echo(request: web.Request) -> web.Response:
        seen.append(request.headers.get("User-Agent", ""))
        return web.Response(text="<title>ua</title>", content_type="text/html")

    app = web.Application()
    app.add_routes([web.get("/", echo)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        answer = await http.get(
            f"http://127.0.0.1:{runner.addresses[0][1]}/", frozenset({"text/html"})
        )
    finally:
        await runner.cleanup()
    assert not isinstance(answer, FetchFailure)
    assert seen == [USER_AGENT] and "deepread" in USER_AGENT


async def test_details_are_cached(fake_web: str) -> None:
    f = fetcher(fake_web)
    first = await f.fetch("1706.03762")
    f.arxiv_api = "http://127.0.0.1:1/unreachable?{id}"
    assert await f.fetch("https://arxiv.org/abs/1706.03762v2") == first
    assert len(f.cache) == 1


def test_cache_expires_and_is_bounded() -> None:
    now = [0.0]
    cache = DetailsCache(size=2, ttl_s=10, clock=lambda: now[0])
    found = FetchedDetails(title="x")
    cache.put(ArxivLink("1"), found)
    cache.put(ArxivLink("2"), found)
    assert cache.get(ArxivLink("1")) == found  # now the most recent
    cache.put(ArxivLink("3"), found)
    assert cache.get(ArxivLink("2")) is None and len(cache) == 2
    now[0] = 11
    assert cache.get(ArxivLink("1")) is None


async def test_the_connection_is_pinned_to_the_checked_address(
    fake_web: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name answers 127.0.0.1 when checked, then the metadata address.

    The fetch must connect to the address it checked (and ask DNS only once), so the second
    answer never matters.
    """
    loop = asyncio.get_running_loop()
    port = int(fake_web.rsplit(":", 1)[1])
    answers = ["127.0.0.1", "169.254.169.254"]
    asked: list[str] = []

    async def rebinding(host: str, port: int, **kwargs: object) -> list[Any]:
        asked.append(host)
        address = answers[min(len(asked) - 1, 1)]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(loop, "getaddrinfo", rebinding)
    found = await fetcher(fake_web).fetch(f"http://rebind.test:{port}/paper")
    assert isinstance(found, FetchedDetails) and found.doi == "10.5555/2627435.2670313"
    assert asked == ["rebind.test"]
    # and a name whose first answer is already private is refused outright
    asked.clear()
    answers[0] = "169.254.169.254"
    outcome = await fetcher(fake_web).fetch(f"http://rebind.test:{port}/paper")
    assert failed(outcome) is Failure.PRIVATE_ADDRESS


async def test_one_private_address_among_public_ones_refuses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def mixed(host: str, port: int, **kwargs: object) -> list[Any]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", mixed)
    assert failed(await DetailsFetcher().fetch("https://mixed.test/")) is Failure.PRIVATE_ADDRESS


async def test_a_gzipped_page_is_read(fake_web: str) -> None:
    found = await fetcher(fake_web).fetch(fake_web + "/gzip-page")
    assert isinstance(found, FetchedDetails) and found.doi == "10.5555/2627435.2670313"

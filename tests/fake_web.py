"""A local fake web (aiohttp on 127.0.0.1) serving arXiv, Crossref, pages and trouble.

All traffic stays on 127.0.0.1: the fetcher under test reaches it only because a test
switch is on (`allow_loopback`, or the exact `allowed_origins` of this server), and the "slow"
and "huge" routes are bounded (the slow one sleeps longer than any time-out used here, the
huge one stops after 20 MB). Shared by the fetcher's tests and the server-catalog tests.
"""

from __future__ import annotations

import asyncio
import gzip
import queue
import ssl
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from aiohttp import web

SAMPLES = Path(__file__).parent / "recommender" / "fetched" / "samples"
HUGE_BYTES = 20 * 1024 * 1024
HTML = "text/html"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
NEW_PAPERS = {
    "2401.00001": (
        "Sparse Mixture of Experts for Recurrent Language Models",
        "We route each token of a recurrent language model to a few experts.",
    ),
    "2401.00002": (
        "Contrastive Pretraining of Graph Neural Networks",
        "We pretrain graph neural networks with a contrastive objective over subgraphs.",
    ),
}
"""arXiv ids the fake arXiv knows besides the sample's 1706.03762: papers in no catalog."""


def new_arxiv_entry(arxiv_id: str) -> str:
    """The sample Atom entry, rewritten as one of `NEW_PAPERS` (same shape as arXiv's)."""
    title, summary = NEW_PAPERS[arxiv_id]
    text = (SAMPLES / "arxiv_entry.xml").read_text(encoding="utf-8")
    text = text.replace("1706.03762", arxiv_id)
    text = text.replace("<title>Attention Is All You Need</title>", f"<title>{title}</title>")
    start, end = text.index("<summary>"), text.index("</summary>")
    return text[: start + len("<summary>")] + summary + text[end:]


def _file(name: str, content_type: str) -> web.Response:
    return web.Response(body=(SAMPLES / name).read_bytes(), content_type=content_type)


async def _arxiv(request: web.Request) -> web.Response:
    ids = request.query.get("id_list", "")
    if ids == "1706.03762":
        return _file("arxiv_entry.xml", "application/atom+xml")
    if ids == "hep-th/9901001":
        return _file("arxiv_old_style.xml", "application/atom+xml")
    if ids in NEW_PAPERS:
        return web.Response(text=new_arxiv_entry(ids), content_type="application/atom+xml")
    return _file("arxiv_error.xml", "application/atom+xml")


async def _crossref(request: web.Request) -> web.Response:
    if request.match_info["doi"] == "10.1038/nature14539":
        return _file("crossref_work.json", "application/json")
    if request.match_info["doi"] == "10.9999/html":
        return web.Response(text="<title>x</title>", content_type="text/html")
    return web.Response(status=404, text="Resource not found.")


async def _slow(request: web.Request) -> web.Response:
    await asyncio.sleep(30)
    return web.Response(text="<title>too late</title>", content_type="text/html")


async def _slow_body(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    await response.prepare(request)
    await response.write(b"<html><head>")
    await asyncio.sleep(30)
    return response


async def _huge(request: web.Request) -> web.StreamResponse:
    """20 MB of HTML, streamed without a Content-Length; stops early if the client leaves."""
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    await response.prepare(request)
    chunk = b"<p>" + b"x" * (64 * 1024 - 3)
    sent = 0
    try:
        while sent < HUGE_BYTES:
            await response.write(chunk)
            sent += len(chunk)
    except (ConnectionError, RuntimeError):
        pass
    return response


async def _huge_declared(request: web.Request) -> web.Response:
    return web.Response(
        body=b"<title>x</title>",
        headers={"Content-Type": "text/html", "Content-Length": str(HUGE_BYTES)},
    )


def _redirect(location: str, status: int = 302) -> web.Response:
    return web.Response(status=status, headers={"Location": location})


async def _loop(request: web.Request) -> web.Response:
    n = int(request.match_info["n"])
    return _redirect(f"/loop/{n + 1}")


async def _to_self(request: web.Request) -> web.Response:
    return _redirect(f"http://127.0.0.1:{request.url.port}/paper")


def _encoded(body: bytes, encoding: str) -> web.Response:
    return web.Response(
        body=body, headers={"Content-Type": "text/html", "Content-Encoding": encoding}
    )


def _gzip_bomb() -> web.Response:
    """20 MB of spaces after a title, gzipped to about 20 kB."""
    return _encoded(gzip.compress(b"<title>bomb</title>" + b" " * HUGE_BYTES, 9), "gzip")


def make_app() -> web.Application:
    app = web.Application()
    routes = [
        web.get("/api/query", _arxiv),
        web.get("/works/{doi:.+}", _crossref),
        web.get("/paper", fixed(lambda: _file("paper_page.html", "text/html"))),
        web.get("/blog", fixed(lambda: _file("blog_page.html", "text/html"))),
        web.get(
            "/no-meta",
            fixed(
                lambda: web.Response(text="<html><body></body></html>", content_type="text/html")
            ),
        ),
        web.get(
            "/gzip-page",
            fixed(
                lambda: _encoded(gzip.compress((SAMPLES / "paper_page.html").read_bytes()), "gzip")
            ),
        ),
        web.get("/gzip-bomb", fixed(_gzip_bomb)),
        web.get("/bad-gzip", fixed(lambda: _encoded(b"not gzip at all", "gzip"))),
        web.get("/brotli", fixed(lambda: _encoded(b"\x0b\x02\x80", "br"))),
        web.get("/slow", _slow),
        web.get("/slow-body", _slow_body),
        web.get("/huge", _huge),
        web.get("/huge-declared", _huge_declared),
        web.get("/to-self", _to_self),
        web.get("/to-relative", fixed(lambda: _redirect("/paper", 301))),
        web.get("/to-metadata", fixed(lambda: _redirect("http://169.254.169.254/latest/"))),
        web.get("/to-private", fixed(lambda: _redirect("http://10.0.0.1/admin", 307))),
        web.get("/to-javascript", fixed(lambda: _redirect("javascript:alert(1)"))),
        web.get("/to-nowhere", fixed(lambda: web.Response(status=302))),
        web.get("/loop/{n}", _loop),
        web.get(
            "/garbage",
            fixed(lambda: web.Response(body=bytes(range(256)) * 100, content_type="text/html")),
        ),
        web.get(
            "/garbage-atom",
            fixed(lambda: web.Response(body=b"\x00\xff<feed", content_type="application/atom+xml")),
        ),
        web.get(
            "/image", fixed(lambda: web.Response(body=b"\x89PNG....", content_type="image/png"))
        ),
        web.get(
            "/json-page", fixed(lambda: web.Response(text="{}", content_type="application/json"))
        ),
        web.get("/error", fixed(lambda: web.Response(status=500, text="oops"))),
        web.get("/gone", fixed(lambda: web.Response(status=404))),
        web.get(
            "/latin1",
            fixed(
                lambda: web.Response(
                    body="<title>Caf\xe9 notes</title>".encode("latin-1"),
                    headers={"Content-Type": "text/html; charset=iso-8859-1"},
                )
            ),
        ),
        web.get(
            "/bad-charset",
            fixed(
                lambda: web.Response(
                    body=b"<title>Odd</title>",
                    headers={"Content-Type": "text/html; charset=no-such-charset"},
                )
            ),
        ),
    ]
    app.add_routes(routes)
    return app


def fixed(make: Callable[[], web.Response]) -> Handler:
    """A handler answering every request with a fresh `make()` response."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return make()

    return handler


@asynccontextmanager
async def serve_app(
    app: web.Application, *, host: str = "127.0.0.1", ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[int]:
    """Run `app` on a free port of `host` (over TLS with `ssl_context`); yields the port."""
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, host, 0, ssl_context=ssl_context)
    await site.start()
    try:
        yield runner.addresses[0][1]
    finally:
        await runner.cleanup()


@asynccontextmanager
async def serve_fake_web() -> AsyncIterator[str]:
    """Run the fake web on a free port of 127.0.0.1; yields its base URL."""
    async with serve_app(make_app()) as port:
        yield f"http://127.0.0.1:{port}"


@contextmanager
def fake_web_in_thread() -> Iterator[str]:
    """The fake web on its own event loop in a thread, for a test of a command that runs
    its own loop (`deepread catalog add`); yields the base URL."""
    started: queue.Queue[str] = queue.Queue()
    stop = threading.Event()

    async def run() -> None:
        async with serve_fake_web() as base:
            started.put(base)
            while not stop.is_set():
                await asyncio.sleep(0.02)

    thread = threading.Thread(target=asyncio.run, args=(run(),), daemon=True)
    thread.start()
    try:
        yield started.get(timeout=10)
    finally:
        stop.set()
        thread.join(timeout=10)

"""One guarded GET: the only code in deepread that opens a connection to a member's link.

A suggested link is untrusted input that makes the bot connect somewhere, so every hop is
checked before it is made:
  - http and https only; at most `MAX_REDIRECTS` redirects, followed here one by one;
  - the host is resolved first and refused when any address is loopback, private, link-local
    (169.254.169.254, the cloud metadata service), multicast or reserved (`addresses`);
  - the connection is pinned to the addresses just checked (`_PinnedResolver`), so a name that
    resolves elsewhere a moment later (DNS rebinding) cannot slip past the check; proxies from
    the environment are ignored for the same reason;
  - time-outs for connecting and for the whole fetch, redirects and DNS included;
  - the body is streamed and abandoned past `max_bytes`; its content type must fit the kind
    of answer expected.
Every failure comes back as a `FetchFailure` with a reason a member can read, never as an
exception.
"""

from __future__ import annotations

import asyncio
import enum
import socket
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from recommender.fetched.addresses import blocked_reason

MAX_REDIRECTS = 5
MAX_BYTES = 2 * 1024 * 1024
CONNECT_TIMEOUT_S = 5.0
TOTAL_TIMEOUT_S = 15.0
USER_AGENT = (
    "deepread/0.1 (a reading-list bot for deep-learning study groups; "
    "fetches one page when a member suggests it)"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


class Failure(enum.Enum):
    """Why a fetch gave nothing; the value is what a member is told."""

    NOT_A_LINK = "that is not an http(s) link, an arXiv id or a DOI"
    PRIVATE_ADDRESS = "that address is on a private network"
    UNKNOWN_HOST = "that site's name could not be found"
    UNREACHABLE = "the site could not be reached"
    TIMEOUT = "the page took too long to answer"
    TOO_LARGE = "the page is too large"
    TOO_MANY_REDIRECTS = "the page redirects too many times"
    NOT_FOUND = "the site says there is no such page"
    HTTP_ERROR = "the site answered with an error"
    WRONG_CONTENT = "the answer was not the kind of document expected"
    UNREADABLE = "the answer could not be read"


@dataclass(frozen=True, slots=True)
class FetchFailure:
    """A fetch that gave nothing: the reason, and a detail for logs (never shown raw)."""

    reason: Failure
    detail: str = ""

    @property
    def message(self) -> str:
        return self.reason.value


@dataclass(frozen=True, slots=True)
class Response:
    """A successful answer: the final URL (after redirects), its content type and body."""

    url: str
    content_type: str
    charset: str | None
    body: bytes

    def text(self) -> str:
        """The body decoded by its declared charset, falling back to UTF-8; never raises."""
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:  # an unknown charset name from the server
            return self.body.decode("utf-8", errors="replace")


class _PinnedResolver(AbstractResolver):
    """Answers aiohttp's DNS question with the addresses already checked, and nothing else."""

    def __init__(self, host: str, addresses: Sequence[tuple[socket.AddressFamily, str]]) -> None:
        self._host = host
        self._addresses = list(addresses)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host != self._host:
            raise OSError(f"{host} was not checked")
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=fam,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for fam, address in self._addresses
        ]

    async def close(self) -> None:
        return None


class SafeHttp:
    """GETs untrusted URLs under the rules above.

    `allow_loopback` exists for the tests' fake server on 127.0.0.1 and nothing else; the
    composition root never sets it. Private and metadata addresses stay refused even then.
    `allowed_origins` is the narrower switch an end-to-end test uses: exact `(host, port)`
    pairs that may be on loopback (the fake web at 127.0.0.1:PORT), while 127.0.0.1 on any
    other port, `localhost` and every private address stay refused.
    """

    def __init__(
        self,
        *,
        max_bytes: int = MAX_BYTES,
        connect_timeout_s: float = CONNECT_TIMEOUT_S,
        total_timeout_s: float = TOTAL_TIMEOUT_S,
        allow_loopback: bool = False,
        allowed_origins: frozenset[tuple[str, int]] = frozenset(),
        user_agent: str = USER_AGENT,
    ) -> None:
        self.max_bytes = max_bytes
        self.allowed_origins = frozenset((h.lower(), p) for h, p in allowed_origins)
        self.user_agent = user_agent
        self.connect_timeout_s = connect_timeout_s
        self.total_timeout_s = total_timeout_s
        self.allow_loopback = allow_loopback

    async def get(self, url: str, accept: frozenset[str]) -> Response | FetchFailure:
        """GET `url`, following redirects, when its final content type is one of `accept`."""
        try:
            async with asyncio.timeout(self.total_timeout_s):
                return await self._follow(url, accept)
        except TimeoutError:
            return FetchFailure(Failure.TIMEOUT, url)

    async def _follow(self, url: str, accept: frozenset[str]) -> Response | FetchFailure:
        for _ in range(MAX_REDIRECTS + 1):
            hop = await self._hop(url, accept)
            if not isinstance(hop, str):
                return hop
            url = hop
        return FetchFailure(Failure.TOO_MANY_REDIRECTS, url)

    async def _hop(self, url: str, accept: frozenset[str]) -> Response | FetchFailure | str:
        """One request: its response, a failure, or the next URL of a redirect."""
        try:
            parts = urlsplit(url)
            host, port = parts.hostname, parts.port
        except ValueError:
            return FetchFailure(Failure.NOT_A_LINK, url)
        if parts.scheme not in ("http", "https") or not host:
            return FetchFailure(Failure.NOT_A_LINK, url)
        port = port or (443 if parts.scheme == "https" else 80)
        addresses = await self._checked_addresses(host, port)
        if isinstance(addresses, FetchFailure):
            return addresses
        connector = aiohttp.TCPConnector(
            resolver=_PinnedResolver(host, addresses), use_dns_cache=False, limit=1
        )
        timeout = aiohttp.ClientTimeout(total=self.total_timeout_s, connect=self.connect_timeout_s)
        headers = {
            "User-Agent": self.user_agent,
            "Accept": ", ".join(sorted(accept)) + ", */*;q=0.1",
            "Accept-Encoding": "gzip, deflate",
        }
        try:
            async with (
                aiohttp.ClientSession(
                    connector=connector,
                    timeout=timeout,
                    trust_env=False,
                    headers=headers,
                    auto_decompress=False,
                ) as session,
                session.get(url, allow_redirects=False) as response,
            ):
                return await self._answer(url, response, accept)
        except (TimeoutError, aiohttp.ServerTimeoutError):
            return FetchFailure(Failure.TIMEOUT, url)
        except (aiohttp.ClientError, OSError, ValueError) as error:
            return FetchFailure(Failure.UNREACHABLE, f"{url}: {type(error).__name__}")

    async def _answer(
        self, url: str, response: aiohttp.ClientResponse, accept: frozenset[str]
    ) -> Response | FetchFailure | str:
        if response.status in _REDIRECTS:
            location = response.headers.get("Location")
            if not location:
                return FetchFailure(Failure.HTTP_ERROR, f"{url}: redirect without a Location")
            target = urljoin(url, location.strip())
            if urlsplit(target).scheme not in ("http", "https"):
                return FetchFailure(Failure.NOT_A_LINK, target[:200])
            return target
        if response.status in (404, 410):
            return FetchFailure(Failure.NOT_FOUND, f"{url}: HTTP {response.status}")
        if not 200 <= response.status < 300:
            return FetchFailure(Failure.HTTP_ERROR, f"{url}: HTTP {response.status}")
        if response.content_type.lower() not in accept:
            return FetchFailure(Failure.WRONG_CONTENT, f"{url}: {response.content_type}")
        if (response.content_length or 0) > self.max_bytes:
            return FetchFailure(Failure.TOO_LARGE, f"{url}: {response.content_length} bytes")
        body = await self._body(url, response)
        if isinstance(body, FetchFailure):
            return body
        return Response(
            url=url,
            content_type=response.content_type.lower(),
            charset=response.charset,
            body=body,
        )

    async def _body(self, url: str, response: aiohttp.ClientResponse) -> bytes | FetchFailure:
        """The body, decompressed here under the cap (aiohttp would inflate a whole chunk).

        A gzip bomb (20 MB of zeros in 20 kB) is stopped at `max_bytes` of output; the bytes
        on the wire are capped too, so endless data after the compressed stream is no way
        around it.
        """
        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        if encoding in ("", "identity"):
            inflate = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            inflate = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib, by its header
        else:
            return FetchFailure(Failure.WRONG_CONTENT, f"{url}: encoded as {encoding[:40]}")
        body = bytearray()
        wire = 0
        try:
            async for chunk in response.content.iter_chunked(_CHUNK):
                wire += len(chunk)
                if inflate is None:
                    body += chunk
                else:
                    data = chunk
                    while data and len(body) <= self.max_bytes:
                        body += inflate.decompress(data, self.max_bytes + 1 - len(body))
                        data = inflate.unconsumed_tail
                if len(body) > self.max_bytes or wire > self.max_bytes:
                    return FetchFailure(Failure.TOO_LARGE, f"{url}: over {self.max_bytes} bytes")
        except zlib.error:
            return FetchFailure(Failure.UNREADABLE, f"{url}: bad {encoding} data")
        return bytes(body)

    async def _checked_addresses(
        self, host: str, port: int
    ) -> list[tuple[socket.AddressFamily, str]] | FetchFailure:
        """Every address `host` resolves to, when all of them may be reached."""
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (OSError, UnicodeError):
            return FetchFailure(Failure.UNKNOWN_HOST, host)
        addresses: list[tuple[socket.AddressFamily, str]] = []
        loopback = self.allow_loopback or (host.lower(), port) in self.allowed_origins
        for family, _type, _proto, _name, sockaddr in infos:
            address = str(sockaddr[0])
            reason = blocked_reason(address, allow_loopback=loopback)
            if reason is not None:
                return FetchFailure(Failure.PRIVATE_ADDRESS, f"{host} is {address} ({reason})")
            if (family, address) not in addresses:
                addresses.append((family, address))
        if not addresses:
            return FetchFailure(Failure.UNKNOWN_HOST, host)
        return addresses

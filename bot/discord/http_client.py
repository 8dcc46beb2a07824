"""HTTP/1.1 on kept-alive connections to one origin: the wire under the ready-made answers.

Every answer in a burst is one request to Discord (`callback`), so what a request costs in
CPU is paid once per answer, on the event loop every other answer waits for. aiohttp's client,
which discord.py uses for everything else, measured about 0.15 ms of CPU per request (URL
objects, request and response objects, tracing signals, a cookie jar, timeout contexts); h11,
the well-kept sans-IO HTTP/1.1 state machine, about 0.09 ms; this client 0.04 ms, because it
does only what these requests need: a method, a path and a JSON body to one origin (Discord's
API or a REST proxy in front of it), and a status, headers and body back.

What it speaks (RFC 9112): requests with a Content-Length body; responses framed by
Content-Length, chunked transfer coding, no body (1xx, 204, 304), or the connection's end.
Connections are kept alive and reused (most recently used first, so idle ones age out); a
connection that was idle longer than `IDLE_S`, or that the server closed, is not reused. A
reused connection that the server closes before a byte of the answer arrives is the one
failure a request is sent again for (the server shut an idle connection as it was being
reused, as browsers and Go's client retry); the reply then says `replayed`. Anything it does
not understand (a malformed status line or chunk, a header block over `MAX_HEAD` bytes) closes
the connection and raises `ProtocolError`. An https origin's certificate is verified.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
import urllib.parse
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

IDLE_S = 15.0
"""How long an idle connection is trusted to still be open (aiohttp's default keep-alive)."""
MAX_IDLE = 256
"""Idle connections kept for reuse; more are closed once their request is done."""
MAX_HEAD = 64 * 1024
"""The longest status line and header block accepted."""
NO_BODY = frozenset({204, 304})


class ProtocolError(ConnectionError):
    """The server's answer was not HTTP/1.1 this client understands; the connection is closed."""


class _Dropped(ConnectionError):
    """The connection ended before a byte of the answer arrived."""


@dataclass(frozen=True, slots=True)
class Reply:
    """A response: the status, headers by lower-case name (the last of repeated ones), body.

    `reason` and `status` are what discord.py's HTTPException reads from a response."""

    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes
    replayed: bool = False

    def json_or_text(self) -> Any:
        """The body as JSON if it is JSON, else as text (Discord's errors are JSON)."""
        text = self.body.decode("utf-8", "replace")
        try:
            return json.loads(text)
        except ValueError:
            return text


@dataclass(slots=True)
class _Reading:
    """The response being read: its head once complete, then its body's framing."""

    status: int = 0
    reason: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    keep_alive: bool = True
    length: int | None = None  # bytes of body left (Content-Length); None: chunked or to EOF
    chunked: bool = False
    chunk_left: int = -1  # -1: at a chunk-size line; 0: at the CRLF after a chunk
    trailers: bool = False
    body: bytearray = field(default_factory=bytearray)


class _Connection(asyncio.Protocol):
    """One connection; one request at a time on it."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.last_used = time.monotonic()
        self._buffer = bytearray()
        self._waiter: asyncio.Future[Reply] | None = None
        self._reading: _Reading | None = None
        self._received = False

    # asyncio.Protocol -----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self._waiter is None:  # nothing asked: a server talking out of turn
            self._fail(ProtocolError("data from the server while no request was pending"))
            return
        self._received = True
        self._buffer += data
        try:
            self._parse()
        except ProtocolError as error:
            self._fail(error)

    def eof_received(self) -> bool | None:
        reading = self._reading
        if reading is not None and reading.length is None and not reading.chunked:
            self._finish(reading, keep_alive=False)  # the body ran to the connection's end
        return None  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is not None and not self._waiter.done():
            if not self._received:
                self._waiter.set_exception(_Dropped("the server closed the connection"))
            else:
                self._waiter.set_exception(
                    ProtocolError("the connection ended in the middle of the answer")
                )
        self._waiter = None

    # the request ----------------------------------------------------------------------------

    def send(self, data: bytes, waiter: asyncio.Future[Reply]) -> None:
        assert self.transport is not None and self._waiter is None
        self._waiter, self._reading, self._received = waiter, None, False
        self._buffer.clear()
        self.transport.write(data)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _fail(self, error: Exception) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(error)
        self._waiter = None
        self.close()

    def _finish(self, reading: _Reading, *, keep_alive: bool) -> None:
        waiter, self._waiter, self._reading = self._waiter, None, None
        if not keep_alive or self._buffer:  # (no pipelining: extra bytes are an error)
            self.close()
        self.last_used = time.monotonic()
        if waiter is not None and not waiter.done():
            waiter.set_result(
                Reply(reading.status, reading.reason, reading.headers, bytes(reading.body))
            )

    def _parse(self) -> None:
        while True:
            reading = self._reading
            if reading is None:
                end = self._buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(self._buffer) > MAX_HEAD:
                        raise ProtocolError("the answer's headers are too long")
                    return
                head = bytes(self._buffer[:end])
                del self._buffer[: end + 4]
                reading = _head(head)
                if 100 <= reading.status < 200:
                    continue  # informational (100 Continue, 103 Early Hints): the real one follows
                self._reading = reading
                if reading.length == 0 or reading.status in NO_BODY:
                    self._finish(reading, keep_alive=reading.keep_alive)
                    return
            if reading.chunked:
                if not self._chunks(reading):
                    return
                self._finish(reading, keep_alive=reading.keep_alive)
                return
            if reading.length is None:  # to the connection's end
                reading.body += self._buffer
                self._buffer.clear()
                return
            taken = self._buffer[: reading.length]
            reading.body += taken
            del self._buffer[: len(taken)]
            reading.length -= len(taken)
            if reading.length:
                return
            self._finish(reading, keep_alive=reading.keep_alive)
            return

    def _chunks(self, reading: _Reading) -> bool:
        """Consume chunked body bytes; True once the last chunk and trailers are in."""
        buffer = self._buffer
        while True:
            if reading.trailers:
                end = buffer.find(b"\r\n")
                if end < 0:
                    return False
                del buffer[: end + 2]
                if end == 0:
                    return True
                continue
            if reading.chunk_left == -1:
                end = buffer.find(b"\r\n")
                if end < 0:
                    if len(buffer) > MAX_HEAD:
                        raise ProtocolError("a chunk size line is too long")
                    return False
                size = bytes(buffer[:end]).split(b";", 1)[0].strip()
                del buffer[: end + 2]
                try:
                    reading.chunk_left = int(size, 16)
                except ValueError:
                    raise ProtocolError("a malformed chunk size") from None
                if reading.chunk_left < 0:
                    raise ProtocolError("a malformed chunk size")
                if reading.chunk_left == 0:
                    reading.trailers = True
                    continue
            if reading.chunk_left > 0:
                taken = buffer[: reading.chunk_left]
                reading.body += taken
                del buffer[: len(taken)]
                reading.chunk_left -= len(taken)
                if reading.chunk_left:
                    return False
            if len(buffer) < 2:
                return False
            if buffer[:2] != b"\r\n":
                raise ProtocolError("a chunk not followed by CRLF")
            del buffer[:2]
            reading.chunk_left = -1


def _head(head: bytes) -> _Reading:
    """A response's status line and headers, and the framing of its body."""
    lines = head.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/1.") or len(code) != 3 or not code.isdigit():
        raise ProtocolError(f"not an HTTP/1.1 status line: {lines[0][:80]!r}")
    reading = _Reading(status=int(code), reason=reason.strip())
    headers = reading.headers
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise ProtocolError("a malformed header line")
        headers[name.lower()] = value.strip()
    connection = headers.get("connection", "").lower()
    reading.keep_alive = version == "HTTP/1.1" and "close" not in connection
    if "chunked" in headers.get("transfer-encoding", "").lower():
        reading.chunked = True
    elif "content-length" in headers:
        length = headers["content-length"]
        if not length.isdigit():
            raise ProtocolError("a malformed Content-Length")
        reading.length = int(length)
    elif reading.status in NO_BODY or 100 <= reading.status < 200:
        reading.length = 0
    else:
        reading.keep_alive = False  # the body is whatever comes before the connection ends
    return reading


class KeepAliveClient:
    """Requests to one origin (`base_url`'s scheme, host and port; its path prefixes every
    request's path) on connections kept alive between them, as many at once as are asked."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout_s: float = 10.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        url = urllib.parse.urlsplit(base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.host = url.hostname
        self.tls = url.scheme == "https"
        self.port = url.port or (443 if self.tls else 80)
        self.prefix = url.path.rstrip("/")
        self.timeout_s = timeout_s
        self._ssl = (ssl_context or ssl.create_default_context()) if self.tls else None
        default_port = self.port == (443 if self.tls else 80)
        host = self.host if ":" not in self.host else f"[{self.host}]"
        authority = host if default_port else f"{host}:{self.port}"
        fixed = {"Host": authority, **(headers or {})}
        for name, value in fixed.items():
            _check_header(name, value)
        self._fixed = "".join(f"{name}: {value}\r\n" for name, value in fixed.items()).encode()
        self._idle: deque[_Connection] = deque()
        self._open: set[_Connection] = set()

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = "application/json"
    ) -> Reply:
        """Send one request and return its reply (any status); raise `ConnectionError` (or
        `ProtocolError`) when no reply came, `TimeoutError` after `timeout_s`."""
        target = self.prefix + path
        if not target.startswith("/") or not target.isascii() or not target.isprintable():
            raise ValueError("a request path must be printable ASCII starting with '/'")
        if " " in target or not method.isalpha():
            raise ValueError("a request path cannot hold spaces; a method is letters")
        data = b"".join(
            (
                f"{method} {target} HTTP/1.1\r\n".encode(),
                self._fixed,
                f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                if body
                else b"Content-Length: 0\r\n\r\n",
                body,
            )
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        connection, reused = self._reusable(), True
        if connection is None:
            connection, reused = await self._connect(deadline), False
        try:
            return await self._exchange(connection, data, deadline)
        except _Dropped:
            if not reused:
                raise
        # A kept-alive connection the server had just closed: once more, on a new one.
        connection = await self._connect(deadline)
        reply = await self._exchange(connection, data, deadline)
        return Reply(reply.status, reply.reason, reply.headers, reply.body, replayed=True)

    async def close(self) -> None:
        for connection in list(self._open):
            connection.close()
        self._open.clear()
        self._idle.clear()

    def _reusable(self) -> _Connection | None:
        now = time.monotonic()
        while self._idle:
            connection = self._idle.pop()
            if connection.closed or now - connection.last_used > IDLE_S:
                connection.close()
                self._open.discard(connection)
                continue
            return connection
        return None

    async def _connect(self, deadline: float) -> _Connection:
        loop = asyncio.get_running_loop()
        left = deadline - loop.time()
        if left <= 0:
            raise TimeoutError(f"no connection to {self.host} in time")
        async with asyncio.timeout(left):
            _, connection = await loop.create_connection(
                _Connection,
                self.host,
                self.port,
                ssl=self._ssl,
                server_hostname=self.host if self._ssl is not None else None,
            )
        self._open.add(connection)
        return connection

    async def _exchange(self, connection: _Connection, data: bytes, deadline: float) -> Reply:
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Reply] = loop.create_future()
        connection.send(data, waiter)

        def too_late() -> None:
            if not waiter.done():
                waiter.set_exception(TimeoutError(f"no answer from {self.host} in time"))
                connection.close()

        timer = loop.call_at(deadline, too_late)
        try:
            reply = await waiter
        except BaseException:
            connection.close()
            self._open.discard(connection)
            raise
        finally:
            timer.cancel()
        if connection.closed:
            self._open.discard(connection)
        elif len(self._idle) < MAX_IDLE:
            self._idle.append(connection)
        else:
            connection.close()
            self._open.discard(connection)
        return reply


def _check_header(name: str, value: str) -> None:
    """Fixed headers are ours, but a line break inside one would start a header of its own."""
    if not name.isascii() or not name.isprintable() or ":" in name or " " in name:
        raise ValueError(f"not a header name: {name!r}")
    if "\r" in value or "\n" in value or "\0" in value:
        raise ValueError(f"a header value holds a line break: {name}")

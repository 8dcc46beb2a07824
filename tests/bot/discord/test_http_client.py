"""The ready-made answers' HTTP/1.1 client against servers that answer as scripted.

A raw asyncio server reads each request (head and Content-Length body) and writes back the
bytes a test gives it, so framing (chunks, a body to the connection's end, informational
answers) and failures (a dropped connection, nonsense, silence) are exact; an aiohttp server
checks the ordinary case against a real HTTP implementation.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
import pytest_asyncio
import trustme
from aiohttp import web

from bot.discord import callback
from bot.discord.http_client import KeepAliveClient, ProtocolError
from tests.fake_web import serve_app


@dataclass
class Seen:
    """What the raw server received: each request (head, body) and each connection's number."""

    requests: list[tuple[str, bytes, int]] = field(default_factory=list)
    connections: int = 0


Script = Callable[[int, int], bytes | None]
"""(connection number, request number on it) -> bytes to answer with; None: close at once."""


async def read_request(reader: asyncio.StreamReader) -> tuple[str, bytes] | None:
    try:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    length = 0
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return head, await reader.readexactly(length)


Start = Callable[[Script], Awaitable[tuple[str, Seen]]]


@pytest_asyncio.fixture
async def raw_server() -> AsyncIterator[Start]:
    """Start servers answering as scripted: (base URL with an /api/v10 prefix, what it saw)."""
    servers: list[asyncio.Server] = []

    async def started(script: Script) -> tuple[str, Seen]:
        seen = Seen()

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            seen.connections += 1
            number, n = seen.connections, 0
            try:
                while (request := await read_request(reader)) is not None:
                    seen.requests.append((request[0], request[1], number))
                    answer = script(number, n)
                    n += 1
                    if answer is None:
                        break
                    writer.write(answer)
                    await writer.drain()
                    if answer.startswith(b"HTTP/1.0"):
                        break  # an HTTP/1.0 server ends its answer by closing
            finally:
                writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/api/v10", seen

    yield started
    for server in servers:
        server.close()
        await server.wait_closed()


NO_CONTENT = b"HTTP/1.1 204 No Content\r\n\r\n"


def json_reply(status: int, reason: str, data: object, extra: str = "") -> bytes:
    body = json.dumps(data).encode()
    head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
    return f"{head}Content-Length: {len(body)}\r\n{extra}\r\n".encode() + body


@pytest.mark.asyncio
async def test_requests_reuse_one_connection_and_carry_path_headers_and_body(
    raw_server: Start,
) -> None:
    base, seen = await raw_server(lambda c, n: NO_CONTENT)
    client = KeepAliveClient(base, headers={"User-Agent": "deepread-test"})
    try:
        for n in range(3):
            reply = await client.request("POST", f"/interactions/{n}/tok/callback", b'{"type":4}')
            assert (reply.status, reply.body, reply.replayed) == (204, b"", False)
    finally:
        await client.close()
    assert seen.connections == 1 and [number for _, _, number in seen.requests] == [1, 1, 1]
    head, body, _ = seen.requests[0]
    lines = head.split("\r\n")
    assert lines[0] == "POST /api/v10/interactions/0/tok/callback HTTP/1.1"
    assert "User-Agent: deepread-test" in lines and "Content-Type: application/json" in lines
    assert any(line.startswith("Host: 127.0.0.1:") for line in lines)
    assert body == b'{"type":4}'


@pytest.mark.asyncio
async def test_bodies_framed_by_length_by_chunks_and_by_the_connections_end(
    raw_server: Start,
) -> None:
    chunked = (
        b"HTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\nRetry-After: 2\r\n\r\n"
        b'5;ext=1\r\n{"ret\r\n'
        b'12\r\nry_after": 1.5, "x\r\n'
        b'5\r\n": 1}\r\n0\r\nX-Trailer: t\r\n\r\n'
    )
    to_the_end = b"HTTP/1.0 500 Oops\r\n\r\nall of it"
    answers = [json_reply(404, "Not Found", {"code": 10062}), chunked, to_the_end, NO_CONTENT]
    base, seen = await raw_server(lambda c, n: answers[len(seen.requests) - 1])
    client = KeepAliveClient(base)
    try:
        found = await client.request("PATCH", "/a", b"{}")
        assert (found.status, found.reason, found.json_or_text()) == (
            404,
            "Not Found",
            {"code": 10062},
        )
        limited = await client.request("POST", "/b", b"{}")
        assert limited.status == 429 and limited.headers["retry-after"] == "2"
        assert limited.json_or_text() == {"retry_after": 1.5, "x": 1}
        ended = await client.request("POST", "/c", b"{}")
        assert (ended.status, ended.body, ended.json_or_text()) == (500, b"all of it", "all of it")
        assert (await client.request("POST", "/d")).status == 204
    finally:
        await client.close()
    # The first two answers kept the connection; the one read to its end could not.
    assert [number for _, _, number in seen.requests] == [1, 1, 1, 2]


@pytest.mark.asyncio
async def test_connection_close_and_informational_answers(
    raw_server: Start,
) -> None:
    answers = [
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
    ]
    base, seen = await raw_server(lambda c, n: answers[len(seen.requests) - 1])
    client = KeepAliveClient(base)
    try:
        assert (await client.request("POST", "/a", b"{}")).body == b"ok"
        assert (await client.request("POST", "/b", b"{}")).status == 204
    finally:
        await client.close()
    assert seen.connections == 2


@pytest.mark.asyncio
async def test_a_kept_connection_the_server_dropped_is_tried_once_more_on_a_new_one(
    raw_server: Start,
) -> None:
    # The first connection answers once, then closes on its next request without a word
    # (a server timing out an idle connection as it is reused).
    base, seen = await raw_server(lambda c, n: None if (c, n) == (1, 1) else NO_CONTENT)
    client = KeepAliveClient(base)
    try:
        assert not (await client.request("POST", "/a", b"{}")).replayed
        again = await client.request("POST", "/b", b"{}")
        assert (again.status, again.replayed) == (204, True)
    finally:
        await client.close()
    assert [(head.split()[1], number) for head, _, number in seen.requests] == [
        ("/api/v10/a", 1),
        ("/api/v10/b", 1),
        ("/api/v10/b", 2),
    ]


@pytest.mark.asyncio
async def test_failures_raise_and_are_not_retried_on_a_new_connection(
    raw_server: Start,
) -> None:
    answers: list[bytes | None] = [None, b"SPDY/3 200 what\r\n\r\n", b"HTTP/1.1 200 OK\r\n"]
    base, seen = await raw_server(lambda c, n: answers[len(seen.requests) - 1])
    client = KeepAliveClient(base, timeout_s=0.3)
    try:
        with pytest.raises(ConnectionError):
            await client.request("POST", "/dropped", b"{}")  # a new connection: not sent twice
        with pytest.raises(ProtocolError):
            await client.request("POST", "/nonsense", b"{}")
        with pytest.raises(TimeoutError):
            await client.request("POST", "/silence", b"{}")  # half an answer, then nothing
    finally:
        await client.close()
    assert len(seen.requests) == 3 and seen.connections == 3


@pytest.mark.asyncio
async def test_nothing_can_smuggle_a_header_or_a_request_line() -> None:
    client = KeepAliveClient("http://127.0.0.1:9")
    for path in ("/a\r\nX-Evil: 1", "/a b", "no-slash", "/é"):
        with pytest.raises(ValueError):
            await client.request("POST", path, b"{}")
    with pytest.raises(ValueError):
        await client.request("POST\r\n", "/a", b"{}")
    with pytest.raises(ValueError):
        KeepAliveClient("http://127.0.0.1:9", headers={"User-Agent": "x\r\nX-Evil: 1"})
    for url in ("ftp://example.com", "discord.com/api"):
        with pytest.raises(ValueError):
            KeepAliveClient(url)


def test_https_origins_verify_certificates_and_default_ports_stay_out_of_host() -> None:
    client = KeepAliveClient("https://discord.com/api/v10")
    assert (client.tls, client.port, client.prefix) == (True, 443, "/api/v10")
    assert client._ssl is not None and client._ssl.check_hostname
    assert b"Host: discord.com\r\n" in client._fixed


@pytest.mark.asyncio
async def test_against_a_real_http_server_many_at_once_on_kept_connections() -> None:
    connections: set[object] = set()

    async def answer(request: web.Request) -> web.StreamResponse:
        connections.add(request.transport)
        data = await request.json()
        if data.get("chunked"):
            response = web.StreamResponse(status=200)
            response.enable_chunked_encoding()
            await response.prepare(request)
            for part in (b'{"echo":', json.dumps(data["n"]).encode(), b"}"):
                await response.write(part)
            await response.write_eof()
            return response
        return web.json_response({"echo": data["n"]})

    app = web.Application()
    app.router.add_post("/api/{tail:.*}", answer)
    async with serve_app(app) as port:
        client = KeepAliveClient(f"http://127.0.0.1:{port}/api")
        try:
            await two_bursts(client)
        finally:
            await client.close()
    assert len(connections) <= 40  # the second burst reused the first one's connections


async def two_bursts(client: KeepAliveClient) -> None:
    for _ in range(2):
        replies = await asyncio.gather(
            *(
                client.request("POST", f"/x/{n}", json.dumps({"n": n, "chunked": n % 2}).encode())
                for n in range(40)
            )
        )
        assert [r.json_or_text() for r in replies] == [{"echo": n} for n in range(40)]


@pytest.mark.asyncio
async def test_a_callback_whose_retry_finds_it_already_acknowledged_is_delivered(
    raw_server: Start,
) -> None:
    acknowledged = json_reply(400, "Bad Request", {"code": 40060, "message": "already"})
    # Connection 1 answers the first callback, then drops the second as it arrives (which
    # Discord had acted on): the retry is told "already acknowledged", which means delivered.
    base, _ = await raw_server(
        lambda c, n: NO_CONTENT if (c, n) == (1, 0) else None if c == 1 else acknowledged
    )
    sender = callback.CallbackSender(base)
    first, second = FakeInteraction(1), FakeInteraction(2)
    try:
        await sender.post(first, b"{}", callback.CHANNEL_MESSAGE)  # type: ignore[arg-type]
        await sender.post(second, b"{}", callback.CHANNEL_MESSAGE)  # type: ignore[arg-type]
    finally:
        await sender.close()
    assert second.extras[callback.RESPONDED] == callback.CHANNEL_MESSAGE


class FakeInteraction:
    def __init__(self, n: int) -> None:
        self.id = (1 << 40) + n
        self.token = f"tok{n}"
        self.extras: dict[str, int] = {}


@pytest.mark.asyncio
async def test_over_tls_with_a_verified_certificate_and_refusing_an_unknown_one() -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(server_context)
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)

    async def answer(request: web.Request) -> web.StreamResponse:
        return web.json_response({"path": request.path, "body": (await request.read()).decode()})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    async with serve_app(app, host="localhost", ssl_context=server_context) as port:
        base = f"https://localhost:{port}/api/v10"
        client = KeepAliveClient(base, ssl_context=trusting)
        stranger = KeepAliveClient(base)  # the system's authorities only
        try:
            await over_tls(client, stranger)
        finally:
            await client.close()
            await stranger.close()


async def over_tls(client: KeepAliveClient, stranger: KeepAliveClient) -> None:
    for n in range(3):  # on one kept connection
        reply = await client.request("PATCH", f"/webhooks/1/tok/messages/{n}", b"{}")
        assert reply.json_or_text() == {
            "path": f"/api/v10/webhooks/1/tok/messages/{n}",
            "body": "{}",
        }
    assert len(client._open) == 1
    with pytest.raises(ssl.SSLCertVerificationError):
        await stranger.request("POST", "/x", b"{}")

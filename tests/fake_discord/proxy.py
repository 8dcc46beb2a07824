"""A tiny REST proxy in front of the fake, like the shared proxy a sharded bot's processes
talk to (DISCORD_API_BASE) so that they share Discord's rate limits.

It forwards every request as it came (method, path, query, headers, body) and every answer as
it went, statuses and rate-limit headers included, and counts what went through; it keeps no
state of its own, so any difference the bot sees is a bug in how it uses DISCORD_API_BASE.
"""

from __future__ import annotations

from aiohttp import ClientSession, web

# Hop-by-hop headers and those aiohttp sets again for the body it sends.
_DROPPED = {"host", "content-length", "transfer-encoding", "connection", "content-encoding"}


class RestProxy:
    def __init__(self, upstream: str) -> None:
        """`upstream`: an origin such as http://127.0.0.1:1234 (paths are kept as they are)."""
        self.upstream = upstream.rstrip("/")
        self.forwarded: list[tuple[str, str, int]] = []  # (method, path, status)
        self._session: ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def __aenter__(self) -> RestProxy:
        self._session = ClientSession(auto_decompress=False)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    def base(self, api_prefix: str = "/api/v10") -> str:
        """What to put in DISCORD_API_BASE."""
        return f"http://127.0.0.1:{self.port}{api_prefix}"

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _DROPPED}
        async with self._session.request(
            request.method,
            self.upstream + request.rel_url.path_qs,
            headers=headers,
            data=await request.read() if request.can_read_body else None,
            allow_redirects=False,
        ) as answer:
            body = await answer.read()
            self.forwarded.append((request.method, request.path, answer.status))
            out = {k: v for k, v in answer.headers.items() if k.lower() not in _DROPPED}
            return web.Response(body=body, status=answer.status, headers=out)

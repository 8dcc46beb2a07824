"""The host's window into a running bot: `/metrics` (Prometheus) and `/healthz` (readiness).

Served by aiohttp (discord.py's own HTTP library) on the bot's event loop, so a health check
also proves the loop is responsive. Off unless METRICS_PORT is set; it listens on
METRICS_HOST, 127.0.0.1 by default, so nothing is exposed unless the host asks for it.

`/healthz` answers 200 only when the gateway is connected and the database answers, 503
otherwise (also while shutting down), with a small JSON body saying which part is missing.
`/livez` answers 200 while the process serves HTTP at all.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

from bot.discord.metrics import Metrics

log = logging.getLogger(__name__)

Readiness = Callable[[], Awaitable[tuple[bool, Mapping[str, str]]]]


class StatusServer:
    def __init__(self, metrics: Metrics, readiness: Readiness, *, host: str, port: int) -> None:
        self._metrics = metrics
        self._readiness = readiness
        self.host = host
        self.port = port  # 0: any free port; the real one is known after `start`
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/metrics", self._serve_metrics)
        app.router.add_get("/healthz", self._serve_health)
        app.router.add_get("/livez", self._serve_live)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        if runner.addresses:  # the bound socket tells the real port when 0 was asked
            self.port = int(runner.addresses[0][1])
        log.info("metrics and health on http://%s:%d/metrics and /healthz", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _serve_metrics(self, request: web.Request) -> web.Response:
        body, content_type = self._metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def _serve_health(self, request: web.Request) -> web.Response:
        ready, parts = await self._readiness()
        body = json.dumps({"status": "ready" if ready else "unavailable", **parts})
        return web.Response(
            text=body, status=200 if ready else 503, content_type="application/json"
        )

    async def _serve_live(self, request: web.Request) -> web.Response:
        return web.Response(text="alive\n")

"""A world for the server-catalog end-to-end tests: the real bot against the fake Discord, the
real Service over a fresh SQLite file, and a local fake web the fetcher is allowed to reach.

The fake web is the shared one (tests/fake_web.py: arXiv, Crossref, pages, slow and huge
answers) plus a few papers and a page no catalog holds, with authors and years, so a
suggestion of them is new. Only that one origin (127.0.0.1 and its port) is open to the
fetcher, through the same settings a host would use (`FETCH_ALLOWED_ORIGINS`,
`ARXIV_API_URL`, ...): 127.0.0.1 on any other port stays refused.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web

from bot.discord.wiring import build_services
from bot.service import Service
from bot.service.server_catalog import fetcher_from
from bot.settings import Settings
from tests.bot.discord.commands_support import EPHEMERAL, assert_within_limits
from tests.bot.discord.real_services import real_catalog, real_engine
from tests.bot.discord.support import add_testing_cog
from tests.fake_discord import payloads as p
from tests.fake_discord.harness import DiscordEnv, running_env
from tests.fake_discord.server import InteractionRecord
from tests.fake_web import make_app

MANAGE_GUILD = 1 << 5
MODERATOR_PERMISSIONS = int(p.EVERYONE_PERMISSIONS) | MANAGE_GUILD
FETCH_TIMEOUT_S = 2.0
"""Short, so that the "page that never answers" test is quick, yet longer than the answer
budget (1.5 s), so the bot has to say "thinking…" first, privately."""

SLOW_GONE_S = 1.7

PAPERS = {
    "2409.01234": (
        "Quasiperiodic Lattice Networks for Spectral Reasoning",
        ["Ada Quill", "Bo Lattimer"],
        "2024",
        "Quasiperiodic lattice networks are neural networks whose weights follow a "
        "quasiperiodic tiling. They reason about spectra without any labelled data.",
    ),
    "2409.05678": (
        "Heliotropic Gradient Descent",
        ["Cy Sunder"],
        "2024",
        "Heliotropic gradient descent turns the optimiser towards the light: a new "
        "optimisation method for training deep networks.",
    ),
    "2409.09999": (
        "Marmalade Tokenizers for Citrus Language Models",
        ["Dee Orange"],
        "2024",
        "Marmalade tokenizers cut citrus text into tokens for language models.",
    ),
    "2409.04242": (
        "Ptarmigan Pooling in Convolutional Networks",
        ["Ed Snow"],
        "2023",
        "Ptarmigan pooling changes colour with the season of the convolutional network.",
    ),
    "2409.07777": (
        "Limpet Attention: Sticking to the Right Tokens",
        ["Flo Rock"],
        "2024",
        "Limpet attention is an attention mechanism that sticks to the right tokens.",
    ),
}
"""arXiv ids the fake export API answers with a paper of its own (in no catalog)."""

PAGES = {
    "tide-tables": (
        "Tide Tables for Recurrent Networks",
        "A gentle blog post on the tides of recurrent neural networks.",
        "Gus Moon",
    ),
}


def atom_entry(arxiv_id: str) -> str:
    title, authors, year, summary = PAPERS[arxiv_id]
    names = "".join(f"<author><name>{escape(a)}</name></author>" for a in authors)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<entry><id>http://arxiv.org/abs/{arxiv_id}v1</id>"
        f"<published>{year}-09-02T00:00:00Z</published>"
        f"<title>{escape(title)}</title><summary>{escape(summary)}</summary>{names}"
        f'<link href="http://arxiv.org/abs/{arxiv_id}v1" rel="alternate" type="text/html"/>'
        "</entry></feed>"
    )


def page_html(name: str) -> str:
    title, description, author = PAGES[name]
    return (
        f"<html><head><title>{escape(title)}</title>"
        f'<meta name="description" content="{escape(description)}">'
        f'<meta name="author" content="{escape(author)}"></head><body>hi</body></html>'
    )


def fake_web_app() -> web.Application:
    """The fetcher tests' fake web, with our papers in front of its arXiv API."""
    app = make_app()

    async def arxiv(request: web.Request) -> web.StreamResponse:
        ids = request.query.get("id_list", "")
        if ids in PAPERS:
            return web.Response(text=atom_entry(ids), content_type="application/atom+xml")
        raise web.HTTPTemporaryRedirect(f"/api/query?id_list={ids}")

    async def page(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in PAGES:
            return web.Response(status=404)
        return web.Response(text=page_html(name), content_type="text/html")

    async def slow_gone(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(SLOW_GONE_S)  # past the answer budget, within the fetch time-out
        return web.Response(status=404)

    app.router.add_get("/e2e/slow-gone", slow_gone)
    app.router.add_get("/e2e/arxiv", arxiv)
    app.router.add_get("/e2e/page/{name}", page)
    return app


class ShiftedClock:
    """The real time, moved forward by the test (a grace period passing)."""

    def __init__(self) -> None:
        self.shift = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.shift


@dataclass
class CatalogWorld:
    env: DiscordEnv
    web: str
    service: Service
    clock: ShiftedClock
    other_guild: int
    other_channel: int

    def moderator(self, name: str) -> dict[str, Any]:
        user = self.env.fake.make_user(name)
        self.env.fake.member_permissions[int(user["id"])] = MODERATOR_PERMISSIONS
        return user

    def uid(self, name: str) -> int:
        return int(self.env.fake.make_user(name)["id"])

    @property
    def guild(self) -> int:
        return self.env.fake.guild_id

    async def command(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: str,
        channel_id: int | None = None,
    ) -> InteractionRecord:
        return await self.env.send_command(name, options, user=user, channel_id=channel_id)

    async def catalog(
        self, sub: str, options: dict[str, Any] | None = None, *, user: str
    ) -> InteractionRecord:
        return await self.env.send_subcommand("catalog", sub, options, user=user)

    async def seen(self, record: InteractionRecord, timeout: float = 8.0) -> tuple[dict, bool]:
        """(what the user sees, whether only they see it), within Discord's limits."""
        body = await self.env.wait_for_callback(record, timeout)
        if body["type"] in (5, 6):
            data = await self.env.wait_for_followup(record, timeout=timeout)
            flags = int(record.results[0]["flags"])
        else:
            data = body.get("data") or {}
            flags = int(data.get("flags") or 0)
        assert_within_limits(data)
        return data, bool(flags & EPHEMERAL)

    async def suggest(self, link: str, *, user: str, note: str | None = None) -> dict[str, Any]:
        options = {"link": link} if note is None else {"link": link, "note": note}
        data, private = await self.seen(await self.command("suggest", options, user=user))
        assert private
        return data

    async def pending_total(self, guild_id: int | None = None) -> int:
        page = await self.service.review_queue(guild_id or self.guild, 0, 1)
        return page.total

    async def additions(self, guild_id: int | None = None) -> list[str]:
        found = await self.service.server_additions_of(guild_id or self.guild)
        return [r.id for r in found]


async def catalog_world(tmp: Path) -> AsyncIterator[CatalogWorld]:
    """The fake web, the fake Discord with a second server, the bot; torn down after."""
    runner = web.AppRunner(fake_web_app(), shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    base = f"http://127.0.0.1:{port}"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        fetch_allowed_origins=(f"127.0.0.1:{port}",),
        arxiv_api_url=f"{base}/e2e/arxiv?id_list={{id}}",
        crossref_api_url=f"{base}/works/{{doi}}",
        fetch_timeout_s=FETCH_TIMEOUT_S,
        fetch_connect_timeout_s=FETCH_TIMEOUT_S,
    )
    clock = ShiftedClock()
    service = await Service.open(
        f"sqlite+aiosqlite:///{tmp / 'catalog.db'}",
        real_catalog(),
        real_engine(),
        clock=clock,
        fetcher=fetcher_from(settings),
    )
    try:
        async with running_env(
            tmp / "cache",
            extra_setup=[add_testing_cog],
            services=build_services(service),
            start=False,
        ) as env:
            other_guild, other_channel = env.fake.add_guild("Other group")
            await env.start_bot()
            yield CatalogWorld(env, base, service, clock, other_guild, other_channel)
    finally:
        await runner.cleanup()

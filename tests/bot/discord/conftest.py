"""The `discord_env` fixture: one fake Discord and one real bot per test module.

A module customises its bot with two optional module-level names:

    def discord_services() -> Services: ...      # the DI seam (fake or real service/engine)
    async def discord_services(tmp: Path) -> Services: ...   # or built async, e.g. a real
                                                 # Service over a SQLite file in `tmp`
    discord_extra_setup = [my_async_hook]        # more cogs/commands, added before sync

and marks its tests `pytestmark = pytest.mark.asyncio(loop_scope="module")` to share the bot.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.bot.discord.support import add_testing_cog
from tests.fake_discord.harness import DiscordEnv, running_env


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def discord_env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[DiscordEnv]:
    make_services = getattr(request.module, "discord_services", None)
    extra = [add_testing_cog, *getattr(request.module, "discord_extra_setup", ())]
    tmp = tmp_path_factory.mktemp("discord")
    services = None
    if make_services is not None:
        if inspect.iscoroutinefunction(make_services):
            services = await make_services(tmp)
        else:
            services = make_services()
    async with running_env(tmp, extra_setup=extra, services=services) as env:
        yield env

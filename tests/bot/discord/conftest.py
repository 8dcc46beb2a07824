"""The `discord_env` fixture: one fake Discord and one real bot per test module."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.bot.discord.support import add_testing_cog
from tests.fake_discord.harness import DiscordEnv, running_env


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def discord_env(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DiscordEnv]:
    async with running_env(
        tmp_path_factory.mktemp("discord"), extra_setup=[add_testing_cog]
    ) as env:
        yield env

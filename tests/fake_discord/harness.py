"""A running bot against a running fake, with the verbs a test needs ("send /help as alice").

`DiscordEnv` is what the `discord_env` fixture yields and what bench/bot.py drives, so a test
of a new command is a few lines: send it, wait for the callback, assert on the JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.discord.client import DeepreadBot, SetupHook, create_bot
from bot.discord.services import ResourceAction, Services
from bot.settings import Settings
from tests.fake_discord import payloads as p
from tests.fake_discord import polls
from tests.fake_discord.server import FakeDiscord, InteractionRecord, RecordedRequest

OPTION_TYPES = {bool: 5, int: 4, float: 10, str: 3}
APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5


@dataclass
class DiscordEnv:
    fake: FakeDiscord
    cache_dir: Path
    extra_setup: Sequence[SetupHook] = ()
    services: Services | None = None
    actions: MutableMapping[str, ResourceAction] = field(default_factory=dict)
    dev_guild_id: int | None = None
    # DISCORD_API_BASE for the next start: None is the fake itself, else e.g. a REST proxy.
    api_base: str | None = None
    bot: DeepreadBot | None = None
    _task: asyncio.Task[None] | None = None

    # bot lifecycle -------------------------------------------------------------------------

    def settings(self) -> Settings:
        return Settings(
            _env_file=None,  # type: ignore[call-arg]
            discord_token=self.fake.token,
            discord_api_base=self.api_base or self.fake.api_base,
            discord_gateway_url=self.fake.gateway_url,
            dev_guild_id=self.dev_guild_id,
            cache_dir=self.cache_dir,
        )

    async def start_bot(self, *, timeout: float = 10.0, token: str | None = None) -> DeepreadBot:
        services = self.services or Services(resource_actions=self.actions)
        bot = create_bot(
            self.settings(), services, extra_setup=self.extra_setup, guild_ready_timeout=0.05
        )
        self.bot = bot
        self._task = asyncio.create_task(bot.start(token or self.fake.token))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, self._task}, timeout=timeout, return_when="FIRST_COMPLETED"
        )
        if ready in done:
            return bot
        ready.cancel()
        task, self.bot, self._task = self._task, None, None
        await bot.close()
        if task in done:
            task.result()  # raises the login/connection error
        task.cancel()
        raise TimeoutError("the bot did not become ready")

    async def stop_bot(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.bot, self._task = None, None

    async def restart_bot(self) -> DeepreadBot:
        await self.stop_bot()
        return await self.start_bot()

    # acting as Discord users ---------------------------------------------------------------

    def user(self, who: str | dict[str, Any]) -> dict[str, Any]:
        return who if isinstance(who, dict) else self.fake.make_user(who)

    def registered_command(self, name: str) -> dict[str, Any] | None:
        scopes = [self.fake.global_commands, *self.fake.guild_commands.values()]
        return next((c for cmds in scopes for c in cmds if c["name"] == name), None)

    def _options(
        self, name: str, options: Mapping[str, Any] | Sequence[dict[str, Any]] | None
    ) -> list[dict[str, Any]]:
        if options is None:
            return []
        if not isinstance(options, Mapping):
            return list(options)
        declared = {
            o["name"]: o["type"] for o in (self.registered_command(name) or {}).get("options", [])
        }
        return [
            {"name": k, "type": declared.get(k, OPTION_TYPES.get(type(v), 3)), "value": v}
            for k, v in options.items()
        ]

    def _command_data(self, name: str, options: list[dict[str, Any]]) -> dict[str, Any]:
        command = self.registered_command(name) or {}
        data: dict[str, Any] = {"id": command.get("id", "1"), "name": name, "type": 1}
        if options:
            data["options"] = options
            resolved = self._resolved_channels(options)
            if resolved:
                data["resolved"] = {"channels": resolved}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return data

    def _resolved_channels(self, options: list[dict[str, Any]]) -> dict[str, Any]:
        """Channel options (type 7) come with the channel's partial data, as Discord sends."""
        out: dict[str, Any] = {}
        for option in options:
            nested = option.get("options")
            if nested:
                out.update(self._resolved_channels(nested))
            if option.get("type") != 7:
                continue
            channel = self.fake.channels.get(int(option["value"]))
            if channel is not None:
                keys = ("id", "name", "type", "parent_id", "guild_id", "flags")
                out[str(channel["id"])] = {
                    **{k: channel[k] for k in keys if k in channel},
                    "permissions": p.BOT_PERMISSIONS,
                }
        return out

    async def send_command(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[dict[str, Any]] | None = None,
        *,
        user: str | dict[str, Any] = "alice",
        in_guild: bool = True,
        channel_id: int | None = None,
    ) -> InteractionRecord:
        """Run `/name`, in the main channel or in `channel_id` (another guild's, say)."""
        data = self._command_data(name, self._options(name, options))
        return await self.fake.dispatch_interaction(
            APPLICATION_COMMAND,
            data,
            user=self.user(user),
            in_guild=in_guild,
            channel_id=channel_id,
        )

    def subcommand(
        self, name: str, sub: str, options: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Options for `/name sub ...` (a group's subcommand), typed as it was registered."""
        group = self.registered_command(name) or {}
        spec = next((o for o in group.get("options", []) if o["name"] == sub), {})
        declared = {o["name"]: o["type"] for o in spec.get("options", [])}
        nested = [
            {"name": k, "type": declared.get(k, OPTION_TYPES.get(type(v), 3)), "value": v}
            for k, v in (options or {}).items()
        ]
        return [{"name": sub, "type": 1, "options": nested}]

    async def send_subcommand(
        self,
        name: str,
        sub: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: str | dict[str, Any] = "alice",
        focused: str | None = None,
    ) -> InteractionRecord:
        """Run `/name sub`, or with `focused` ask for autocomplete of that option."""
        opts = self.subcommand(name, sub, options)
        if focused is None:
            return await self.send_command(name, opts, user=user)
        for option in opts[0]["options"]:
            if option["name"] == focused:
                option["focused"] = True
        data = self._command_data(name, opts)
        return await self.fake.dispatch_interaction(AUTOCOMPLETE, data, user=self.user(user))

    async def autocomplete(
        self,
        name: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        user: str | dict[str, Any] = "alice",
    ) -> InteractionRecord:
        opts = self._options(name, options)
        for option in opts:
            if option["name"] == focused:
                option["focused"] = True
        data = self._command_data(name, opts)
        return await self.fake.dispatch_interaction(AUTOCOMPLETE, data, user=self.user(user))

    async def click(
        self,
        custom_id: str,
        *,
        message: dict[str, Any] | int | str,
        user: str | dict[str, Any] = "alice",
        values: list[str] | None = None,
    ) -> InteractionRecord:
        """Press a button (or choose `values` in a select) on a message the bot sent."""
        msg = message if isinstance(message, dict) else self.fake.messages[int(message)]
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2}
        if values is not None:
            data.update(component_type=3, values=values)
        return await self.fake.dispatch_interaction(
            COMPONENT, data, user=self.user(user), message=msg
        )

    async def submit_modal(
        self,
        custom_id: str,
        fields: Mapping[str, str],
        *,
        user: str | dict[str, Any] = "alice",
        message: dict[str, Any] | int | None = None,
    ) -> InteractionRecord:
        """Submit a modal's text inputs; `message` is the message whose button opened it
        (Discord sends it with such a submit, and the bot may then edit it in place)."""
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
            for k, v in fields.items()
        ]
        data = {"custom_id": custom_id, "components": rows}
        msg = self.fake.messages[message] if isinstance(message, int) else message
        return await self.fake.dispatch_interaction(
            MODAL_SUBMIT, data, user=self.user(user), message=msg
        )

    async def vote(
        self, message: dict[str, Any] | int | str, *answer_ids: int, user: str | dict[str, Any]
    ) -> None:
        """A member votes on a poll the bot posted (answer ids count from 1, as on Discord);
        voting again replaces the vote."""
        mid = int(message["id"]) if isinstance(message, dict) else int(message)
        await polls.vote(self.fake, mid, self.user(user), *answer_ids)

    async def unvote(
        self, message: dict[str, Any] | int | str, *, user: str | dict[str, Any]
    ) -> None:
        mid = int(message["id"]) if isinstance(message, dict) else int(message)
        await polls.unvote(self.fake, mid, self.user(user))

    # observing -----------------------------------------------------------------------------

    async def wait_for_callback(
        self, record: InteractionRecord, timeout: float = 5.0
    ) -> dict[str, Any]:
        return await self.fake.wait_for_callback(record, timeout=timeout)

    async def wait_for_followup(
        self, record: InteractionRecord, count: int = 1, timeout: float = 5.0
    ) -> dict[str, Any]:
        return await self.fake.wait_for_followup(record, count=count, timeout=timeout)

    async def reply(self, record: InteractionRecord, timeout: float = 5.0) -> dict[str, Any]:
        """The message the user ends up seeing: the callback's data, or the first followup
        (or edit, after a deferred update) when the bot deferred."""
        body = await self.wait_for_callback(record, timeout)
        if body["type"] in (5, 6):
            return await self.wait_for_followup(record, timeout=timeout)
        data: dict[str, Any] = body.get("data") or {}
        return data

    def message_requests(self) -> list[RecordedRequest]:
        """Every request that created or edited a message, whatever the route."""
        out = []
        for r in self.fake.requests:
            creates = r.method == "POST" and (
                r.path.endswith("/messages") or "/webhooks/" in r.path
            )
            edits = r.method == "PATCH" and "/messages/" in r.path
            callback = r.path.endswith("/callback") and (r.json or {}).get("type") in (4, 7)
            if creates or edits or callback:
                out.append(r)
        return out


@contextlib.asynccontextmanager
async def running_env(
    cache_dir: Path,
    *,
    extra_setup: Sequence[SetupHook] = (),
    services: Services | None = None,
    start: bool = True,
) -> AsyncIterator[DiscordEnv]:
    """A fake Discord and (unless `start=False`) a bot logged in to it, torn down after.

    `services` is the DI seam: pass fakes or the real service/engine; by default the bot gets
    an empty `Services` whose resource actions are `env.actions` (settable by the test).
    """
    async with FakeDiscord() as fake:
        env = DiscordEnv(fake=fake, cache_dir=cache_dir, extra_setup=extra_setup, services=services)
        try:
            if start:
                await env.start_bot()
            yield env
        finally:
            await env.stop_bot()

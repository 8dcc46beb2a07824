"""What the bot may do where, computed the way Discord computes it, and 403s when it may not.

The bot has a managed role of its own (as a bot invited with an invite link does) whose
permissions a test changes with `set_bot_permissions`; channels narrow them with overwrites
(`set_overwrites`). Both send the gateway event Discord sends (GUILD_ROLE_UPDATE,
CHANNEL_UPDATE), so the bot's own view (`channel.permissions_for(guild.me)`) and the fake's
enforcement agree. A thread has no overwrites of its own: its parent's apply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from tests.fake_discord import payloads as p

if TYPE_CHECKING:
    from aiohttp import web

    from tests.fake_discord.server import FakeDiscord

ADMINISTRATOR: Final = 1 << 3
MANAGE_GUILD: Final = 1 << 5
VIEW_CHANNEL: Final = 1 << 10
SEND_MESSAGES: Final = 1 << 11
EMBED_LINKS: Final = 1 << 14
READ_MESSAGE_HISTORY: Final = 1 << 16
MANAGE_EVENTS: Final = 1 << 33
CREATE_PUBLIC_THREADS: Final = 1 << 35
SEND_MESSAGES_IN_THREADS: Final = 1 << 38
CREATE_EVENTS: Final = 1 << 44
SEND_POLLS: Final = 1 << 49
ALL: Final = (1 << 53) - 1

BOT_ROLE_DEFAULT: Final = CREATE_PUBLIC_THREADS | SEND_MESSAGES_IN_THREADS | SEND_POLLS
"""What the bot's role grants on top of @everyone unless a test says otherwise: what a
study-group server gives a reading bot (threads and polls), not event management."""

THREAD_TYPES: Final = frozenset({10, 11, 12})

NAMES: Final = {
    VIEW_CHANNEL: "View Channel",
    SEND_MESSAGES: "Send Messages",
    MANAGE_EVENTS: "Manage Events",
    CREATE_PUBLIC_THREADS: "Create Public Threads",
    SEND_MESSAGES_IN_THREADS: "Send Messages in Threads",
    SEND_POLLS: "Create Polls",
}


def bot_role(fake: FakeDiscord, guild_id: int) -> dict[str, Any]:
    """The bot's managed role in a guild (the id is stable per guild)."""
    role = p.everyone_role(guild_id)
    role.update(
        id=str(fake.bot_role_id(guild_id)),
        name=fake.bot_user["username"],
        position=1,
        permissions=str(fake.bot_role_permissions),
        managed=True,
        tags={"bot_id": str(fake.app_id)},
    )
    return role


def guild_permissions(fake: FakeDiscord, guild_id: int) -> int:
    """The bot's guild-wide permissions: @everyone and its own role."""
    base = int(p.EVERYONE_PERMISSIONS) | fake.bot_role_permissions
    return ALL if base & ADMINISTRATOR else base


def channel_permissions(fake: FakeDiscord, channel: dict[str, Any]) -> int:
    """The bot's permissions in a guild channel or thread (Discord's overwrite order:
    @everyone, then roles, then the member)."""
    if channel.get("type") in THREAD_TYPES:
        parent = fake.channels.get(int(channel["parent_id"]))
        if parent is None:
            return 0
        channel = parent
    guild_id = int(channel["guild_id"])
    base = guild_permissions(fake, guild_id)
    if base & ADMINISTRATOR:
        return ALL
    overwrites = {o["id"]: o for o in channel.get("permission_overwrites") or []}
    for target in (str(guild_id), str(fake.bot_role_id(guild_id)), str(fake.app_id)):
        found = overwrites.get(target)
        if found is not None:
            base = (base & ~int(found["deny"])) | int(found["allow"])
    return base if base & VIEW_CHANNEL else 0


def refuse(fake: FakeDiscord, channel: dict[str, Any], needed: int) -> web.Response | None:
    """Discord's 403 (50013 Missing Permissions) unless the bot has every bit of `needed`;
    channels outside a guild (DMs) are not subject to guild permissions."""
    from tests.fake_discord.server import error_response

    if "guild_id" not in channel:
        return None
    if channel_permissions(fake, channel) & needed == needed:
        return None
    return error_response(403, 50013, "Missing Permissions")


def post_needs(channel: dict[str, Any], body: dict[str, Any]) -> int:
    """What POST .../messages needs: in a thread Send Messages in Threads replaces Send
    Messages; a poll also needs Create Polls."""
    in_thread = channel.get("type") in THREAD_TYPES
    needed = VIEW_CHANNEL | (SEND_MESSAGES_IN_THREADS if in_thread else SEND_MESSAGES)
    if body.get("poll") is not None:
        needed |= SEND_POLLS
    return needed


async def set_bot_permissions(fake: FakeDiscord, permissions: int) -> None:
    """Change what the bot's role grants, in every guild; a connected bot hears of it."""
    fake.bot_role_permissions = permissions
    for guild_id in fake.guild_names:
        if fake.gateway.live_sessions:
            role = bot_role(fake, guild_id)
            await fake.gateway.dispatch(
                "GUILD_ROLE_UPDATE", {"guild_id": str(guild_id), "role": role}, guild_id=guild_id
            )


async def set_overwrites(
    fake: FakeDiscord, channel_id: int, overwrites: list[dict[str, Any]]
) -> None:
    """Replace a channel's permission overwrites; a connected bot gets CHANNEL_UPDATE."""
    channel = fake.channels[channel_id]
    channel["permission_overwrites"] = overwrites
    if fake.gateway.live_sessions:
        await fake.gateway.dispatch("CHANNEL_UPDATE", channel, guild_id=int(channel["guild_id"]))


def deny_bot(channel_id: int, fake: FakeDiscord, bits: int) -> list[dict[str, Any]]:
    """The channel's overwrites with `bits` denied to the bot member (a convenience for tests:
    `await set_overwrites(fake, cid, deny_bot(cid, fake, CREATE_PUBLIC_THREADS))`)."""
    kept = [
        o
        for o in fake.channels[channel_id].get("permission_overwrites") or []
        if o["id"] != str(fake.app_id)
    ]
    return [*kept, p.overwrite(fake.app_id, deny=bits)]

"""JSON shapes the fake Discord sends, built the way the real API documents them.

Only what discord.py reads is filled in, but every object is complete enough that the library
parses it without falling back to partial models (a guild channel has its guild, an interaction
has `attachment_size_limit` and a full `channel`, a message has its author and flags).
"""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000
# Everything a default role can do in a study-group server, as Discord sends it (a string).
EVERYONE_PERMISSIONS = str(1024 | 2048 | 16384 | 32768 | 65536 | 2147483648)
BOT_PERMISSIONS = EVERYONE_PERMISSIONS

_counter = itertools.count(1)


def snowflake() -> int:
    """A fresh, time-ordered id (so `created_at` on any object is "now")."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_counter) % 4096)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": None if bot else name.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    }


def member(user_payload: dict[str, Any], *, permissions: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "user": user_payload,
        "nick": None,
        "avatar": None,
        "roles": [],
        "joined_at": now_iso(),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
    }
    if permissions is not None:
        data["permissions"] = permissions
    return data


def text_channel(
    channel_id: int,
    guild_id: int,
    name: str,
    position: int = 0,
    *,
    channel_type: int = 0,
    overwrites: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A guild channel: text (0) by default; 2 is voice, 4 a category, 5 announcements."""
    voice = {"bitrate": 64000, "user_limit": 0, "rtc_region": None} if channel_type == 2 else {}
    return {
        **voice,
        "id": str(channel_id),
        "type": channel_type,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": overwrites or [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def overwrite(
    target_id: int, *, allow: int = 0, deny: int = 0, for_member: bool = True
) -> dict[str, Any]:
    """A channel permission overwrite for one member (type 1) or role (type 0)."""
    kind = 1 if for_member else 0
    return {"id": str(target_id), "type": kind, "allow": str(allow), "deny": str(deny)}


def everyone_role(guild_id: int) -> dict[str, Any]:
    return {
        "id": str(guild_id),
        "name": "@everyone",
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": 0,
        "permissions": EVERYONE_PERMISSIONS,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def guild_create(
    guild_id: int,
    name: str,
    owner_id: int,
    channels: list[dict[str, Any]],
    members: list[dict[str, Any]],
    member_count: int,
) -> dict[str, Any]:
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [everyone_role(guild_id)],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": now_iso(),
        "large": False,
        "unavailable": False,
        "member_count": member_count,
        "voice_states": [],
        "members": members,
        "channels": channels,
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def application(app_id: int, bot_user: dict[str, Any], owner: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(app_id),
        "name": bot_user["username"],
        "icon": None,
        "description": "fake application",
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "bot": bot_user,
        "owner": owner,
        "summary": "",
        "verify_key": "0" * 64,
        "team": None,
        "flags": 0,
        "interactions_endpoint_url": None,
        "approximate_guild_count": 1,
        "redirect_uris": [],
        "tags": [],
    }


def message(
    *,
    message_id: int,
    channel_id: int,
    guild_id: int | None,
    author: dict[str, Any],
    body: dict[str, Any],
    message_type: int = 0,
    webhook_id: int | None = None,
) -> dict[str, Any]:
    """A message as Discord returns it, built from what the bot sent (`body`)."""
    data: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "content": body.get("content") or "",
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": bool(body.get("tts", False)),
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds") or [],
        "reactions": [],
        "pinned": False,
        "type": message_type,
        "flags": int(body.get("flags") or 0),
        "components": body.get("components") or [],
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
        data["application_id"] = str(webhook_id)
    return data


def edit_message(stored: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Apply a PATCH body to a stored message the way Discord does (absent keys are kept,
    a null content clears the text, as discord.py's `content=None` asks)."""
    updated = dict(stored)
    for key in ("content", "embeds", "components", "flags"):
        if key in body and body[key] is not None:
            updated[key] = body[key]
    if "content" in body and body["content"] is None:
        updated["content"] = ""
    updated["edited_timestamp"] = now_iso()
    return updated


def interaction(
    *,
    interaction_id: int,
    token: str,
    app_id: int,
    interaction_type: int,
    data: dict[str, Any] | None,
    guild_id: int | None,
    channel: dict[str, Any],
    invoker: dict[str, Any],
    message: dict[str, Any] | None = None,
    locale: str = "en-US",
    member_permissions: str = EVERYONE_PERMISSIONS,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload (guild or DM), with everything discord.py requires.

    `member_permissions` is the invoker's computed permissions in the channel (a string,
    as Discord sends it); the default is what @everyone may do.
    """
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(app_id),
        "type": interaction_type,
        "token": token,
        "version": 1,
        "channel_id": channel["id"],
        "channel": channel,
        "app_permissions": BOT_PERMISSIONS,
        "locale": locale,
        "entitlements": [],
        "authorizing_integration_owners": {"0" if guild_id else "1": str(guild_id or 0)},
        "context": 0 if guild_id else 1,
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if data is not None:
        payload["data"] = data
    if guild_id is not None:
        payload["guild_id"] = str(guild_id)
        payload["guild"] = {"id": str(guild_id), "locale": "en-US", "features": []}
        payload["guild_locale"] = "en-US"
        payload["member"] = member(invoker, permissions=member_permissions)
    else:
        payload["user"] = invoker
    if message is not None:
        payload["message"] = message
    return payload

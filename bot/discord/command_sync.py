"""When to push slash-command definitions to Discord, and doing it.

Syncing is rate limited by Discord and slow to propagate globally, so the bot syncs only when
the definitions differ from what Discord has registered for the application: at start it
fetches the registered commands (one GET, for the global scope or the development guild) and
compares them with the local tree. Only Discord knows what is registered, so a bot whose
registrations were changed elsewhere (another deployment of the same application, a manual
reset, a cache folder that does not match) converges at its next start, and equal definitions
cost no sync call. `deepread sync` forces one.

The comparison is on what users see and what Discord enforces, in a normalised form, because
Discord answers in its own shape: names, descriptions, types, options in order (type, name,
description, required, autocomplete, choices, channel types, bounds, sub-options), default
member permissions, NSFW, and for global commands where they may be used. Not compared:

- localizations, which Discord sends back only when asked `with_localizations` (the GET
  used here does not ask; deepread has no translator, so the local side has none either);
- `contexts` and `integration_types` when the local definition leaves them unset: Discord
  then stores its defaults (every context, the app's configured installs) and reports those,
  so "unset" means "whatever Discord chose". They apply to global commands only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)

Payload = Mapping[str, Any]
# The key a command is known by in its scope: slash, user and message commands may share names.
CommandKey = tuple[int, str]


def local_payloads(
    tree: app_commands.CommandTree[Any], guild: discord.abc.Snowflake | None
) -> list[dict[str, Any]]:
    """What `tree.sync(guild=guild)` would send."""
    return [command.to_dict(tree) for command in tree.get_commands(guild=guild)]


async def registered_payloads(
    tree: app_commands.CommandTree[Any], guild: discord.abc.Snowflake | None
) -> list[dict[str, Any]]:
    """The commands Discord has registered for the application in this scope, as it sent them.

    Read as JSON through the client's HTTP layer (which still does authentication and rate
    limits) rather than `CommandTree.fetch_commands`: its `AppCommand` objects shift
    `contexts` and `integration_types` down by one (discord.py issue #10525, 2.7.1 parses them
    as if they started at 1), so a guild-only command would look changed on every start, and
    `AppCommand.to_dict` leaves out permissions and NSFW. Both methods are typed, so an
    upgrade that changes them fails the type check and the end-to-end tests, not silently.
    """
    client = tree.client
    if client.application_id is None:
        raise app_commands.MissingApplicationID
    if guild is None:
        found = await client.http.get_global_commands(client.application_id)
    else:
        found = await client.http.get_guild_commands(client.application_id, guild.id)
    return [dict(command) for command in found]


def _number(value: Any) -> Any:
    """1 and 1.0 are the same bound or choice (Discord answers numbers as it stores them)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _option(option: Payload) -> dict[str, Any]:
    return {
        "type": int(option["type"]),
        "name": option["name"],
        "description": option.get("description") or "",
        "required": bool(option.get("required", False)),
        "autocomplete": bool(option.get("autocomplete", False)),
        "choices": [
            (choice["name"], _number(choice["value"])) for choice in option.get("choices") or ()
        ],
        "channel_types": sorted(int(t) for t in option.get("channel_types") or ()),
        **{
            bound: _number(option.get(bound))
            for bound in ("min_value", "max_value", "min_length", "max_length")
        },
        "options": [_option(o) for o in option.get("options") or ()],
    }


def normalise(payload: Payload, *, is_global: bool) -> dict[str, Any]:
    """One command as compared: Discord's defaults filled in, localizations left out."""
    permissions = payload.get("default_member_permissions")
    out: dict[str, Any] = {
        "type": int(payload.get("type") or 1),
        "name": payload["name"],
        "description": payload.get("description") or "",
        "options": [_option(o) for o in payload.get("options") or ()],
        "default_member_permissions": None if permissions is None else int(permissions),
        "nsfw": bool(payload.get("nsfw", False)),
    }
    if is_global:
        for name in ("contexts", "integration_types"):
            value = payload.get(name)
            out[name] = None if value is None else sorted(int(v) for v in value)
        # Deprecated by `contexts`, which overrides it when set.
        out["dm_permission"] = payload.get("dm_permission") is not False  # null means true
    return out


def differences(
    local: Iterable[Payload], registered: Iterable[Payload], *, is_global: bool
) -> list[str]:
    """Names of the commands that would change if the local definitions were synced (added,
    removed or different), sorted; empty when Discord already has exactly these."""
    mine = _by_key(local, is_global=is_global)
    theirs = _by_key(registered, is_global=is_global)
    changed = set(mine) ^ set(theirs)
    for key in set(mine) & set(theirs):
        if not _same(mine[key], theirs[key]):
            changed.add(key)
    return sorted(name for _, name in changed)


def _by_key(payloads: Iterable[Payload], *, is_global: bool) -> dict[CommandKey, dict[str, Any]]:
    normalised = (normalise(p, is_global=is_global) for p in payloads)
    return {(c["type"], c["name"]): c for c in normalised}


def _same(local: dict[str, Any], registered: dict[str, Any]) -> bool:
    registered = dict(registered)
    for name in ("contexts", "integration_types"):
        if name in local and local[name] is None:  # no preference: Discord's choice is right
            registered[name] = None
    if local.get("contexts") is not None:  # contexts override the deprecated dm_permission
        registered["dm_permission"] = local["dm_permission"]
    return local == registered


def scope_name(guild_id: int | None) -> str:
    return "global" if guild_id is None else f"guild {guild_id}"


async def sync(
    tree: app_commands.CommandTree[Any],
    *,
    guild_id: int | None = None,
    force: bool = False,
) -> int | None:
    """Sync one scope if forced or different from Discord's registrations; the number of
    commands synced, or None when Discord already had them."""
    guild = discord.Object(id=guild_id) if guild_id is not None else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    scope = scope_name(guild_id)
    if not force:
        local = local_payloads(tree, guild)
        try:
            registered = await registered_payloads(tree, guild)
        except discord.HTTPException as exc:
            # Cannot tell what Discord has: syncing is the way to be sure it converges.
            log.warning("could not fetch the registered commands (%s): %s; syncing", scope, exc)
        else:
            changed = differences(local, registered, is_global=guild is None)
            if not changed:
                log.info("slash commands match Discord's (%s); not syncing", scope)
                return None
            log.info("slash commands differ from Discord's (%s): %s", scope, ", ".join(changed))
    synced = await tree.sync(guild=guild)
    log.info("synced %d slash commands (%s)", len(synced), scope)
    return len(synced)

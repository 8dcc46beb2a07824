"""When to push slash-command definitions to Discord, and doing it.

Syncing is rate limited by Discord and slow to propagate globally, so the bot syncs only when
the definitions changed: a hash of the tree's payloads is kept per application and scope in a
small JSON file under the cache dir. A development guild is synced on every start (guild
commands update instantly, which is the point of having one). `deepread sync` forces it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)

STATE_FILE = "command-sync.json"


def fingerprint(payloads: list[dict[str, Any]]) -> str:
    """A stable hash of command definitions (order of commands does not matter)."""
    canonical = sorted(json.dumps(p, sort_keys=True, ensure_ascii=False) for p in payloads)
    return hashlib.sha256("\n".join(canonical).encode()).hexdigest()


def command_payloads(
    tree: app_commands.CommandTree[Any], guild: discord.abc.Snowflake | None
) -> list[dict[str, Any]]:
    return [command.to_dict(tree) for command in tree.get_commands(guild=guild)]


@dataclass(frozen=True)
class SyncState:
    path: Path

    def read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def write(self, key: str, value: str) -> None:
        data = self.read()
        data[key] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(self.path)


def scope_key(application_id: int | None, guild_id: int | None) -> str:
    return f"{application_id}:{'global' if guild_id is None else f'guild:{guild_id}'}"


async def sync(
    tree: app_commands.CommandTree[Any],
    state: SyncState,
    application_id: int | None,
    *,
    guild_id: int | None = None,
    force: bool = False,
) -> int | None:
    """Sync one scope if forced or changed; the number of commands synced, or None if skipped."""
    guild = discord.Object(id=guild_id) if guild_id is not None else None
    if guild is not None:
        tree.copy_global_to(guild=guild)
    digest = fingerprint(command_payloads(tree, guild))
    key = scope_key(application_id, guild_id)
    if not force and state.read().get(key) == digest:
        log.info("slash commands unchanged (%s); not syncing", key)
        return None
    synced = await tree.sync(guild=guild)
    state.write(key, digest)
    log.info("synced %d slash commands (%s)", len(synced), key)
    return len(synced)

"""Which shard a guild lives on, and whether this process owns it.

A big bot runs several processes, each connected to some of the shards (SHARD_COUNT and
SHARD_IDS). Discord sends a guild's events only on shard `(guild_id >> 22) % shard_count`, so
that formula is also how a process decides, without asking anyone, which guilds' background
work (the daily posts) is its own: every guild is served by exactly one process, and the
claims in the database only have to settle races, not divide the work.
"""

from __future__ import annotations

from collections.abc import Iterable


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's sharding formula (developer docs, "Sharding")."""
    return (guild_id >> 22) % max(shard_count, 1)


def owns(guild_id: int, shard_count: int | None, shard_ids: Iterable[int] | None) -> bool:
    """The guild is on one of `shard_ids` (None: this process runs every shard)."""
    if shard_ids is None:
        return True
    return shard_of(guild_id, shard_count or 1) in set(shard_ids)

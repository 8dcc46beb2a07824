"""Which process serves a guild: Discord's formula, decided alone by each process."""

from __future__ import annotations

from bot.discord.sharding import owns, shard_of


def test_shard_of_is_discords_formula() -> None:
    guild = (123456789 << 22) | 77
    assert shard_of(guild, 4) == 123456789 % 4
    assert shard_of(guild, 1) == 0


def test_every_guild_has_exactly_one_owner_among_the_processes() -> None:
    processes = [(0, 1), (2, 3)]
    for timestamp in range(1000, 1040):
        guild = timestamp << 22
        owners = [ids for ids in processes if owns(guild, 4, ids)]
        assert len(owners) == 1
    assert owns(5 << 22, None, None)  # one process with every shard serves everyone

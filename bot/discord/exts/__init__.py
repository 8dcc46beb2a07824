"""Feature packages, one per command family; found by `bot.discord.extensions`."""

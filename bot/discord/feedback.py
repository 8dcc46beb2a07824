"""Persistent "Useful" / "Not for us" buttons under daily posts and club announcements.

One vote per member and resource in a server, changeable: pressing the other button changes
the vote, pressing the same one again takes it back. The votes steer the server's future
daily picks and club candidates (the service's job). Like the resource buttons they are
DynamicItems, so they answer after a restart, for anyone.

The custom id must hold a resource id of up to 80 characters within Discord's 100, hence the
short form `deepread:fb:{u|n}:{d|c}:{resource_id}` (verdict useful / not for us; post daily /
club).
"""

from __future__ import annotations

import re
from typing import Any, Self

import discord

from bot.discord import access, errors, formatting, replies
from bot.discord.resources import title_text
from bot.service import ID_PATTERN, FeedbackCounts

VERDICTS: dict[str, tuple[str, str, discord.ButtonStyle]] = {
    "u": ("useful", "Useful", discord.ButtonStyle.primary),
    "n": ("not_for_us", "Not for us", discord.ButtonStyle.secondary),
}
SOURCES: dict[str, str] = {"d": "daily", "c": "club"}
_ID = ID_PATTERN.pattern.removeprefix("^").removesuffix("$")
TEMPLATE = rf"deepread:fb:(?P<verdict>[un]):(?P<source>[dc]):(?P<resource_id>{_ID})"


def counts_line(counts: FeedbackCounts) -> str:
    """ "2 members found it useful · 1 said not for us" (never names)."""
    useful = "member found" if counts.useful == 1 else "members found"
    return f"{counts.useful} {useful} it useful · {counts.not_for_us} said not for us"


def vote_text(title: str, chosen: str | None, counts: FeedbackCounts) -> str:
    shown = f"**{title_text(title)}**"
    if chosen is None:
        head = f"Your vote on {shown} is taken back."
    elif chosen == "useful":
        head = f"Noted: you found {shown} useful. Press again to take it back."
    else:
        head = f"Noted: {shown} is not for you. Press again to take it back."
    return f"{head}\n-# {counts_line(counts)}. Your votes steer what this server gets next."


class FeedbackButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    def __init__(self, verdict: str, source: str, resource_id: str) -> None:
        _, label, style = VERDICTS[verdict]
        super().__init__(
            discord.ui.Button(
                label=formatting.button_label(label),
                style=style,
                custom_id=formatting.custom_id("fb", verdict, source, resource_id),
            )
        )
        self.verdict = VERDICTS[verdict][0]
        self.source = SOURCES[source]
        self.resource_id = resource_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls(match["verdict"], match["source"], match["resource_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            if interaction.guild_id is None:
                raise errors.UserFacingError("Feedback counts per server: vote in the server.")
            service = access.service(interaction)
            await replies.defer(interaction, ephemeral=True)
            user, guild = interaction.user.id, interaction.guild_id
            with access.user_errors():
                before = await service.feedback(guild, self.resource_id, user_id=user)
                chosen = None if before.mine == self.verdict else self.verdict
                counts = await service.vote(
                    guild, user, self.resource_id, chosen, source=self.source
                )
            resource = service.club_resource(guild, self.resource_id)
            title = resource.title if resource is not None else self.resource_id
            await replies.send(interaction, vote_text(title, chosen, counts), ephemeral=True)
        except Exception as exc:
            await errors.report(interaction, exc, where=f"button {self.custom_id}")


def feedback_buttons(resource_id: str, source: str) -> list[FeedbackButton]:
    """ "Useful" then "Not for us" for a resource posted as `source` ("daily" or "club")."""
    short = next(k for k, v in SOURCES.items() if v == source)
    return [FeedbackButton(verdict, short, resource_id) for verdict in VERDICTS]

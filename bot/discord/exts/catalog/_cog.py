"""/catalog review|add|remove|list|export|clear: a server's moderators curate its own catalog.

Only members with Manage Server see the group (default_permissions), and every subcommand
and every control checks it again when it runs, since server admins can override command
visibility. Everything answers privately: a moderation queue is not a channel's business.
"""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import access, replies
from bot.discord.errors import UserFacingError
from bot.discord.exts.catalog import _embeds
from bot.discord.exts.catalog._adding import add_from_command
from bot.discord.exts.catalog._clearing import QUESTION, ClearView
from bot.discord.exts.catalog._listing import AdditionsView, load
from bot.discord.exts.catalog._moderator import require_moderator
from bot.discord.exts.catalog._review import ReviewView, load_page
from bot.discord.exts.catalog._topics import split_topics, topics_autocomplete_choices
from bot.discord.suggestions import known_name, member_label
from bot.service import LEVELS
from bot.service.catalog_answers import AdditionsPage, ReviewPage

LEVEL_CHOICES = [app_commands.Choice(name=level, value=level) for level in LEVELS]
EXPORT_LIMIT_BYTES = 8 * 1024 * 1024
"""Discord's smallest attachment limit (a server without boosts)."""


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class CatalogCog(
    commands.GroupCog,
    group_name="catalog",
    group_description="This server's own reading: review suggestions, add, remove, export.",
):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="review", description="Review the members' suggestions.")
    async def review(self, interaction: discord.Interaction) -> None:
        guild_id = require_moderator(interaction)
        page: ReviewPage = await replies.in_time(
            interaction, load_page(interaction, guild_id, 0), ephemeral=True
        )
        if not page.cards:
            await replies.send(
                interaction,
                f"{_embeds.EMPTY_QUEUE}\n{_embeds.EMPTY_QUEUE_HINT}",
                ephemeral=True,
            )
            return
        guild = interaction.guild
        client = interaction.client

        def names(member_id: int | None) -> str:
            return member_label(member_id, known_name(client, guild, member_id))

        view = ReviewView(interaction.user.id, guild_id, page, names)
        await replies.send(interaction, embed=view.embed(), view=view, ephemeral=True)

    @app_commands.command(name="add", description="Add reading to this server's catalog.")
    @app_commands.describe(
        link="An arXiv id or link, a DOI, or any http(s) link (leave out to type the details)",
        level="Its level (default: the classifier's guess)",
        topics="Topics, comma-separated (default: the classifier's guess)",
    )
    @app_commands.choices(level=LEVEL_CHOICES)
    async def add(
        self,
        interaction: discord.Interaction,
        link: str | None = None,
        level: app_commands.Choice[str] | None = None,
        topics: str | None = None,
    ) -> None:
        require_moderator(interaction)
        await add_from_command(
            interaction, link, level.value if level else None, split_topics(topics)
        )

    @add.autocomplete("topics")
    async def topics_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return topics_autocomplete_choices(current)

    @app_commands.command(
        name="remove", description="Take a resource out of this server's catalog."
    )
    @app_commands.describe(resource="One of this server's additions (pick it from the list)")
    async def remove(self, interaction: discord.Interaction, resource: str) -> None:
        guild_id = require_moderator(interaction)
        service = access.service(interaction)
        with access.user_errors(suggestion="Pick one of this server's additions from the list."):
            removed = await service.remove_from_catalog(guild_id, resource)
        await replies.send(interaction, _embeds.removed_text(removed), ephemeral=True)

    @remove.autocomplete("resource")
    async def remove_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None or not interaction.permissions.manage_guild:
            return []
        service = access.service(interaction)
        found = await service.addition_choices(interaction.guild_id, current)
        return access.choices(found)

    @app_commands.command(name="list", description="What this server added to its catalog.")
    async def list_(self, interaction: discord.Interaction) -> None:
        guild_id = require_moderator(interaction)
        page: AdditionsPage = await replies.in_time(
            interaction, load(interaction, guild_id, 0), ephemeral=True
        )
        if not page.resources:
            raise UserFacingError(_embeds.NO_ADDITIONS, suggestion=_embeds.NO_ADDITIONS_HINT)
        view = AdditionsView(interaction.user.id, guild_id, page)
        await replies.send(interaction, embed=view.embed(), view=view, ephemeral=True)

    @app_commands.command(name="export", description="This server's additions as catalog YAML.")
    async def export(self, interaction: discord.Interaction) -> None:
        guild_id = require_moderator(interaction)
        service = access.service(interaction)
        text: str = await replies.in_time(
            interaction, service.export_additions(guild_id), ephemeral=True
        )
        if not text.strip():
            raise UserFacingError(_embeds.NO_ADDITIONS, suggestion=_embeds.NO_ADDITIONS_HINT)
        data = text.encode("utf-8")
        if len(data) > EXPORT_LIMIT_BYTES:
            raise UserFacingError(
                "This server's additions are too many to attach in one file.",
                suggestion="The host can export them with the deepread command line.",
            )
        name = f"deepread-server-{guild_id}.yaml"
        await replies.send(
            interaction,
            "This server's additions, in the catalog's YAML format: ready to propose for the "
            "shipped catalog.",
            file=discord.File(io.BytesIO(data), filename=name),
            ephemeral=True,
        )

    @app_commands.command(name="clear", description="Delete this server's whole catalog.")
    async def clear(self, interaction: discord.Interaction) -> None:
        guild_id = require_moderator(interaction)
        view = ClearView(interaction.user.id, guild_id)
        await replies.send(interaction, QUESTION, view=view, ephemeral=True)


__all__ = ["CatalogCog"]

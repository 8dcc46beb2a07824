"""The details a moderator types when a link's could not be fetched: one set of fields for the
`/catalog add` form and the review card's Approve form, read by one rule."""

from __future__ import annotations

from typing import Any

import discord

from bot.discord import formatting
from bot.discord.modals import ReportingModal


class DetailsFields(ReportingModal):
    """Title, authors, year and description; a subclass adds what its own form needs (discord.py
    collects the fields of every class in the form's MRO, these first)."""

    name: discord.ui.TextInput[DetailsFields] = discord.ui.TextInput(
        label="Title", custom_id="title", max_length=300
    )
    authors: discord.ui.TextInput[DetailsFields] = discord.ui.TextInput(
        label="Authors (comma-separated, optional)",
        custom_id="authors",
        required=False,
        max_length=1000,
    )
    year: discord.ui.TextInput[DetailsFields] = discord.ui.TextInput(
        label="Year (optional)", custom_id="year", required=False, max_length=4
    )
    description: discord.ui.TextInput[DetailsFields] = discord.ui.TextInput(
        label="Description (optional)",
        style=discord.TextStyle.paragraph,
        custom_id="description",
        required=False,
        max_length=2000,
    )

    def say_not_fetched(self, problem: str) -> None:
        """The only place a form can say why it opened: the title's placeholder."""
        if problem:
            self.name.placeholder = formatting.truncate(f"Not fetched: {problem}", 100)

    def typed(self) -> dict[str, Any]:
        """What was typed, whitespace tidied; authors and year are read by the service, by the
        same rules as everywhere else."""
        return {
            "title": " ".join(str(self.name.value).split()),
            "authors": str(self.authors.value or ""),
            "year": str(self.year.value or "").strip() or None,
            "description": " ".join(str(self.description.value or "").split()) or None,
        }

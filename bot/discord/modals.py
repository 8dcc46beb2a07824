"""The base of deepread's modals: a failure in a form is reported like any other.

discord.py only logs an exception raised in a modal's `on_submit`, and the member would see
Discord's "Something went wrong"; here it reaches `errors.report` (a friendly line for a
`UserFacingError`, an apology with an error id for ours), as commands and views do.
"""

from __future__ import annotations

import discord

from bot.discord import errors


class ReportingModal(discord.ui.Modal):
    async def on_error(  # type: ignore[override]  # discord.py's Modal narrows BaseView's
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await errors.report(interaction, error, where=f"modal {type(self).__name__}")

"""The base of deepread's modals (forms): failures reported like any other, and a form that
nobody listens to any more answered politely.

discord.py only logs an exception raised in a modal's `on_submit`, and the member would see
Discord's "Something went wrong"; here it reaches `errors.report` (a friendly line for a
`UserFacingError`, an apology with an error id for ours), as commands and views do.

A form lives in the memory of the process that opened it. Submitted after a restart, or
after its timeout, it reaches no modal: discord.py drops it and the member sees Discord's
generic error, and loses what they typed. So every open form is known here by its custom id
(`deepread:…`) and the client that opened it (`open_form`), and `expired` answers a
submission no live form of this client takes, with what was typed, to paste back.
"""

from __future__ import annotations

import weakref
from typing import Any, ClassVar

import discord

from bot.discord import callback, errors


class ReportingModal(discord.ui.Modal):
    _open: ClassVar[weakref.WeakValueDictionary[str, ReportingModal]] = (
        weakref.WeakValueDictionary()
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.client: discord.Client | None = None
        # Known from the start, so a form shown without `open_form` is never taken for an
        # expired one (it then only lacks the check of which client opened it).
        ReportingModal._open[self.custom_id] = self

    async def open_form(self, interaction: discord.Interaction) -> None:
        """Show this form in answer to `interaction`, remembered as this client's."""
        self.client = interaction.client
        await callback.response(interaction).send_modal(self)

    @classmethod
    def takes(cls, interaction: discord.Interaction[Any], custom_id: str) -> bool:
        """Whether a form this client opened, still open, receives this submission
        (discord.py offers it to the form before the `on_interaction` listeners run, and the
        form finishes only once its `on_submit` returned)."""
        form = cls._open.get(custom_id)
        if form is None or form.is_finished():
            return False
        return form.client is None or form.client is interaction.client

    async def on_error(  # type: ignore[override]  # discord.py's Modal narrows BaseView's
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await errors.report(interaction, error, where=f"modal {type(self).__name__}")

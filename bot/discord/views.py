"""Base view for interactive replies: only the invoker may press, and it ages gracefully.

A study group shares channels, so a button on Alice's /recommend reply must not act for Bob;
Bob gets a polite ephemeral refusal instead. When the view times out its components are
disabled in place (the message is edited), so nobody clicks a button that no longer answers.

Every item gets a custom id `deepread:v:{command}:{name}:{token}`, the token naming its view.
That is what lets `expired` answer a click no view will handle (an old list after a restart)
using only public means: `InvokerView.answers` tells whether a live view of this client owns
the clicked id, or has already taken the click.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import weakref
from typing import Any, ClassVar, Self

import discord
from discord.ui.select import BaseSelect

from bot.discord import callback, errors, formatting
from bot.discord.paced_edits import PacedEdits

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 180.0
TOKEN_LIFETIME_S = 15 * 60.0
"""How long Discord lets an interaction's token edit its message."""


# Key in `Interaction.extras`: set when an InvokerView took the interaction.
TAKEN = "deepread.view"


class InvokerView(discord.ui.View):
    # Every view by its token while it is in memory (weakly: discord.py's store holds the
    # live ones), so a click's custom id leads back to its view.
    _by_token: ClassVar[weakref.WeakValueDictionary[str, InvokerView]] = (
        weakref.WeakValueDictionary()
    )

    def __init__(
        self, owner_id: int, *, timeout: float | None = DEFAULT_TIMEOUT_S, command: str = ""
    ) -> None:
        self.command = command
        self._token = secrets.token_hex(6)
        self._count = 0
        super().__init__(timeout=timeout)
        for item in self.children:  # the decorated ones (later ones come through add_item)
            self._claim(item)
        self.owner_id = owner_id
        # Set by `replies.send` once the message exists; needed to disable items on timeout.
        self.message: discord.Message | None = None
        self.client: discord.Client | None = None
        InvokerView._by_token[self._token] = self

    @classmethod
    def answers(cls, interaction: discord.Interaction[Any], custom_id: str) -> bool:
        """Whether a view of ours takes (or took) this click on `custom_id`.

        Two public facts, so the answer does not depend on the order in which discord.py runs
        the view's callback and the `on_interaction` listeners: the view marks every
        interaction it takes in `interaction_check` (which discord.py runs before any item
        callback), and a view that has not finished (`is_finished`: not stopped, not timed
        out) and belongs to this client still owns the item. A view that stops itself in its
        callback has marked the click first; one of a client closed since (a restart in the
        same process) belongs to another client.
        """
        if interaction.extras.get(TAKEN):
            return True
        view = cls._by_token.get(custom_id.rsplit(":", 1)[-1])
        if view is None or view.is_finished():
            return False
        if view.client is not None and view.client is not interaction.client:
            return False
        return any(getattr(item, "custom_id", None) == custom_id for item in view.walk_children())

    def item_id(self, name: str) -> str:
        """`deepread:v:{command}:{name}:{token}`: ours (a click on it after the view is gone
        gets a polite "expired", see `expired`), naming the command to run again."""
        return formatting.custom_id("v", self.command or "-", name, self._token)

    def add_item(self, item: discord.ui.Item[Any]) -> Self:
        # Items without an id of their own get one of ours (discord.py's default is random
        # hex, which nothing could later recognise as deepread's).
        self._claim(item)
        return super().add_item(item)

    def _claim(self, item: discord.ui.Item[Any]) -> None:
        if isinstance(item, discord.ui.Button | BaseSelect) and not item.is_persistent():
            self._count += 1
            item.custom_id = self.item_id(str(self._count))

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        interaction.extras[TAKEN] = True  # answered here, one way or the other (see `answers`)
        if interaction.user.id == self.owner_id:
            return True
        await callback.response(interaction).send_message(
            f"These buttons belong to <@{self.owner_id}>'s command.\n"
            "-# Run the command yourself to get your own.",
            ephemeral=True,
        )
        return False

    def disable_all(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True

    def stop(self) -> None:
        super().stop()
        self._keep_dynamic_items_registered()

    def _keep_dynamic_items_registered(self) -> None:
        # When a view stops, discord.py's ViewStore.remove_view also unregisters every
        # DynamicItem class the view contains — globally, so the persistent buttons on every
        # older message would stop answering. Register them again.
        classes = {type(i) for i in self.walk_children() if isinstance(i, discord.ui.DynamicItem)}
        if classes and self.client is not None:
            self.client.add_dynamic_items(*classes)

    async def on_timeout(self) -> None:
        self._keep_dynamic_items_registered()
        self.disable_all()
        if self.message is None:
            return
        try:
            await self.message.edit(view=self)
        except discord.HTTPException:
            # Deleted message or expired interaction token: nothing left to tidy up.
            log.debug("could not disable the view on message %s", self.message.id)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await errors.report(interaction, error, where=f"view {type(self).__name__}")


class ListeningView(InvokerView):
    """An InvokerView discord.py finds by its custom ids alone (`Client.add_view`), not by the
    message it sits on, so that message can be sent and edited as ready-made callbacks
    (`callback`): discord.py then never has to create and parse the message to learn its id.

    discord.py's own timeout needs the view stored under its message, so this view keeps its
    own idle clock instead: `IDLE_S` after the last `listen` it stops (discord.py no longer
    dispatches it) and its message is edited with every control disabled, as an InvokerView's
    timeout does. Its custom ids carry the view's token, so listening by id alone never
    confuses two lists.
    """

    IDLE_S: ClassVar[float] = DEFAULT_TIMEOUT_S

    def __init__(self, owner_id: int, *, command: str = "") -> None:
        super().__init__(owner_id, timeout=None, command=command)
        self._clock: asyncio.TimerHandle | None = None
        self._listening: tuple[discord.ui.Item[Any], ...] = ()  # the items registered last
        # (application id, token, when): the last interaction that showed this view.
        self._shown_by: tuple[int, str, float] | None = None

    def listen(self, interaction: discord.Interaction[Any]) -> None:
        """Have discord.py dispatch clicks on the items the view has now (call again after
        changing them), remember `interaction` as the one that shows it, and restart the
        idle clock."""
        items = tuple(self.children)
        if items != self._listening or interaction.client is not self.client:
            # (discord.py's registration walks every item and diffs the last one: skipped
            # when a click only changed the items' options, as most do)
            interaction.client.add_view(self)
            self._listening = items
        self.client = interaction.client
        self._shown_by = (interaction.application_id, interaction.token, time.time())
        self.restart_clock()

    def restart_clock(self) -> None:
        if self._clock is not None:
            self._clock.cancel()
        self._clock = asyncio.get_running_loop().call_later(self.IDLE_S, self._expire)

    def stop(self) -> None:
        if self._clock is not None:
            self._clock.cancel()
            self._clock = None
        self._listening = ()
        super().stop()

    def _expire(self) -> None:
        """The idle clock ran out: stop now (a click is answered "expired" from here on), and
        show every control disabled when the bot's queue of such edits comes to it (see
        `paced_edits`: lists made in a burst expire in a burst, and their edits must not crowd out
        the answers members wait for)."""
        if self.is_finished():
            return
        self.stop()
        self.disable_all()
        edits = getattr(self.client, "expiry_edits", None)
        if isinstance(edits, PacedEdits):  # the bot's: it also holds the sender the edit needs
            edits.add(self.show_expired)

    async def show_expired(self) -> bool:
        """Edit the message to show every control disabled (while the last token can still
        edit it); whether a request went out."""
        sender = getattr(self.client, "callbacks", None)
        if self._shown_by is None or not isinstance(sender, callback.CallbackSender):
            return False
        if self.client is not None and self.client.is_closed():
            return False  # shutting down: the next start answers old lists as expired
        application_id, token, since = self._shown_by
        if time.time() - since > TOKEN_LIFETIME_S - 60:
            return False
        try:
            await sender.edit_original(application_id, token, callback.message_data(view=self))
        except (discord.HTTPException, OSError, TimeoutError):
            # A deleted message or a dead token: nothing left to tidy up.
            log.debug("could not disable an expired %s", type(self).__name__)
        return True

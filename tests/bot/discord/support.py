"""Test-only commands, registered by the tests (never shipped): they exercise the shared
infrastructure (errors, replies, views, persistent buttons) without needing the service."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import formatting, replies
from bot.discord.buttons import resource_buttons
from bot.discord.client import DeepreadBot
from bot.discord.errors import UserFacingError
from bot.discord.views import InvokerView


class PickView(InvokerView):
    @discord.ui.button(label="Pick", custom_id="test:pick")
    async def pick(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content=f"picked by {interaction.user.name}")

    @discord.ui.button(label="Break", custom_id="test:break")
    async def broken(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        raise RuntimeError("the view broke")


class StopView(InvokerView):
    """Stops itself first thing in its callback, then takes a while to answer: the order that
    would fool a judge looking only at which views are still live."""

    def __init__(self, owner_id: int, *, timeout: float) -> None:
        super().__init__(owner_id, timeout=timeout, command="stopper")

    @discord.ui.button(label="Done")
    async def done(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        self.stop()
        await asyncio.sleep(0.05)
        await interaction.response.edit_message(content="stopped")


class NoteModal(discord.ui.Modal, title="A note"):
    note: discord.ui.TextInput[NoteModal] = discord.ui.TextInput(label="Note", custom_id="note")

    def __init__(self) -> None:
        super().__init__(custom_id="test:note")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await replies.send(
            interaction, f"noted: {formatting.escape(self.note.value)}", ephemeral=True
        )


class TestingCog(commands.Cog):
    @app_commands.command(name="note", description="Opens a modal.")
    async def note(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(NoteModal())

    @app_commands.command(name="late", description="Answers after the deadline, without deferring.")
    async def late(self, interaction: discord.Interaction, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await replies.send(interaction, "too late")

    @app_commands.command(name="echo", description="Repeat text safely.")
    async def echo(self, interaction: discord.Interaction, text: str) -> None:
        await replies.send(interaction, formatting.escape(text))

    @app_commands.command(name="boom", description="Always fails.")
    async def boom(self, interaction: discord.Interaction) -> None:
        raise RuntimeError("kaboom: secret internals")

    @app_commands.command(name="oops", description="Fails the user's way.")
    async def oops(self, interaction: discord.Interaction) -> None:
        raise UserFacingError("Nothing matched that topic.", suggestion="Try a broader topic.")

    @app_commands.command(name="slow", description="Defers, then answers.")
    async def slow(self, interaction: discord.Interaction, seconds: float = 0.2) -> None:
        await replies.defer(interaction)
        await asyncio.sleep(seconds)
        await replies.send(interaction, f"done after {seconds} s")

    @app_commands.command(name="slowboom", description="Defers, then fails.")
    async def slowboom(self, interaction: discord.Interaction) -> None:
        await replies.defer(interaction)
        raise RuntimeError("late failure")

    @app_commands.command(name="pick", description="A view only the invoker may use.")
    async def pick(self, interaction: discord.Interaction, timeout: float = 60.0) -> None:
        await replies.send(
            interaction, "pick one", view=PickView(interaction.user.id, timeout=timeout)
        )

    @app_commands.command(name="stopper", description="A view that stops on its first click.")
    async def stopper(self, interaction: discord.Interaction, timeout: float = 60.0) -> None:
        await replies.send(
            interaction, "press once", view=StopView(interaction.user.id, timeout=timeout)
        )

    @app_commands.command(name="resource", description="A resource with persistent buttons.")
    async def resource(self, interaction: discord.Interaction, resource_id: str) -> None:
        view = discord.ui.View(timeout=None)
        for button in resource_buttons(resource_id):
            view.add_item(button)
        await replies.send(interaction, f"resource {resource_id}", view=view)

    @app_commands.command(name="pickres", description="Invoker view holding a persistent button.")
    async def pickres(
        self, interaction: discord.Interaction, resource_id: str, timeout: float
    ) -> None:
        view = PickView(interaction.user.id, timeout=timeout)
        view.add_item(resource_buttons(resource_id)[0])
        await replies.send(interaction, "pick or mark", view=view)

    @app_commands.command(name="topic", description="Autocomplete test.")
    async def topic(self, interaction: discord.Interaction, name: str) -> None:
        await replies.send(interaction, f"topic {name}")

    @topic.autocomplete("name")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        pairs = [(f"{current} topic {i} " + "x" * 120, f"t{i}") for i in range(40)]
        return formatting.choices(pairs)


async def add_testing_cog(bot: DeepreadBot) -> None:
    await bot.add_cog(TestingCog())

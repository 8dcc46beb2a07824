"""Pure pieces of the Discord layer, without a bot: errors, help, discovery, custom ids."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.discord import errors, expired, redaction
from bot.discord.buttons import ResourceButton, resource_buttons
from bot.discord.extensions import walk_extensions
from bot.discord.exts.help.content import ENTRIES, help_text, split_by_availability
from bot.discord.services import Services
from bot.discord.views import InvokerView


def test_user_facing_error_is_shown_with_its_suggestion_and_no_id() -> None:
    error = app_commands.CommandInvokeError.__new__(app_commands.CommandInvokeError)
    error.original = errors.UserFacingError("No such paper.", suggestion="Check the title.")
    assert errors.describe(error) == ("No such paper.\n-# Check the title.", None)


def test_unexpected_error_gets_an_8_hex_id_and_no_details() -> None:
    text, error_id = errors.describe(RuntimeError("db password is hunter2"))
    assert error_id is not None and re.fullmatch(r"[0-9a-f]{8}", error_id)
    assert error_id in text and "hunter2" not in text


def test_error_ids_are_unique_enough() -> None:
    assert len({errors.new_error_id() for _ in range(200)}) == 200


def test_redaction_hides_the_token_in_messages_args_and_tracebacks() -> None:
    token = "MTIz.secret.token-value"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        redaction.install(token, logger)
        logger.warning("token is %s", token)
        logger.warning(f"inline {token}")
        try:
            raise RuntimeError(f"bad {token}")
        except RuntimeError:
            logger.exception("failed")
        logger.warning("%s %s", "malformed")  # a broken call must not crash the caller
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert token not in output
    assert output.count(redaction.REDACTED) == 3
    assert "RuntimeError" in output


def test_help_lists_only_registered_commands_as_available() -> None:
    available, coming = split_by_availability(["help", "recommend"])
    assert [e.name for e in available] == ["recommend", "help"]
    assert {e.name for e in coming} == {e.name for e in ENTRIES} - {"help", "recommend"}
    assert "Coming soon" not in help_text([e.name for e in ENTRIES])


def test_features_are_discovered_from_packages() -> None:
    assert "bot.discord.exts.help" in walk_extensions()


def test_resource_buttons_carry_action_and_id() -> None:
    mark, save = resource_buttons("deep-learning-book")
    assert mark.custom_id == "deepread:mark:deep-learning-book"
    assert save.custom_id == "deepread:save:deep-learning-book"
    assert ResourceButton.__discord_ui_compiled_template__.fullmatch("deepread:mark:Bad_Id") is None


async def test_services_close_components_and_survive_failures() -> None:
    closed: list[str] = []

    class Service:
        async def aclose(self) -> None:
            closed.append("service")
            raise OSError("already closed")

    await Services(service=Service()).aclose()  # type: ignore[arg-type]
    assert closed == ["service"]


@pytest.mark.parametrize("name", [e.name for e in ENTRIES])
def test_help_entries_are_valid_command_names(name: str) -> None:
    assert re.fullmatch(r"[a-z]{1,32}", name)


def test_expired_note_names_the_command_to_run_again() -> None:
    assert expired.command_of("deepread:v:recommend:more:0a1b2c3d4e5f") == "recommend"
    assert expired.command_of("deepread:v:-:1:0a1b2c3d4e5f") is None
    assert expired.command_of("deepread:mark:some-id") is None
    assert "/recommend again" in expired.expired_text("recommend")
    assert expired.expired_text("recommend").startswith("This list has expired")
    assert "/forgetme again" in expired.expired_text("forgetme")
    assert "/" not in expired.expired_text(None)


def test_persistent_buttons_are_never_judged_expired() -> None:
    for button in resource_buttons("some-id"):
        assert not button.custom_id.startswith(expired.PREFIX)
        assert button.template.fullmatch(f"{expired.PREFIX}recommend:more:0a1b2c3d4e5f") is None


async def test_invoker_view_items_get_ids_naming_their_command() -> None:
    # async: discord.py before 2.7 builds a view only inside a running event loop.
    class Confirm(InvokerView):
        @discord.ui.button(label="Yes")
        async def yes(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
            """Never pressed here."""

    view = Confirm(1, command="forgetme")
    view.add_item(discord.ui.Button(label="No"))
    view.add_item(discord.ui.Button(label="Mine", custom_id="test:mine"))
    ids = [item.custom_id for item in view.children if isinstance(item, discord.ui.Button)]
    assert [expired.command_of(i) for i in ids[:2]] == ["forgetme", "forgetme"]
    assert len(set(ids)) == 3 and ids[2] == "test:mine"
    assert all(len(i) <= 100 for i in ids)

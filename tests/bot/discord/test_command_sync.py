"""Comparing local command definitions with Discord's registrations, without a bot."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bot.discord.command_sync import differences

# What discord.py sends for a guild-only command with options...
LOCAL: dict[str, Any] = {
    "name": "daily",
    "description": "A reading suggestion every day.",
    "type": 1,
    "options": [
        {
            "type": 7,
            "name": "channel",
            "description": "Text channel for the posts",
            "required": True,
            "channel_types": [0, 5],
        },
        {
            "type": 3,
            "name": "level",
            "description": "Only this level",
            "required": False,
            "choices": [{"name": "beginner", "value": "beginner"}],
        },
        {"type": 10, "name": "hours", "description": "How often", "min_value": 1, "max_value": 24},
    ],
    "nsfw": False,
    "dm_permission": False,
    "default_member_permissions": 32,
    "contexts": [0],
    "integration_types": None,
}
PLAIN: dict[str, Any] = {
    "name": "help",
    "description": "What deepread does.",
    "type": 1,
    "options": [],
    "nsfw": False,
    "dm_permission": True,
    "default_member_permissions": None,
    "contexts": None,
    "integration_types": None,
}

# ...and what Discord answers after storing them: ids, its defaults, its own shapes.
REGISTERED: dict[str, Any] = {
    "id": "1",
    "application_id": "2",
    "version": "3",
    "name": "daily",
    "description": "A reading suggestion every day.",
    "type": 1,
    "options": [
        {
            "type": 7,
            "name": "channel",
            "description": "Text channel for the posts",
            "required": True,
            "channel_types": [5, 0],
        },
        {
            "type": 3,
            "name": "level",
            "description": "Only this level",
            "choices": [{"name": "beginner", "value": "beginner"}],
        },
        {
            "type": 10,
            "name": "hours",
            "description": "How often",
            "min_value": 1.0,
            "max_value": 24,
        },
    ],
    "default_member_permissions": "32",
    "dm_permission": False,
    "contexts": [0],
    "integration_types": [0, 1],
    "nsfw": False,
}
PLAIN_REGISTERED: dict[str, Any] = {
    "id": "4",
    "application_id": "2",
    "version": "5",
    "name": "help",
    "description": "What deepread does.",
    "type": 1,
    "default_member_permissions": None,
    "dm_permission": None,
    "contexts": [0, 1, 2],
    "integration_types": [0, 1],
}


def changed(local: list[dict[str, Any]], registered: list[dict[str, Any]]) -> list[str]:
    return differences(local, registered, is_global=True)


def test_discords_shape_of_the_same_commands_is_no_difference() -> None:
    assert changed([LOCAL, PLAIN], [PLAIN_REGISTERED, REGISTERED]) == []
    assert differences([LOCAL, PLAIN], [REGISTERED, PLAIN_REGISTERED], is_global=False) == []


def test_missing_and_extra_commands() -> None:
    assert changed([LOCAL, PLAIN], [REGISTERED]) == ["help"]
    assert changed([LOCAL], [REGISTERED, PLAIN_REGISTERED]) == ["help"]
    assert changed([LOCAL, PLAIN], []) == ["daily", "help"]
    # A user command may share a slash command's name: they are different commands.
    user_help = {**PLAIN, "type": 2, "description": ""}
    assert changed([LOCAL, PLAIN, user_help], [REGISTERED, PLAIN_REGISTERED]) == ["help"]


def edited(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """REGISTERED with one value changed (`path` into nested dicts and lists)."""
    out = copy.deepcopy(REGISTERED)
    target: Any = out
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return out


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("description",), "Something else."),
        (("default_member_permissions",), None),
        (("default_member_permissions",), "8"),
        (("nsfw",), True),
        (("contexts",), [0, 1, 2]),
        (("options", 0, "required"), False),
        (("options", 0, "channel_types"), [0]),
        (("options", 0, "description"), "Another channel"),
        (("options", 1, "choices"), [{"name": "beginner", "value": "easy"}]),
        (("options", 1, "autocomplete"), True),
        (("options", 2, "max_value"), 12),
        (("options", 2, "type"), 4),
        (("options",), []),
    ],
)
def test_what_users_see_or_discord_enforces_is_compared(path: tuple[Any, ...], value: Any) -> None:
    assert changed([LOCAL], [edited(path, value)]) == ["daily"]


def test_option_order_matters_command_order_does_not() -> None:
    swapped = copy.deepcopy(REGISTERED)
    swapped["options"].reverse()
    assert changed([LOCAL], [swapped]) == ["daily"]
    assert changed([PLAIN, LOCAL], [REGISTERED, PLAIN_REGISTERED]) == []


def test_unset_contexts_and_installs_accept_discords_defaults() -> None:
    for contexts, installs in (([0], [0]), ([0, 1, 2], [1]), (None, None)):
        other = {**PLAIN_REGISTERED, "contexts": contexts, "integration_types": installs}
        assert changed([PLAIN], [other]) == []
    # Set locally, they must match; so must dm_permission when contexts are unset.
    pinned = {**PLAIN, "integration_types": [0]}
    assert changed([pinned], [PLAIN_REGISTERED]) == ["help"]
    assert changed([PLAIN], [{**PLAIN_REGISTERED, "dm_permission": False}]) == ["help"]


def test_guild_commands_ignore_what_applies_to_global_ones_only() -> None:
    guild_copy = {**REGISTERED, "contexts": None, "integration_types": None, "dm_permission": True}
    assert differences([LOCAL], [guild_copy], is_global=False) == []
    assert changed([LOCAL], [{**REGISTERED, "dm_permission": True}]) == []  # contexts rule
    assert changed([LOCAL], [{**REGISTERED, "contexts": None}]) == ["daily"]

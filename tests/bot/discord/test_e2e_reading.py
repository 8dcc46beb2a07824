"""/read, /save, /readinglist, /export, /progress, /forgetme end to end: real client, real
Engine and catalog, real Service over a temporary SQLite file (one bot for the module)."""

from __future__ import annotations

import json

import pytest

from tests.bot.discord.commands_support import (
    HOSTILE,
    answer,
    assert_no_mentions_anywhere,
    component,
    stored,
    text_of,
)
from tests.bot.discord.real_services import real_catalog, real_services
from tests.fake_discord.harness import DiscordEnv

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

discord_services = real_services
RNN_BLOG = "the-unreasonable-effectiveness-of-recurrent-neural-networks"
LSTM = "understanding-lstm-networks"
DROPOUT = "dropout-a-simple-way-to-prevent-neural-networks-from-overfitting"


async def entries(env: DiscordEnv, who: str) -> dict[str, str]:
    assert env.bot is not None
    uid = int(env.fake.make_user(who)["id"])
    return {e.resource_id: e.status for e in await env.bot.services.service.entries(uid)}


async def mark(env: DiscordEnv, command: str, resource: str, who: str) -> dict:
    data, private = await answer(
        env, await env.send_command(command, {"resource": resource}, user=who)
    )
    assert private
    return data


# --- /read and /save --------------------------------------------------------------------------


async def test_read_and_save_by_autocompleted_id(discord_env: DiscordEnv) -> None:
    data = await mark(discord_env, "read", RNN_BLOG, "ana")
    assert "as done" in data["content"] and "Unreasonable" in data["content"]
    data = await mark(discord_env, "save", LSTM, "ana")
    assert "as saved" in data["content"]
    again = await mark(discord_env, "save", LSTM, "ana")
    assert "already saved" in again["content"]
    assert await entries(discord_env, "ana") == {RNN_BLOG: "done", LSTM: "saved"}


async def test_resource_autocomplete_names_titles_and_values_ids(discord_env: DiscordEnv) -> None:
    for command in ("read", "save"):
        record = await discord_env.autocomplete(command, {"resource": "lstm"}, focused="resource")
        choices = (await discord_env.wait_for_callback(record))["data"]["choices"]
        assert 1 <= len(choices) <= 25
        assert all(real_catalog().by_id(c["value"]) is not None for c in choices)
        assert all(len(c["name"]) <= 100 for c in choices)
        assert any(c["value"] == LSTM for c in choices)
    long = await discord_env.autocomplete("read", {"resource": "x" * 6000}, focused="resource")
    assert (await discord_env.wait_for_callback(long))["type"] == 8


async def test_typed_titles_resolve_fuzzily_or_ask_did_you_mean(discord_env: DiscordEnv) -> None:
    data = await mark(discord_env, "read", "understanding lstm netwroks", "ben")
    assert "as done" in data["content"]
    assert await entries(discord_env, "ben") == {LSTM: "done"}
    data = await mark(discord_env, "save", "neural", "ben")
    assert "Did you mean" in data["content"] and "`" in data["content"]
    data = await mark(discord_env, "save", "qwzx plmokn", "ben")
    assert "couldn't find" in data["content"] and "/recommend" in data["content"]
    assert await entries(discord_env, "ben") == {LSTM: "done"}


@pytest.mark.parametrize("text", HOSTILE)
async def test_read_hostile_input_writes_nothing(discord_env: DiscordEnv, text: str) -> None:
    data = await mark(discord_env, "read", text, "mallory")
    assert "went wrong" not in text_of(data)
    assert await entries(discord_env, "mallory") == {}


# --- /readinglist -----------------------------------------------------------------------------


async def test_empty_reading_list_is_a_friendly_hint(discord_env: DiscordEnv) -> None:
    data, private = await answer(
        discord_env, await discord_env.send_command("readinglist", user="cy")
    )
    assert private and "empty" in data["content"] and "/recommend" in data["content"]


async def test_reading_list_pages_with_buttons_for_its_owner_only(
    discord_env: DiscordEnv,
) -> None:
    ids = [r.id for r in real_catalog()][:23]
    for rid in ids:
        await mark(discord_env, "save", rid, "dee")
    record = await discord_env.send_command("readinglist", user="dee")
    data, private = await answer(discord_env, record)
    assert private
    embed = data["embeds"][0]
    assert embed["footer"]["text"].startswith("Page 1/3 · 23 resources")
    assert len(embed["description"].splitlines()) == 10
    assert component(data, "◀").get("disabled") is True
    message = stored(discord_env, record)
    seen = set(embed["description"].splitlines())
    for page in (2, 3):
        click = await discord_env.click(
            component(message, "Next")["custom_id"], message=message, user="dee"
        )
        body = await discord_env.wait_for_callback(click)
        assert body["type"] == 7
        page_embed = body["data"]["embeds"][0]
        assert page_embed["footer"]["text"].startswith(f"Page {page}/3")
        seen |= set(page_embed["description"].splitlines())
        message = stored(discord_env, click)
    assert len(seen) == 23
    assert component(message, "Next").get("disabled") is True
    back = await discord_env.click(
        component(message, "◀")["custom_id"], message=message, user="dee"
    )
    assert (await discord_env.wait_for_callback(back))["data"]["embeds"][0]["footer"][
        "text"
    ].startswith("Page 2/3")
    other = await discord_env.click(
        component(message, "◀")["custom_id"], message=message, user="eve"
    )
    reply, private = await answer(discord_env, other)
    assert private and "belong to" in reply["content"]


# --- /export ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "ext"), [("markdown", "md"), ("bibtex", "bib"), ("csv", "csv"), ("json", "json")]
)
async def test_export_sends_an_ephemeral_file(discord_env: DiscordEnv, fmt: str, ext: str) -> None:
    await mark(discord_env, "read", DROPOUT, "fay")
    record = await discord_env.send_command("export", {"format": fmt}, user="fay")
    data, private = await answer(discord_env, record)
    assert private and data["attachments"][0]["filename"] == f"deepread-reading-list.{ext}"
    (upload,) = [r for r in discord_env.fake.requests_for(record) if r.files]
    assert discord_env.bot is not None
    uid = int(discord_env.fake.make_user("fay")["id"])
    text = await discord_env.bot.services.service.export(uid, fmt)
    assert upload.files == [f"deepread-reading-list.{ext}:{len(text.encode())}"]
    if fmt == "json":
        assert DROPOUT in text and json.loads(text)


async def test_export_of_nothing_says_so(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("export", {"format": "csv"}, user="gus")
    data, private = await answer(discord_env, record)
    assert private and "empty" in data["content"] and not data.get("attachments")


# --- /progress --------------------------------------------------------------------------------


async def test_progress_is_ephemeral_with_bars_streak_and_recent(discord_env: DiscordEnv) -> None:
    for rid in (RNN_BLOG, LSTM):
        await mark(discord_env, "read", rid, "hal")
    await mark(discord_env, "save", DROPOUT, "hal")
    data, private = await answer(
        discord_env, await discord_env.send_command("progress", user="hal")
    )
    assert private
    (embed,) = data["embeds"]
    assert "**2** read" in embed["description"] and "1 saved" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "█" in fields["By topic"] and "Recurrent networks" in fields["By topic"]
    assert "beginner" in fields["By level"] and "░" in fields["By level"]
    assert fields["Streak"].startswith("🔥 1 day")
    assert "Understanding LSTM" in fields["Recent"]


async def test_progress_public_and_empty(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("progress", {"public": True}, user="ivy")
    data, private = await answer(discord_env, record)
    assert not private
    assert "**0** read" in data["embeds"][0]["description"]
    assert "Nothing finished yet" in text_of(data)


# --- /forgetme --------------------------------------------------------------------------------


async def test_forgetme_asks_then_deletes_everything(discord_env: DiscordEnv) -> None:
    await mark(discord_env, "save", LSTM, "jo")
    record = await discord_env.send_command("forgetme", user="jo")
    data, private = await answer(discord_env, record)
    assert private and "cannot be undone" in data["content"]
    message = stored(discord_env, record)
    intruder = await discord_env.click(
        component(data, "Delete")["custom_id"], message=message, user="kim"
    )
    reply, _ = await answer(discord_env, intruder)
    assert "belong to" in reply["content"]
    assert await entries(discord_env, "jo") == {LSTM: "saved"}
    click = await discord_env.click(
        component(data, "Delete")["custom_id"], message=message, user="jo"
    )
    edited = await discord_env.wait_for_followup(click)
    assert "deleted everything" in edited["content"] and "1 reading-list entry" in edited["content"]
    assert edited["components"] == []
    assert await entries(discord_env, "jo") == {}


async def test_forgetme_cancel_keeps_everything(discord_env: DiscordEnv) -> None:
    await mark(discord_env, "save", LSTM, "lee")
    record = await discord_env.send_command("forgetme", user="lee")
    data, _ = await answer(discord_env, record)
    click = await discord_env.click(
        component(data, "Cancel")["custom_id"], message=stored(discord_env, record), user="lee"
    )
    body = await discord_env.wait_for_callback(click)
    assert body["type"] == 7 and "nothing was deleted" in body["data"]["content"]
    assert await entries(discord_env, "lee") == {LSTM: "saved"}


async def test_forgetme_for_a_stranger(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("forgetme", user="max")
    data, _ = await answer(discord_env, record)
    click = await discord_env.click(
        component(data, "Delete")["custom_id"], message=stored(discord_env, record), user="max"
    )
    assert "nothing stored" in (await discord_env.wait_for_followup(click))["content"]


async def test_export_refuses_an_unknown_format(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("export", {"format": "docx"}, user="fay")
    data, private = await answer(discord_env, record)
    assert private and "went wrong" not in data["content"] and not data.get("attachments")


async def test_a_failing_service_gets_an_apology_and_the_bot_carries_on(
    discord_env: DiscordEnv, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    assert discord_env.bot is not None
    service = discord_env.bot.services.service

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(service, "reading_list", broken)
    data, private = await answer(discord_env, await discord_env.send_command("readinglist"))
    assert private and "went wrong on my side" in data["content"]
    assert "fire" not in data["content"]
    error_id = data["content"].split("`")[1]
    assert any(error_id in r.getMessage() for r in caplog.records)
    monkeypatch.undo()
    data, _ = await answer(discord_env, await discord_env.send_command("readinglist", user="ana"))
    assert data["embeds"]


async def test_no_component_or_message_could_ping(discord_env: DiscordEnv) -> None:
    assert_no_mentions_anywhere(discord_env)
    assert discord_env.fake.unhandled == []

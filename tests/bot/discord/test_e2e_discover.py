"""/recommend, /paper, /ask, /similar, /path end to end: real client, real Engine over the
real catalog, real Service over a temporary SQLite file (one bot for the module)."""

from __future__ import annotations

import asyncio
import itertools
import re
import time

import pytest

from bot.discord import limits
from tests.bot.discord.commands_support import (
    HOSTILE,
    answer,
    assert_no_mentions_anywhere,
    assert_within_limits,
    component,
    components,
    stored,
    text_of,
)
from tests.bot.discord.real_services import real_catalog, real_engine, real_services
from tests.fake_discord.harness import DiscordEnv
from tests.fake_discord.server import InteractionRecord

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

discord_services = real_services
RNN_BLOG = "the-unreasonable-effectiveness-of-recurrent-neural-networks"
DROPOUT = "dropout-a-simple-way-to-prevent-neural-networks-from-overfitting"


def listed_ids(data: dict) -> list[str]:
    """Resource ids of a /recommend page, from its "Mark as read" select."""
    return [o["value"] for o in component(data, "Mark as read")["options"]]


async def user_entries(env: DiscordEnv, who: str) -> dict[str, str]:
    assert env.bot is not None
    uid = int(env.fake.make_user(who)["id"])
    return {e.resource_id: e.status for e in await env.bot.services.service.entries(uid)}


# --- /recommend ------------------------------------------------------------------------------


async def test_recommend_lists_five_with_links_meta_and_why(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("recommend", {"topic": "rnn beginner"})
    data, private = await answer(discord_env, record)
    assert not private
    (embed,) = data["embeds"]
    assert "rnn beginner" in embed["title"]
    blocks = embed["description"].split("\n\n")
    assert len(blocks) == 5
    for block, rid in zip(blocks, listed_ids(data), strict=True):
        resource = real_catalog().by_id(rid)
        assert resource is not None
        if resource.url:  # linked title
            assert re.search(r"\[.+\]\(https?://\S+\)", block)
        assert re.search(r"-# \w+ · (beginner|intermediate|advanced)", block)  # kind · level
        assert "↳ " in block  # the why
    assert "beginner" in blocks[0]  # the level word typed in the topic works like the option
    assert len(listed_ids(data)) == 5
    placeholders = [c.get("placeholder") or c.get("label") for c in components(data)]
    assert placeholders == ["Mark as read…", "Save for later…", "Not for me…", "More"]


async def test_a_level_word_in_the_topic_works_like_the_option(discord_env: DiscordEnv) -> None:
    typed, _ = await answer(
        discord_env,
        await discord_env.send_command("recommend", {"topic": "rnn beginner"}, user="w1"),
    )
    chosen, _ = await answer(
        discord_env,
        await discord_env.send_command(
            "recommend", {"topic": "rnn", "level": "beginner"}, user="w2"
        ),
    )
    assert listed_ids(typed) == listed_ids(chosen)


async def test_recommend_level_and_kind_options_filter(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command(
        "recommend", {"topic": "neural networks", "level": "advanced", "kind": "paper"}
    )
    data, _ = await answer(discord_env, record)
    assert data["embeds"][0]["description"].count("-# paper · advanced") >= 3
    assert all("-# paper" in b for b in data["embeds"][0]["description"].split("\n\n"))


async def test_recommend_topic_autocomplete(discord_env: DiscordEnv) -> None:
    record = await discord_env.autocomplete("recommend", {"topic": "reinf"}, focused="topic")
    body = await discord_env.wait_for_callback(record)
    assert body["type"] == 8
    choices = body["data"]["choices"]
    assert choices[0]["value"] == "reinf"  # what is typed can be sent as it is
    assert any("einforcement" in c["name"] for c in choices)
    assert len(choices) <= limits.AUTOCOMPLETE_CHOICES
    empty = await discord_env.autocomplete("recommend", {"topic": ""}, focused="topic")
    assert len((await discord_env.wait_for_callback(empty))["data"]["choices"]) == 25


async def choose(
    env: DiscordEnv, record: InteractionRecord, placeholder: str, who: str, values: list[str]
) -> tuple[dict, str]:
    """Pick `values` in a select of the list as it stands now: (the list as edited, the line
    above it saying what was written). The click is answered by that one edit: no followup."""
    message = stored(env, record)
    select = component(message, placeholder)
    click = await env.click(select["custom_id"], message=message, user=who, values=values)
    kind = (await env.wait_for_callback(click))["type"]
    assert kind in (6, 7)  # the list itself is updated: in the callback, or after deferring
    if kind == 7:
        edited = env.fake.messages[int(message["id"])]
    else:
        edited = await env.wait_for_followup(click, count=1)
        assert click.results[0]["id"] == message["id"]
    await asyncio.sleep(0.05)  # a second request (a private followup) would have come by now
    assert len(click.followups) == (0 if kind == 7 else 1)
    assert_within_limits(edited)
    return edited, str(edited.get("content") or "")


def select_values(message: dict, placeholder: str) -> list[str]:
    found = [c for c in components(message) if (c.get("placeholder") or "") == placeholder]
    return [o["value"] for o in found[0]["options"]] if found else []


async def test_mark_as_read_select_excludes_it_next_time(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("recommend", {"topic": "rnn beginner"}, user="mia")
    data, _ = await answer(discord_env, record)
    first = listed_ids(data)[0]
    edited, reply = await choose(discord_env, record, "Mark as read", "mia", [first])
    assert "as done" in reply
    assert (await user_entries(discord_env, "mia"))[first] == "done"
    # The list shows it as read, and no select offers it any more.
    blocks = edited["embeds"][0]["description"].split("\n\n")
    assert blocks[0].startswith("✅ **1.**") and not any(b.startswith("✅") for b in blocks[1:])
    for placeholder in ("Mark as read…", "Save for later…", "Not for me…"):
        assert select_values(edited, placeholder) == listed_ids(data)[1:]
    assert stored(discord_env, record)["embeds"] == edited["embeds"]
    again, _ = await answer(
        discord_env,
        await discord_env.send_command("recommend", {"topic": "rnn beginner"}, user="mia"),
    )
    assert first not in listed_ids(again)


async def test_the_public_list_does_not_tell_an_earlier_status(discord_env: DiscordEnv) -> None:
    """The list is public: what a click wrote is said there, what the member had before is
    not (their reading list is theirs)."""
    record = await discord_env.send_command("recommend", {"topic": "rnn beginner"}, user="ola")
    data, _ = await answer(discord_env, record)
    first = listed_ids(data)[0]
    await choose(discord_env, record, "Save for later", "ola", [first])
    _, reply = await choose(discord_env, record, "Mark as read", "ola", [first])
    assert "as done" in reply and "was saved" not in reply and "(was" not in reply
    assert (await user_entries(discord_env, "ola"))[first] == "done"


async def test_a_double_click_is_answered_already_done_in_place(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("recommend", {"topic": "rnn beginner"}, user="dee")
    data, _ = await answer(discord_env, record)
    first = listed_ids(data)[0]
    before = stored(discord_env, record)  # the list as the member's client still shows it
    await choose(discord_env, record, "Mark as read", "dee", [first])
    select = component(before, "Mark as read")
    click = await discord_env.click(select["custom_id"], message=before, user="dee", values=[first])
    kind = (await discord_env.wait_for_callback(click))["type"]
    assert kind in (6, 7)  # the list answers, no refusal
    if kind == 6:
        await discord_env.wait_for_followup(click)
    line = str(stored(discord_env, record).get("content"))
    assert "was already done" in line and "on this list" not in line
    assert await user_entries(discord_env, "dee") == {first: "done"}


async def test_save_and_not_for_me_selects(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("recommend", {"topic": "lstm"}, user="noor")
    data, _ = await answer(discord_env, record)
    ids = listed_ids(data)
    edited, reply = await choose(discord_env, record, "Save for later", "noor", ids[:2])
    assert reply.count("as saved") == 2
    blocks = edited["embeds"][0]["description"].split("\n\n")
    assert [b[:1] for b in blocks] == ["🔖", "🔖", "*", "*", "*"]
    # Saved ones may still be read or dismissed, but not saved again.
    assert select_values(edited, "Save for later…") == ids[2:]
    assert select_values(edited, "Mark as read…") == ids
    edited, reply = await choose(discord_env, record, "Not for me", "noor", [ids[4]])
    assert "won't recommend it" in reply and "as saved" not in reply  # this click's lines
    last = edited["embeds"][0]["description"].split("\n\n")[4]
    assert last.startswith("~~**5.**") and last.endswith("~~ · not for you")
    assert "](" not in last  # struck through, details and link gone
    assert ids[4] not in select_values(edited, "Mark as read…")
    entries = await user_entries(discord_env, "noor")
    assert entries == {ids[0]: "saved", ids[1]: "saved", ids[4]: "dismissed"}
    # Everything still open read at once: that select and the save select go away.
    edited, _ = await choose(discord_env, record, "Mark as read", "noor", ids[:4])
    assert [c.get("placeholder") or c.get("label") for c in components(edited)] == ["More"]
    again, _ = await answer(
        discord_env, await discord_env.send_command("recommend", {"topic": "lstm"}, user="noor")
    )
    assert ids[4] not in listed_ids(again)


async def test_more_pages_further_in_place(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("recommend", {"topic": "rnn"}, user="omar")
    data, _ = await answer(discord_env, record)
    first_page = listed_ids(data)
    more = component(data, "More")
    click = await discord_env.click(
        more["custom_id"], message=stored(discord_env, record), user="omar"
    )
    # The list itself is edited: in the callback, or after a deferred update when slow.
    assert (await discord_env.wait_for_callback(click))["type"] in (6, 7)
    edited = await discord_env.reply(click)
    second_page = listed_ids(edited)
    assert len(second_page) == 5 and not set(second_page) & set(first_page)
    assert edited["embeds"][0]["description"].startswith("**6.**")


async def test_more_after_a_mark_drops_the_line_about_it(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("recommend", {"topic": "rnn"}, user="ola")
    data, _ = await answer(discord_env, record)
    edited, line = await choose(discord_env, record, "Mark as read", "ola", listed_ids(data)[:1])
    assert "as done" in line
    click = await discord_env.click(
        component(edited, "More")["custom_id"], message=stored(discord_env, record), user="ola"
    )
    await discord_env.reply(click)
    page = discord_env.fake.messages[int(edited["id"])]
    assert page["embeds"][0]["description"].startswith("**6.**")
    assert not page.get("content")  # the line spoke of the page before


async def test_more_runs_out_gracefully(discord_env: DiscordEnv) -> None:
    # Every book on a topic, in pages of 5, then nothing more: a topic whose last page is short.
    topic, total = next(
        (t, n)
        for t in ("deep learning", "neural networks", "machine learning", "learning")
        if (n := real_engine().recommend(t, kind="book", k=1000).total) > 5 and n % 5
    )
    record = await discord_env.send_command(
        "recommend", {"topic": topic, "kind": "book"}, user="pia"
    )
    data, _ = await answer(discord_env, record)
    seen = listed_ids(data)
    message = stored(discord_env, record)
    for _ in range(total // 5):
        click = await discord_env.click(
            component(message, "More")["custom_id"], message=message, user="pia"
        )
        edited = await discord_env.reply(click)
        seen += listed_ids(edited)
        message = stored(discord_env, click)
    assert len(seen) == len(set(seen)) == total
    assert component(message, "More").get("disabled") is True  # a short page: no More


async def test_more_after_the_last_page_says_so(discord_env: DiscordEnv) -> None:
    # 10 courses match "rnn": the second page is full, so More stays on and then runs out.
    record = await discord_env.send_command(
        "recommend", {"topic": "rnn", "kind": "course"}, user="pia"
    )
    await answer(discord_env, record)
    message = stored(discord_env, record)
    click = await discord_env.click(
        component(message, "More")["custom_id"], message=message, user="pia"
    )
    await discord_env.reply(click)
    message = stored(discord_env, click)
    click = await discord_env.click(
        component(message, "More")["custom_id"], message=message, user="pia"
    )
    edited = await discord_env.reply(click)
    assert component(edited, "More").get("disabled") is True
    in_callback = (await discord_env.wait_for_callback(click))["type"] == 7
    notice = await discord_env.wait_for_followup(click, count=1 if in_callback else 2)
    assert "That's all" in notice["content"] and notice["flags"] & 64


async def test_another_member_cannot_use_your_list(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("recommend", {"topic": "rnn"}, user="quinn")
    data, _ = await answer(discord_env, record)
    message = stored(discord_env, record)
    for target, values in (
        (component(data, "More"), None),
        (component(data, "Mark as read"), listed_ids(data)[:1]),
    ):
        click = await discord_env.click(
            target["custom_id"], message=message, user="rex", values=values
        )
        reply, private = await answer(discord_env, click)
        assert private and "belong to" in reply["content"]
    assert stored(discord_env, record) == message  # the list did not change
    assert await user_entries(discord_env, "rex") == {}
    assert await user_entries(discord_env, "quinn") == {}


@pytest.mark.parametrize("topic", HOSTILE)
async def test_recommend_hostile_topics_get_a_friendly_answer(
    discord_env: DiscordEnv, topic: str
) -> None:
    record = await discord_env.send_command("recommend", {"topic": topic}, user="mallory")
    data, private = await answer(discord_env, record)
    text = text_of(data)
    assert "went wrong" not in text
    if not topic.strip() or len(topic) > 300:
        assert private and "For example" in data["content"]
    assert "@everyone" not in text.replace("@\u200beveryone", "")
    assert "<@123456789012345678>" not in text or data.get("allowed_mentions") == {"parse": []}


async def test_recommend_nothing_found_is_ephemeral_with_a_tip(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("recommend", {"topic": "qwzx plmokn"})
    data, private = await answer(discord_env, record)
    assert private and "found nothing" in data["content"] and "Try" in data["content"]


@pytest.mark.parametrize(
    ("command", "option", "text"),
    [
        ("recommend", "topic", "sourdough bread recipe"),
        ("paper", "query", "tax law"),
        ("ask", "question", "how do I file my taxes"),
        ("path", "topic", "tax law"),
    ],
)
async def test_what_the_catalog_lacks_is_said_plainly(
    discord_env: DiscordEnv, command: str, option: str, text: str
) -> None:
    record = await discord_env.send_command(command, {option: text})
    data, private = await answer(discord_env, record)
    assert private and "nothing in the catalog on" in data["content"]
    assert "2025" in data["content"]  # what the catalog covers, so a gap reads as a gap


async def test_recommend_when_the_user_has_read_everything(discord_env: DiscordEnv) -> None:
    options = {"topic": "rnn", "kind": "video"}  # three videos in the catalog
    record = await discord_env.send_command("recommend", options, user="val")
    data, _ = await answer(discord_env, record)
    ids = listed_ids(data)
    select = component(data, "Mark as read")
    click = await discord_env.click(
        select["custom_id"], message=stored(discord_env, record), user="val", values=ids
    )
    await answer(discord_env, click)
    record = await discord_env.send_command("recommend", options, user="val")
    data, private = await answer(discord_env, record)
    assert private and "finished or dismissed everything" in data["content"]
    assert record.callback is not None
    if record.callback["type"] == 5:  # deferred publicly (a slow answer): placeholder withdrawn
        assert record.original_message_id not in discord_env.fake.messages


# --- /paper -----------------------------------------------------------------------------------


async def test_paper_card_with_summary_related_and_persistent_buttons(
    discord_env: DiscordEnv,
) -> None:
    record = await discord_env.send_command("paper", {"query": "dropout"}, user="sam")
    data, private = await answer(discord_env, record)
    assert not private
    (embed,) = data["embeds"]
    assert embed["title"].startswith("Dropout") and embed["url"].startswith("http")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "Srivastava" in fields["Authors"] and fields["Year"] == "2014"
    assert fields["Level"] in ("beginner", "intermediate", "advanced")
    assert fields["Related"].count("• [") == 3
    assert embed["description"]
    ids = [c["custom_id"] for c in components(data)]
    assert ids == [f"deepread:mark:{DROPOUT}", f"deepread:save:{DROPOUT}"]
    click = await discord_env.click(ids[0], message=stored(discord_env, record), user="sam")
    reply, private = await answer(discord_env, click)
    assert private and "as done" in reply["content"]
    assert (await user_entries(discord_env, "sam"))[DROPOUT] == "done"
    # Anyone may press a paper's buttons: they act for whoever presses them.
    other = await discord_env.click(ids[1], message=stored(discord_env, record), user="sid")
    reply, private = await answer(discord_env, other)
    assert private and "as saved" in reply["content"]
    assert await user_entries(discord_env, "sid") == {DROPOUT: "saved"}
    assert (await user_entries(discord_env, "sam"))[DROPOUT] == "done"


async def test_paper_buttons_survive_a_restart(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("paper", {"query": DROPOUT}, user="tess")
    await answer(discord_env, record)
    message = stored(discord_env, record)
    await discord_env.restart_bot()
    click = await discord_env.click(f"deepread:save:{DROPOUT}", message=message, user="tess")
    reply, _ = await answer(discord_env, click)
    assert "as saved" in reply["content"]
    assert (await user_entries(discord_env, "tess"))[DROPOUT] == "saved"


async def test_an_old_list_after_a_restart_says_it_expired(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("recommend", {"topic": "rnn"}, user="eve")
    await answer(discord_env, record)
    old = stored(discord_env, record)
    await discord_env.restart_bot()
    for target, values in (
        (component(old, "More"), None),
        (component(old, "Mark as read"), [listed_ids(old)[0]]),
    ):
        click = await discord_env.click(target["custom_id"], message=old, user="eve", values=values)
        reply, private = await answer(discord_env, click)
        assert private and "expired" in reply["content"] and "/recommend" in reply["content"]
    assert await user_entries(discord_env, "eve") == {}
    # A live list is answered by its view only: one callback, no "expired".
    record = await discord_env.send_command("recommend", {"topic": "rnn"}, user="eve")
    await answer(discord_env, record)
    live = stored(discord_env, record)
    click = await discord_env.click(component(live, "More")["custom_id"], message=live, user="eve")
    assert (await discord_env.wait_for_callback(click))["type"] in (6, 7)
    await discord_env.reply(click)
    await asyncio.sleep(0.2)  # room for a second answer, were there one
    callbacks = [r for r in discord_env.fake.requests if r.path.endswith(f"{click.token}/callback")]
    assert len(callbacks) == 1


async def test_paper_autocomplete_offers_paper_titles(discord_env: DiscordEnv) -> None:
    record = await discord_env.autocomplete("paper", {"query": "dropout"}, focused="query")
    choices = (await discord_env.wait_for_callback(record))["data"]["choices"]
    assert choices[0]["value"] == DROPOUT and choices[0]["name"].startswith("Dropout")
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)


async def test_paper_did_you_mean_buttons_show_the_paper(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command(
        "paper", {"query": "Reinforcement Learning: An Intro duction"}
    )
    data, private = await answer(discord_env, record)
    assert private and "Did you mean" in data["content"]
    buttons = list(components(data))
    assert 1 <= len(buttons) <= 5
    click = await discord_env.click(buttons[-1]["custom_id"], message=stored(discord_env, record))
    body = await discord_env.wait_for_callback(click)
    assert body["type"] == 7
    (embed,) = body["data"]["embeds"]
    assert embed["title"].replace("\\", "").startswith(buttons[-1]["label"].rstrip("…")[:40])
    assert [c["custom_id"].split(":")[1] for c in components(body["data"])] == ["mark", "save"]


@pytest.mark.parametrize("query", HOSTILE)
async def test_paper_hostile_queries(discord_env: DiscordEnv, query: str) -> None:
    data, _ = await answer(discord_env, await discord_env.send_command("paper", {"query": query}))
    assert "went wrong" not in text_of(data)


# --- /ask -------------------------------------------------------------------------------------


async def test_ask_cites_passages_with_their_resources(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("ask", {"question": "what is dropout"})
    data, _ = await answer(discord_env, record)
    description = data["embeds"][0]["description"]
    quotes = [line for line in description.splitlines() if line.startswith("> ")]
    cites = [line for line in description.splitlines() if line.startswith("— [")]
    assert len(quotes) == len(cites) >= 2
    assert "Dropout" in quotes[0] and "jmlr.org" in cites[0]


async def test_ask_without_an_answer_is_friendly(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("ask", {"question": "qwzx plmokn vbtr"})
    data, private = await answer(discord_env, record)
    assert private and "I don't know" in data["content"] and "/recommend" in data["content"]


@pytest.mark.parametrize("question", HOSTILE)
async def test_ask_hostile_questions(discord_env: DiscordEnv, question: str) -> None:
    record = await discord_env.send_command("ask", {"question": question})
    data, _ = await answer(discord_env, record)
    assert "went wrong" not in text_of(data)


# --- /similar and /path -----------------------------------------------------------------------


async def test_similar_from_an_autocompleted_id_and_from_a_typed_title(
    discord_env: DiscordEnv,
) -> None:
    auto = await discord_env.autocomplete(
        "similar", {"resource": "unreasonable"}, focused="resource"
    )
    choices = (await discord_env.wait_for_callback(auto))["data"]["choices"]
    assert choices[0]["value"] == RNN_BLOG
    for value in (RNN_BLOG, "unreasonable effectiveness of recurent neural networks"):
        data, _ = await answer(
            discord_env, await discord_env.send_command("similar", {"resource": value})
        )
        (embed,) = data["embeds"]
        assert "Unreasonable Effectiveness" in embed["description"].split("\n")[0]
        assert embed["description"].count("**") >= 10  # five numbered results


async def test_similar_unknown_and_ambiguous_resources(discord_env: DiscordEnv) -> None:
    data, private = await answer(
        discord_env, await discord_env.send_command("similar", {"resource": "qwzx plmokn"})
    )
    assert private and "couldn't find" in data["content"]
    data, private = await answer(
        discord_env, await discord_env.send_command("similar", {"resource": "neural"})
    )
    assert private and "Did you mean" in data["content"]


async def test_path_marks_what_the_user_finished(discord_env: DiscordEnv) -> None:
    await answer(
        discord_env, await discord_env.send_command("read", {"resource": RNN_BLOG}, user="uma")
    )
    auto = await discord_env.autocomplete("path", {"topic": "recur"}, focused="path")
    assert (await discord_env.wait_for_callback(auto))["type"] == 8
    data, _ = await answer(
        discord_env, await discord_env.send_command("path", {"topic": "rnn"}, user="uma")
    )
    (embed,) = data["embeds"]
    lines = embed["description"].splitlines()
    done = [line for line in lines if line.startswith("✅")]
    assert len(done) == 1 and "Unreasonable" in done[0]
    assert any(line.startswith("▫️") for line in lines)
    assert "**Basics**" in embed["description"] and "**Advanced**" in embed["description"]
    assert embed["footer"]["text"].startswith("1/")


async def test_path_for_an_unknown_topic(discord_env: DiscordEnv) -> None:
    data, private = await answer(
        discord_env, await discord_env.send_command("path", {"topic": "qwzx plmokn"})
    )
    assert private and "don't have a reading path" in data["content"]


async def test_path_failure_after_its_defer_is_private(
    discord_env: DiscordEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert discord_env.bot is not None

    async def broken(*args: object, **kwargs: object) -> None:
        await asyncio.sleep(0.2)  # past the answer budget: the command defers first
        raise RuntimeError("database on fire")

    monkeypatch.setattr(discord_env.bot.services.service, "user_view", broken)
    monkeypatch.setattr(discord_env.bot, "answer_budget_s", 0.05, raising=False)
    record = await discord_env.send_command("path", {"topic": "rnn"}, user="pat")
    assert (await discord_env.wait_for_callback(record))["type"] == 5  # deferred publicly
    data, private = await answer(discord_env, record)
    assert private and "went wrong on my side" in data["content"]
    assert record.original_message_id not in discord_env.fake.messages  # placeholder deleted


async def test_path_defers_when_ranking_is_slow(
    discord_env: DiscordEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = discord_env.bot.services.service if discord_env.bot else None
    engine = service.recommender if service else None
    assert engine is not None
    original = engine.path

    def slow_path(*args: object, **kwargs: object) -> object:
        time.sleep(0.4)  # ranking holds the event loop, as a slow engine would
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "path", slow_path)
    monkeypatch.setattr(discord_env.bot, "answer_budget_s", 0.1, raising=False)
    discord_env.fake.deadline = 0.3
    try:
        record = await discord_env.send_command("path", {"topic": "rnn"}, user="pia")
        data, private = await answer(discord_env, record)
    finally:
        discord_env.fake.deadline = 3.0
    assert record.callback is not None and record.callback["type"] == 5
    assert not private and data["embeds"]


@pytest.mark.parametrize("command", ["similar", "path"])
@pytest.mark.parametrize("text", HOSTILE)
async def test_similar_and_path_hostile_input(
    discord_env: DiscordEnv, command: str, text: str
) -> None:
    option = "resource" if command == "similar" else "topic"
    data, _ = await answer(discord_env, await discord_env.send_command(command, {option: text}))
    assert "went wrong" not in text_of(data)


@pytest.mark.parametrize(
    ("command", "option"),
    [("recommend", "topic"), ("paper", "query"), ("similar", "resource"), ("path", "topic")],
)
@pytest.mark.parametrize("text", HOSTILE)
async def test_autocomplete_hostile_input(
    discord_env: DiscordEnv, command: str, option: str, text: str
) -> None:
    record = await discord_env.autocomplete(command, {option: text}, focused=option)
    body = await discord_env.wait_for_callback(record)
    assert body["type"] == 8
    choices = body["data"]["choices"]
    assert len(choices) <= limits.AUTOCOMPLETE_CHOICES
    assert all(1 <= len(c["name"]) <= 100 and 1 <= len(c["value"]) <= 100 for c in choices)


async def test_commands_work_in_direct_messages(discord_env: DiscordEnv) -> None:
    record = await discord_env.send_command("recommend", {"topic": "gan"}, in_guild=False)
    data, _ = await answer(discord_env, record)
    assert len(listed_ids(data)) == 5


async def test_every_message_disallowed_mentions(discord_env: DiscordEnv) -> None:
    assert_no_mentions_anywhere(discord_env)
    assert discord_env.fake.unhandled == []


async def test_a_list_is_sent_ready_made_and_its_clicks_still_land(
    discord_env: DiscordEnv,
) -> None:
    """The list goes out as one ready-made callback (discord.py never asks for the message
    back), and discord.py still finds its view by the custom ids, before and after a click
    rebuilt its items."""
    record = await discord_env.send_command("recommend", {"topic": "rnn"}, user="ulrike")
    data, _ = await answer(discord_env, record)
    [callback] = [
        r for r in discord_env.fake.requests if r.path.endswith(f"{record.token}/callback")
    ]
    assert "with_response" not in callback.query
    assert data["allowed_mentions"] == {"parse": []}
    ids = listed_ids(data)
    edited, line = await choose(discord_env, record, "Mark as read", "ulrike", ids[:1])
    assert "as done" in line
    offered = [o["value"] for o in component(edited, "Mark as read")["options"]]
    assert ids[0] not in offered and ids[1] in offered  # the rebuilt select
    _, line = await choose(discord_env, record, "Save for later", "ulrike", ids[1:2])
    assert "as saved" in line
    assert await user_entries(discord_env, "ulrike") == {ids[0]: "done", ids[1]: "saved"}


async def test_an_idle_list_stops_and_shows_its_controls_disabled(
    discord_env: DiscordEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.discord.exts.recommend._cog import RecommendView

    monkeypatch.setattr(RecommendView, "IDLE_S", 0.3)
    record = await discord_env.send_command("recommend", {"topic": "rnn"}, user="vidar")
    data, _ = await answer(discord_env, record)
    assert discord_env.bot is not None
    bot, owner = discord_env.bot, int(record.payload["member"]["user"]["id"])

    def listening() -> list[RecommendView]:
        views = bot.persistent_views
        return [v for v in views if isinstance(v, RecommendView) and v.owner_id == owner]

    assert len(listening()) == 1
    edit = await discord_env.fake.wait_for_request(
        lambda r: r.method == "PATCH" and r.path.endswith(f"{record.token}/messages/@original"),
        timeout=5,
    )
    controls = [c for row in edit.json["components"] for c in row["components"]]
    assert controls and all(c.get("disabled") for c in controls)
    assert "embeds" not in edit.json and "content" not in edit.json  # the list itself stays
    assert not listening()
    click = await discord_env.click(
        component(data, "Mark as read")["custom_id"],
        message=stored(discord_env, record),
        user="vidar",
        values=listed_ids(data)[:1],
    )
    reply = (await discord_env.wait_for_callback(click))["data"]
    assert reply["content"].startswith("This list has expired") and reply["flags"] & 64
    assert await user_entries(discord_env, "vidar") == {}


async def test_lists_expiring_together_are_shown_expired_one_by_one_at_a_pace(
    discord_env: DiscordEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A burst of lists expires in a burst: they all stop at once, but their edits go out
    paced (`paced_edits`), not all at once in front of the members' next answers."""
    from bot.discord.exts.recommend._cog import RecommendView

    monkeypatch.setattr(RecommendView, "IDLE_S", 0.3)
    assert discord_env.bot is not None
    discord_env.bot.expiry_edits.per_s = 10  # 100 ms apart
    records = [
        await discord_env.send_command("recommend", {"topic": "rnn"}, user=f"pace{i}")
        for i in range(3)
    ]
    for record in records:
        await answer(discord_env, record)
    edits = [
        await discord_env.fake.wait_for_request(
            lambda r, token=record.token: (
                r.method == "PATCH" and r.path.endswith(f"{token}/messages/@original")
            ),
            timeout=5,
        )
        for record in records
    ]
    times = sorted(edit.at for edit in edits)
    assert all(later - earlier >= 0.09 for earlier, later in itertools.pairwise(times))
    owners = {int(r.payload["member"]["user"]["id"]) for r in records}
    assert not [
        v
        for v in discord_env.bot.persistent_views
        if isinstance(v, RecommendView) and v.owner_id in owners
    ]


async def test_clicks_sent_before_the_list_was_redrawn_all_land_and_keep_its_controls(
    discord_env: DiscordEnv,
) -> None:
    """Two selects used in quick succession (the second before the member saw the first
    edit): both write, and every edit shows the list with its controls."""
    record = await discord_env.send_command("recommend", {"topic": "rnn"}, user="wendel")
    data, _ = await answer(discord_env, record)
    ids, message = listed_ids(data), stored(discord_env, record)
    clicks = [
        await discord_env.click(
            component(message, placeholder)["custom_id"],
            message=message,
            user="wendel",
            values=[value],
        )
        for placeholder, value in (("Mark as read", ids[0]), ("Save for later", ids[1]))
    ]
    for click in clicks:
        edited = await discord_env.reply(click)
        assert component(edited, "More")  # never stripped of its controls
    assert await user_entries(discord_env, "wendel") == {ids[0]: "done", ids[1]: "saved"}
    final = stored(discord_env, record)
    assert component(final, "More") and component(final, "Not for me")

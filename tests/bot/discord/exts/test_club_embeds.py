"""The words of the reading club, /popular, /next and /leaderboard, from plain values: inert
catalog text, Discord timestamps, Discord's limits, no names where only counts belong."""

from __future__ import annotations

import datetime as dt

import discord

from bot.discord import limits
from bot.discord.discussion import prompts_text, threads_line
from bot.discord.exts.club._embeds import (
    announcement_content,
    announcement_embed,
    is_announcement_for,
    poll_content,
    status_text,
)
from bot.discord.exts.community._embeds import leaderboard_embed, next_embed, popular_embed
from bot.discord.feedback import counts_line, feedback_buttons, vote_text
from bot.discord.formatting import embed_length
from bot.service import (
    AnnouncementPlan,
    ClubStatus,
    FeedbackCounts,
    Frontier,
    Leaderboard,
    LeaderRow,
    NextStep,
    PollChoice,
    PollPlan,
    Popular,
    PopularItem,
    VoteLine,
)
from bot.store.records import StoredClub
from recommender.resource import Resource

NOW = dt.datetime(2026, 3, 10, 6, 0, tzinfo=dt.UTC)
MEETS = dt.datetime(2026, 3, 12, 18, 0, tzinfo=dt.UTC)
HOSTILE = Resource(
    id="hostile",
    title="@everyone **Free** [prize](https://evil.example) " + "x" * 300,
    kind="paper",
    level="advanced",
    topics=("nlp",),
    url="https://example.org/paper",
)
PLAIN = Resource(id="plain", title="Plain Title", kind="blog", level="beginner", topics=("rnn",))
CONFIG = StoredClub(
    guild_id=1,
    channel_id=2,
    cadence="weekly",
    weekday=3,
    meet_time="19:00",
    timezone="Europe/Berlin",
    topic=None,
    level=None,
    poll_hours=24,
    enabled=True,
    started_at=NOW,
)


def plan(**changes: object) -> AnnouncementPlan:
    values: dict[str, object] = {
        "guild_id": 1,
        "channel_id": 2,
        "cycle_number": 1,
        "meeting_date": MEETS.date(),
        "meets_at": MEETS,
        "resource": HOSTILE,
        "summary": "It **shouts**. " * 500,
        "how": "Chosen by poll: 2 votes of 3.",
        "tie_rule": None,
        "results": (VoteLine(HOSTILE, 2), VoteLine(PLAIN, 1)),
        "thread_name": "Hostile",
        "prompts": ("What is claimed?", "How does it relate?"),
        "event": None,
        "end_poll": None,
        "nonce": "n",
    }
    values.update(changes)
    return AnnouncementPlan(**values)  # type: ignore[arg-type]


def test_the_poll_message_links_each_candidate_inertly_with_the_meeting() -> None:
    poll = PollPlan(
        guild_id=1,
        channel_id=2,
        cycle_number=1,
        meeting_date=MEETS.date(),
        meets_at=MEETS,
        question="Reading club: what shall we read for Thursday 12 March?",
        choices=(PollChoice(HOSTILE, "@everyone"), PollChoice(PLAIN, "Plain Title")),
        hours=24,
        closes_at=NOW + dt.timedelta(hours=24),
        nonce="n",
        tie_rule="Ties go to the reading read least.",
    )
    text = poll_content(poll)
    assert text.endswith("\n-# Ties go to the reading read least.")
    assert len(text) <= limits.MESSAGE_CONTENT
    assert f"<t:{int(MEETS.timestamp())}:F>" in text
    assert "\\@everyone" in text or "@\u200beveryone" in text
    assert "[prize](https://evil.example)" not in text
    assert "2. **Plain Title** · blog · beginner" in text


def test_the_announcement_names_the_winner_the_meeting_and_how_it_was_chosen() -> None:
    content = announcement_content(plan())
    assert f"<t:{int(MEETS.timestamp())}:F>" in content
    assert "[prize](https" not in content and "**Free**" not in content
    embed = announcement_embed(plan(tie_rule="Ties go to the least read."))
    assert embed_length(embed) <= limits.EMBED_TOTAL
    fields = {f.name: f.value for f in embed.fields}
    assert fields["How it was chosen"] == "Chosen by poll: 2 votes of 3. Ties go to the least read."
    assert fields["Votes"].endswith("**1** · Plain Title")
    assert is_announcement_for(embed, MEETS.date())
    assert not is_announcement_for(embed, MEETS.date() + dt.timedelta(days=7))
    picked = announcement_embed(plan(results=(), how="Picked by a moderator."))
    assert "Votes" not in [f.name for f in picked.fields]


def test_status_before_a_club_and_during_a_cycle() -> None:
    lines = threads_line((), 2)
    empty = status_text(
        ClubStatus(1, None), NOW, guild_id=1, threads_line=lines, events_allowed=False
    )
    assert "no reading club yet" in empty
    status = ClubStatus(
        1,
        CONFIG,
        cycle_number=1,
        meeting_date=MEETS.date(),
        meets_at=MEETS,
        state="announced",
        reading=PLAIN,
        announcement_message_id=9,
        finished=3,
        finished_by=(11,),
        next_meeting=MEETS,
    )
    text = status_text(
        status,
        NOW,
        guild_id=1,
        threads_line=threads_line(("Create Public Threads",), 2),
        events_allowed=False,
    )
    assert "weekly on Thursday at 19:00 Europe/Berlin in <#2>" in text
    assert "**Reading:** Plain Title (chosen by the poll, announced)" in text
    assert "**Finished it so far:** 3 members (<@11> and 2 more)" in text
    assert "**Discussion threads:** off: I lack **Create Public Threads** in <#2>" in text
    assert "**Scheduled events:** off: I lack **Manage Events** in this server" in text


def test_feedback_buttons_fit_discords_custom_id_limit_and_count_without_names() -> None:
    longest = "a" * 80
    for source in ("daily", "club"):
        for button in feedback_buttons(longest, source):
            assert len(button.custom_id) <= limits.CUSTOM_ID
    counts = FeedbackCounts(1, "plain", useful=1, not_for_us=2, mine="useful")
    assert counts_line(counts) == "1 member found it useful · 2 said not for us"
    assert vote_text("**x**", None, counts).startswith("Your vote on **\\*\\*x\\*\\*** is taken")


def test_prompts_are_numbered_and_inert() -> None:
    text = prompts_text(["Why does @everyone *care*?", "x" * 5000])
    assert text.startswith("**Let's discuss**\n1. Why does")
    assert "*care*" not in text and len(text) <= limits.MESSAGE_CONTENT


def test_popular_counts_never_name_members() -> None:
    popular = Popular(
        1, "week", NOW, (PopularItem(HOSTILE, 3),), (), (PopularItem(PLAIN, 1),), 4, 2
    )
    embed = popular_embed(popular)
    assert embed_length(embed) <= limits.EMBED_TOTAL
    assert [f.name for f in embed.fields] == ["Read", "Found useful"]
    assert embed.footer.text == "4 readings finished by 2 members · counts only, no names"
    quiet = popular_embed(Popular(1, "all", None, (), (), (), 0, 0))
    assert "Nothing read" in (quiet.description or "") and "all time" in (quiet.title or "")


def test_next_for_a_member_and_for_the_group() -> None:
    mine = next_embed(Frontier((NextStep(HOSTILE, (PLAIN,)),), user_id=5))
    assert mine.title == "You're ready for" and "after Plain Title" in (mine.description or "")
    start = next_embed(Frontier((NextStep(PLAIN, ()),), user_id=5, starting=True))
    assert start.title == "Good places to start"
    group = next_embed(Frontier((NextStep(PLAIN, (), ready=2),), guild_id=1, readers=3))
    assert "2 readers are ready" in (group.description or "")
    assert "3 active readers" in (group.footer.text or "")


def test_the_leaderboard_names_only_the_opted_in() -> None:
    board = Leaderboard(1, "month", NOW, (LeaderRow(42, 5, 3, 7), LeaderRow(43, 1, 0, 1)), 4)
    embed = leaderboard_embed(board)
    lines = (embed.description or "").splitlines()
    assert lines == ["1. <@42> · 5 readings · streak 3 d (best 7)", "2. <@43> · 1 reading"]
    assert (embed.footer.text or "").startswith("4 more members read without being shown")
    assert isinstance(embed, discord.Embed)

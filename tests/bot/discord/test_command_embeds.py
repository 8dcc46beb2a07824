"""The commands' pure formatting never exceeds a Discord limit and never lets catalog or user
text ping or inject markdown links, whatever the text (hypothesis)."""

from __future__ import annotations

import datetime as dt
import json
import re

import discord
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.discord import limits
from bot.discord.exts.ask._embeds import answer_embed
from bot.discord.exts.paper._embeds import paper_embed, suggestions_text
from bot.discord.exts.path._embeds import path_embed
from bot.discord.exts.privacy._cog import forgotten_text
from bot.discord.exts.progress._embeds import bar, progress_embed
from bot.discord.exts.reading._embeds import export_filename, list_embed, page_count
from bot.discord.exts.recommend._embeds import (
    Request,
    page_embed,
    page_encoded,
    select_options,
)
from bot.discord.exts.similar._embeds import similar_embed
from bot.discord.formatting import discord_len, embed_length
from bot.discord.resources import inert, linked_title, safe_url
from bot.service import LearningPath, Passage, PathStep, Recommendation, Service
from bot.service.entries import ReadingEntry
from bot.service.progress import LevelProgress, Progress, StatusCounts, Streak, TopicProgress
from recommender.resource import Resource
from recommender.vocabulary import KINDS, LEVELS, TOPICS
from tests.bot.discord.real_services import real_catalog

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
hostile = st.one_of(
    st.text(max_size=3000),
    st.sampled_from(["@everyone", "@here", "<@123456789012345678>", "[x](https://evil)", "# h"]),
    st.text(alphabet="🧠🔥*_~`|>[]()@#\n ", max_size=800),
)
urls = st.one_of(
    st.none(),
    st.just("https://example.org/a_(b)?q=1 2"),
    st.just("javascript:alert(1)"),
    st.text(max_size=300).map(lambda t: "https://example.org/" + t),
)


@st.composite
def resources(draw: st.DrawFn) -> Resource:
    return Resource(
        id=draw(st.from_regex(r"[a-z0-9]{1,12}(-[a-z0-9]{1,12}){0,3}", fullmatch=True)),
        title=draw(hostile) or "t",
        kind=draw(st.sampled_from(KINDS)),
        level=draw(st.sampled_from(LEVELS)),
        topics=tuple(draw(st.lists(st.sampled_from([t.slug for t in TOPICS]), max_size=6))),
        url=draw(urls),
        authors=tuple(draw(st.lists(hostile, max_size=30))),
        year=draw(st.one_of(st.none(), st.integers(1950, 2030))),
    )


def assert_fits(embed: discord.Embed) -> None:
    assert embed_length(embed) <= limits.EMBED_TOTAL
    assert discord_len(embed.title or "") <= limits.EMBED_TITLE
    assert discord_len(embed.description or "") <= limits.EMBED_DESCRIPTION
    assert len(embed.fields) <= limits.EMBED_FIELDS
    for field in embed.fields:
        assert discord_len(field.name or "") <= limits.EMBED_FIELD_NAME
        assert 0 < discord_len(field.value or "") <= limits.EMBED_FIELD_VALUE
    assert discord_len(embed.footer.text or "") <= limits.EMBED_FOOTER


def assert_inert(text: str) -> None:
    """No mass mention survives, and catalog text cannot open a link of its own."""
    assert not re.search(r"@(everyone|here)", text)  # escape_mentions puts a U+200B after @
    assert not re.search(r"(?<!\\)\]\(https://evil", text)


@FAST
@given(
    st.lists(resources(), min_size=1, max_size=5),
    hostile,
    st.integers(0, 10_000),
    st.lists(st.sampled_from([None, "done", "saved", "dismissed"]), min_size=5, max_size=5),
)
def test_recommend_page_fits_and_is_inert(
    items: list[Resource], topic: str, offset: int, statuses: list[str | None]
) -> None:
    results = [
        Recommendation(r, 0.5, why) for r, why in zip(items, ["why " * 300] * 5, strict=False)
    ]
    marks = {r.id: m for r, m in zip(items, statuses, strict=False) if m is not None}
    embed = page_embed(Request(topic or "x", "beginner", "paper"), results, offset, marks)
    assert_fits(embed)
    assert_inert(embed.description or "")
    for status in ("done", "saved", "dismissed"):
        for option in select_options(results, marks, status):
            assert discord_len(option.label) <= limits.SELECT_LABEL
            assert discord_len(option.description or "") <= limits.SELECT_DESCRIPTION
            assert marks.get(option.value) not in ("done", "dismissed", status)


def test_recommend_page_shows_what_was_done_from_it() -> None:
    items = [
        Resource(id=f"r-{i}", title=f"Title {i}", kind="paper", level="beginner", topics=())
        for i in range(4)
    ]
    results = [Recommendation(r, 0.5, "because") for r in items]
    marks = {"r-0": "done", "r-1": "saved", "r-2": "dismissed"}
    blocks = (page_embed(Request("x"), results, 5, marks).description or "").split("\n\n")
    assert blocks[0].startswith("✅ **6.** ") and blocks[1].startswith("🔖 **7.** ")
    assert blocks[2] == "~~**8.** Title 2~~ · not for you"
    assert blocks[3].startswith("**9.** Title 3")
    # What a click sends: the same page, encoded once for the same marks in any order.
    ready = page_encoded(Request("x"), results, 5, marks)
    assert json.loads(ready.json)["description"] == "\n\n".join(blocks)
    assert page_encoded(Request("x"), results, 5, dict(reversed(marks.items()))) is ready
    statuses = ("done", "saved", "dismissed")
    values = {s: [o.value for o in select_options(results, marks, s)] for s in statuses}
    assert values == {"done": ["r-1", "r-3"], "saved": ["r-3"], "dismissed": ["r-1", "r-3"]}


@FAST
@given(resources(), hostile, st.lists(resources(), max_size=3))
def test_paper_card_fits(resource: Resource, summary: str, related: list[Resource]) -> None:
    embed = paper_embed(resource, summary, related)
    assert_fits(embed)
    assert embed.url is None or embed.url.startswith(("http://", "https://"))
    assert discord_len(suggestions_text(summary)) <= limits.MESSAGE_CONTENT


def test_the_same_card_is_built_once_and_handed_out_as_copies() -> None:
    resource = Resource(id="r-1", title="A *bold* title", kind="paper", level="beginner", topics=())
    first = paper_embed(resource, "What it says.", [])
    first.title = "changed by a caller"
    first.add_field(name="extra", value="x")
    again = paper_embed(resource, "What it says.", [])
    assert again.title == "A \\*bold\\* title" and len(again.fields) == len(first.fields) - 1
    other = paper_embed(resource, "Another summary.", [])
    assert other.description == "Another summary."


@FAST
@given(hostile, st.lists(st.tuples(hostile, resources()), max_size=3))
def test_answer_fits(question: str, passages: list[tuple[str, Resource]]) -> None:
    embed = answer_embed(question, [Passage(t, r, 0.5) for t, r in passages])
    assert_fits(embed)
    assert_inert(embed.description or "")


@FAST
@given(resources(), st.lists(resources(), max_size=5))
def test_similar_and_path_fit(source: Resource, items: list[Resource]) -> None:
    assert_fits(similar_embed(source, [Recommendation(r, 0.3, "w" * 500) for r in items]))
    done = {r.id for r in items[:1]}
    steps = tuple(
        PathStep(r, LEVELS[i % 3], "r" * 200, "done" if r.id in done else None)
        for i, r in enumerate(items * 3)
    )
    embed = path_embed(LearningPath("x" * 500, None, "x" * 500, steps))
    assert_fits(embed)
    shown = embed.description or ""
    assert shown.count("✅") <= sum(1 for s in steps if s.resource.id in done)


def entry(resource: Resource, status: str) -> ReadingEntry:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return ReadingEntry(resource.id, resource.title, status, None, now, now, None, resource)


@FAST
@given(st.lists(resources(), max_size=40), st.integers(-5, 10))
def test_reading_list_pages_fit(items: list[Resource], page: int) -> None:
    entries = [entry(r, "saved") for r in items]
    embed = list_embed(entries, page)
    assert_fits(embed)
    assert page_count(len(entries)) == max(1, -(-len(entries) // 10))


@FAST
@given(
    st.lists(st.tuples(hostile, st.integers(0, 500), st.integers(0, 500)), max_size=40),
    st.lists(resources(), max_size=12),
    hostile,
)
def test_progress_card_fits(
    topics: list[tuple[str, int, int]], recent: list[Resource], who: str
) -> None:
    progress = Progress(
        user_id=1,
        counts=StatusCounts(3, 1, 2, 0),
        by_topic=tuple(
            TopicProgress(f"t{i}", label, d, 0, d + t) for i, (label, d, t) in enumerate(topics)
        ),
        by_level=tuple(LevelProgress(level, 1, 5) for level in LEVELS),
        streak=Streak(2, 7, None),
        recent=tuple(entry(r, "done") for r in recent),
        catalog_size=192,
        mean_rating=4.25,
    )
    embed = progress_embed(progress, who or "x")
    assert_fits(embed)


def test_progress_card_asked_again_is_a_copy_and_changes_with_the_progress() -> None:
    def progress(done: int) -> Progress:
        return Progress(
            user_id=1,
            counts=StatusCounts(0, 0, done, 0),
            by_topic=(TopicProgress("rnn", "RNN", done, 0, 9),),
            by_level=tuple(LevelProgress(level, 0, 5) for level in LEVELS),
            streak=Streak(1, 1, None),
            recent=(),
            catalog_size=192,
            mean_rating=None,
        )

    first = progress_embed(progress(2), "mia")
    first.title = "changed by its caller"
    again = progress_embed(progress(2), "mia")
    assert again.title == "Reading progress of mia"  # nobody else's copy changed
    assert again.to_dict() == progress_embed(progress(2), "mia").to_dict()
    assert "2/9" in str(again.fields[0].value)
    assert "3/9" in str(progress_embed(progress(3), "mia").fields[0].value)
    assert progress_embed(progress(2), "noor").title == "Reading progress of noor"


@given(st.integers(-10, 1000), st.integers(-10, 1000))
def test_bar_is_always_ten_cells(done: int, total: int) -> None:
    cells = bar(done, total).split(" ")[0]
    assert len(cells) == 10 and set(cells) <= {"█", "░"}
    if 0 <= done <= total and total > 0:
        assert cells.count("█") == round(10 * done / total)


@given(st.text(max_size=500))
def test_safe_url_cannot_break_out_of_a_link(tail: str) -> None:
    url = safe_url("https://x.org/" + tail)
    assert url is not None and not re.search(r"[\s()<>]", url)
    assert safe_url("javascript:" + tail) is None


@FAST
@given(resources())
def test_linked_title_escapes_markdown(resource: Resource) -> None:
    text = linked_title(resource)
    assert_inert(text)
    assert discord_len(text) < 2000


@FAST
@given(st.text(max_size=6000))
def test_autocomplete_choices_fit(current: str) -> None:
    service = Service(None, real_catalog())  # type: ignore[arg-type]  # choices need no store
    for found in (service.resource_choices(current), service.topic_choices(current)):
        pairs = [(c.name, c.value) for c in found]
        assert len(pairs) <= limits.AUTOCOMPLETE_CHOICES
        assert all(value for _, value in pairs)


def test_small_texts() -> None:
    assert export_filename("bibtex") == "deepread-reading-list.bib"
    assert export_filename("nonsense") == "deepread-reading-list.txt"
    assert forgotten_text(1, True).endswith("(1 reading-list entry).")
    assert forgotten_text(0, False) == "Done — I had nothing stored about you."
    assert bar(3, 10) == "███░░░░░░░ 3/10"


@pytest.mark.parametrize(
    "text",
    [
        "[prize](https://evil.example)",
        "see [a](b) and [c]",
        "x [2017] y",
        "a\\[b](https://evil.example)",
        "\\\\[x](https://evil.example)",
        "]](( [[",
    ],
)
def test_inert_escapes_every_bracket_exactly_once(text: str) -> None:
    """Each bracket ends after an odd run of backslashes (escaped); never `\\\\[` (an escaped
    backslash and a live bracket: a masked link again, and a stray backslash shown)."""
    shown = inert(text)
    for match in re.finditer(r"[\[\]]", shown):
        run = len(shown[: match.start()]) - len(shown[: match.start()].rstrip("\\"))
        assert run % 2 == 1, (text, shown)
    assert inert("x [2017] y") == "x \\[2017\\] y"

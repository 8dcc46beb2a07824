"""Both faces, one door: the same typed titles and queries, for the same user, give the same
resources in Discord (through the fake Discord and the real client) and in the terminal
(`deepread ... --user ID --json`), over one database."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.discord.services import Services
from tests.bot.discord.commands_support import answer, component
from tests.bot.discord.real_services import real_services
from tests.fake_discord.harness import DiscordEnv

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

WHERE: dict[str, Path] = {}


async def discord_services(tmp: Path) -> Services:
    WHERE["db"] = tmp / "deepread.db"
    WHERE["cache"] = tmp / "cache"
    return await real_services(tmp)


TYPED_TITLES = [
    "dropout",
    "deep learning book",
    "understanding lstm networks",
    "Understanding LSTM Netwroks",
    "the unreasonable effectiveness of recurrent neural networks",
    "neural networks and deep learning",
    "batch normalization",
    "cs231n",
    "deep learning",
    "rnn",
    "neural",
    "xyzzy plugh",
    "'; DROP TABLE users; --",
    "🧠 rnn 🔥",
    "word2vec",
    "generative adversarial",
    "playing atari with deep reinforcement learning",
    "calculus on computational graphs",
    "A Neural Algorithm of Artistic Style",
    "sequence to sequence learning",
]
QUERIES = ["rnn beginner", "convolutional networks", "reinforcement learning", "dropout"]


def cli(*args: str) -> tuple[int, str, str]:
    """`deepread ARGS` in-process on the bot's database (in a thread: it runs its own loop)."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def same_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{WHERE['db']}")
    monkeypatch.setenv("CACHE_DIR", str(WHERE["cache"]))


async def entries(env: DiscordEnv, uid: int) -> dict[str, str]:
    assert env.bot is not None and env.bot.services.service is not None
    return {e.resource_id: e.status for e in await env.bot.services.service.entries(uid)}


async def test_typed_titles_mark_the_same_resource_in_both_faces(discord_env: DiscordEnv) -> None:
    agreed = 0
    for n, text in enumerate(TYPED_TITLES):
        who = f"reader{n}"
        uid = int(discord_env.fake.make_user(who)["id"])
        record = await discord_env.send_command("read", {"resource": text}, user=who)
        await answer(discord_env, record)
        in_discord = await entries(discord_env, uid)
        terminal_user = uid + 1  # a second user, so each face writes its own row
        code, _, _ = await asyncio.to_thread(cli, "read", text, "--user", str(terminal_user))
        in_terminal = await entries(discord_env, terminal_user)
        assert set(in_discord) == set(in_terminal), text
        assert (code == 0) == bool(in_terminal), text
        agreed += bool(in_discord)
    assert agreed >= 8  # the plain titles resolve; the vague ones ask in both faces


async def test_recommend_and_path_answer_the_same_user_alike(discord_env: DiscordEnv) -> None:
    who = "parity"
    uid = int(discord_env.fake.make_user(who)["id"])
    await asyncio.to_thread(cli, "read", "understanding lstm networks", "--user", str(uid))
    await asyncio.to_thread(cli, "dismiss", "dropout", "--user", str(uid))
    for query in QUERIES:
        record = await discord_env.send_command("recommend", {"topic": query}, user=who)
        data, _ = await answer(discord_env, record)
        shown = [o["value"] for o in component(data, "Mark as read")["options"]]
        code, out, _ = await asyncio.to_thread(
            cli, "recommend", query, "--user", str(uid), "--json"
        )
        assert code == 0
        assert shown == [r["id"] for r in json.loads(out)["results"]], query
        assert "understanding-lstm-networks" not in shown
    record = await discord_env.send_command("path", {"topic": "rnn"}, user=who)
    data, _ = await answer(discord_env, record)
    footer = data["embeds"][0]["footer"]["text"]
    code, out, _ = await asyncio.to_thread(cli, "path", "rnn", "--user", str(uid), "--json")
    steps = json.loads(out)["steps"]
    done = sum(1 for s in steps if s["status"] == "done")
    assert footer.startswith(f"{done}/{len(steps)} finished") and done == 1
    record = await discord_env.send_command("paper", {"query": "dropout"}, user=who)
    data, _ = await answer(discord_env, record)
    code, out, _ = await asyncio.to_thread(cli, "paper", "dropout", "--user", str(uid), "--json")
    assert data["embeds"][0]["title"].startswith(json.loads(out)["match"]["title"][:20])

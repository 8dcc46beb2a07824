"""What happened in a fake Discord, as a readable Markdown transcript.

Messages in a channel and its threads, the slash commands members ran with the answers they
saw, polls with their votes and results, buttons, and scheduled events, in the order Discord
made them (ids are time-ordered). Discord timestamps (`<t:…:F>`) get their UTC time beside
them. Used to show one reading-club cycle in the issue note (`CLUB_TRANSCRIPT=path`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from tests.fake_discord import threads

if TYPE_CHECKING:
    from tests.fake_discord.server import FakeDiscord

_STAMP = re.compile(r"<t:(\d+):([a-zA-Z])>")


def _times(text: str) -> str:
    def show(match: re.Match[str]) -> str:
        moment = dt.datetime.fromtimestamp(int(match[1]), dt.UTC)
        return f"{match[0]} _[{moment:%a %d %b %Y %H:%M} UTC]_"

    return _STAMP.sub(show, text)


def _quote(text: str) -> list[str]:
    return [f"> {line}" if line else ">" for line in _times(text).splitlines()]


def _embed(embed: dict[str, Any]) -> list[str]:
    out = []
    if embed.get("type") == "poll_result":
        fields = {f["name"]: f["value"] for f in embed.get("fields", [])}
        winner = fields.get("victor_answer_text")
        total = fields.get("total_votes", "0")
        if winner:
            votes = fields.get("victor_answer_votes")
            return [f"> _Poll ended: “{winner}” won with {votes} of {total} votes._"]
        return [f"> _Poll ended with no single winner ({total} votes)._"]
    if embed.get("title"):
        out.append(f"> **▌{embed['title']}**")
    out += _quote(embed.get("description", ""))
    for field in embed.get("fields", []):
        out.append(f"> **{field['name']}**")
        out += _quote(field["value"])
    if embed.get("footer"):
        out.append(f"> _{_times(embed['footer']['text'])}_")
    return out


def _poll(fake: FakeDiscord, message: dict[str, Any]) -> list[str]:
    poll = message["poll"]
    votes = fake.poll_votes.get(int(message["id"]), {})
    names = {int(u["id"]): u["username"] for u in fake.users.values()}
    state = "closed" if poll["results"]["is_finalized"] else f"closes {poll['expiry']}"
    out = [f"> 📊 **{poll['question']['text']}** ({state})"]
    for answer in poll["answers"]:
        voters = votes.get(answer["answer_id"], [])
        who = f" ← {', '.join(names.get(v, str(v)) for v in voters)}" if voters else ""
        count = len(voters)
        out.append(f"> ▢ {answer['poll_media']['text']} — {count} vote{'s' * (count != 1)}{who}")
    return out


def _buttons(message: dict[str, Any]) -> list[str]:
    labels = [
        f"[{c.get('label', '?')}]"
        for row in message.get("components", [])
        for c in row.get("components", [])
    ]
    return [f"> {' '.join(labels)}"] if labels else []


def _message(fake: FakeDiscord, message: dict[str, Any], where: str) -> list[str]:
    out = [f"**{where}** · {message['author']['username']}:"]
    if message.get("content"):
        out += _quote(message["content"])
    if "poll" in message:
        out += _poll(fake, message)
    for embed in message.get("embeds", []):
        out += _embed(embed)
    out += _buttons(message)
    if "thread" in message:
        out.append(f"> 🧵 _thread opened: “{message['thread']['name']}”_")
    return out


def _options(options: list[dict[str, Any]]) -> str:
    parts = []
    for option in options:
        if "options" in option:
            parts.append(option["name"] + (" " + _options(option["options"])).rstrip())
        else:
            parts.append(f"{option['name']}:{option['value']}")
    return " ".join(parts)


def _interaction(fake: FakeDiscord, record: Any) -> list[str]:
    data = record.payload.get("data") or {}
    user = record.payload.get("member", {}).get("user") or record.payload.get("user") or {}
    if record.type == 2:
        line = f"/{data.get('name')} {_options(data.get('options', []))}".rstrip()
    elif record.type == 3:
        line = f"presses [{data.get('custom_id')}]"
    else:
        return []
    out = [f"**{user.get('username', '?')}** runs `{line}`" if record.type == 2 else ""]
    if record.type == 3:
        out = [f"**{user.get('username', '?')}** {line}"]
    shown = None
    if record.original_message_id is not None:
        shown = fake.messages.get(record.original_message_id)
    if shown is not None:
        private = " (only they see it)" if int(shown.get("flags", 0)) & 64 else ""
        out.append(f"↳ deepread answers{private}:")
        out += _quote(shown.get("content") or "")
        for embed in shown.get("embeds", []):
            out += _embed(embed)
    return out


def render(fake: FakeDiscord, channel_id: int, *, title: str, intro: str = "") -> str:
    """The channel, its threads and the members' commands, oldest first."""
    events: list[tuple[int, list[str]]] = []
    channel_name = fake.channels[channel_id]["name"]
    for message in threads.messages_in(fake, channel_id):
        if "webhook_id" not in message:
            events.append((int(message["id"]), _message(fake, message, f"#{channel_name}")))
    for thread in threads.threads_of(fake, channel_id):
        for message in threads.messages_in(fake, int(thread["id"])):
            where = f"🧵 {thread['name']}"
            events.append((int(message["id"]), _message(fake, message, where)))
    for record in fake.interactions.values():
        lines = _interaction(fake, record)
        if lines:
            events.append((record.id, lines))
    out = [f"# {title}", ""] + ([intro, ""] if intro else [])
    for _, lines in sorted(events, key=lambda e: e[0]):
        out += [*lines, ""]
    for event in fake.scheduled_events.values():
        out.append(
            f"📅 **Scheduled event** “{event['name']}”: {event['scheduled_start_time']} to "
            f"{event['scheduled_end_time']}, at {event['entity_metadata']['location']}"
        )
    return "\n".join(out).rstrip() + "\n"

"""Native polls as Discord runs them: created with a message, voted on by members, ended by
their author or by the clock, results on the message.

- POST .../messages with `poll` (question, answers, duration in hours, allow_multiselect) is
  checked against Discord's limits (400 50035 otherwise) and stored on the message with answer
  ids 1..n, an `expiry` from `fake.clock`, and `results`.
- `vote` / `unvote` (harness helpers, as members clicking) change the counts and send
  MESSAGE_POLL_VOTE_ADD / _REMOVE to sessions with the GUILD_MESSAGE_POLLS intent; voting on a
  finished poll fails as in the client (520001).
- GET /channels/{cid}/polls/{mid}/answers/{aid} lists the voters (`after`, `limit`).
- POST /channels/{cid}/polls/{mid}/expire ends the bot's own poll now.
- A poll whose expiry has passed by `fake.clock` is finalized the next time anyone looks
  (`settle`, run before every read of messages and by `settle_polls` in tests): results get
  `is_finalized: true`, a MESSAGE_UPDATE goes out, and Discord's "poll result" message
  (type 46, an embed of type poll_result) is posted in the channel.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from tests.fake_discord import payloads as p

if TYPE_CHECKING:
    from tests.fake_discord.server import FakeDiscord, RecordedRequest

QUESTION_MAX: Final = 300
ANSWER_MAX: Final = 55
ANSWERS_MAX: Final = 10
DURATION_HOURS_MAX: Final = 32 * 24
GUILD_MESSAGE_POLLS: Final = 1 << 24
POLL_RESULT_TYPE: Final = 46


class PollError(Exception):
    """Discord's answer to a bad poll action: (status, code, message)."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def new_poll(body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The stored poll for a POST body, or PollError(400, 50035, ...) as Discord refuses it."""
    poll = body.get("poll")
    if not isinstance(poll, dict):
        raise PollError(400, 50035, "Invalid Form Body (poll)")
    question = str((poll.get("question") or {}).get("text") or "")
    answers = poll.get("answers") or []
    problems = []
    if not 1 <= len(question) <= QUESTION_MAX:
        problems.append(f"poll.question.text must be 1-{QUESTION_MAX} characters")
    if not 1 <= len(answers) <= ANSWERS_MAX:
        problems.append(f"poll.answers must hold 1-{ANSWERS_MAX} answers")
    for i, answer in enumerate(answers):
        text = str((answer.get("poll_media") or {}).get("text") or "")
        if not 1 <= len(text) <= ANSWER_MAX:
            problems.append(f"poll.answers.{i}.poll_media.text must be 1-{ANSWER_MAX} characters")
    hours = float(poll.get("duration") or 24)
    if not 1 <= hours <= DURATION_HOURS_MAX or hours != int(hours):
        problems.append(f"poll.duration must be a whole number of hours, 1-{DURATION_HOURS_MAX}")
    if problems:
        raise PollError(400, 50035, "Invalid Form Body (" + "; ".join(problems) + ")")
    return {
        "question": {"text": question},
        "answers": [
            {"answer_id": i, "poll_media": dict(a["poll_media"])}
            for i, a in enumerate(answers, start=1)
        ],
        "expiry": _iso(now + timedelta(hours=hours)),
        "allow_multiselect": bool(poll.get("allow_multiselect", False)),
        "layout_type": int(poll.get("layout_type") or 1),
        "results": {"is_finalized": False, "answer_counts": []},
    }


def _poll_message(fake: FakeDiscord, channel_id: int, message_id: int) -> dict[str, Any]:
    message = fake.messages.get(message_id)
    if message is None or message["channel_id"] != str(channel_id):
        raise PollError(404, 10008, "Unknown Message")
    if "poll" not in message:
        raise PollError(400, 520006, "Cannot expire a non-poll message")
    return message


def _refresh(fake: FakeDiscord, message: dict[str, Any]) -> None:
    """Counts from the votes: only answers with votes are listed, as on Discord."""
    votes = fake.poll_votes.get(int(message["id"]), {})
    me = int(fake.app_id)
    message["poll"]["results"]["answer_counts"] = [
        {"id": answer_id, "count": len(users), "me_voted": me in users}
        for answer_id, users in sorted(votes.items())
        if users
    ]


def is_over(fake: FakeDiscord, message: dict[str, Any]) -> bool:
    poll = message["poll"]
    expiry = datetime.fromisoformat(poll["expiry"])
    return bool(poll["results"]["is_finalized"]) or fake.clock() >= expiry


async def _send(fake: FakeDiscord, event: str, data: dict[str, Any], *, intent: int = 0) -> None:
    """To the sessions of the guild's shard that asked for the intent (none live: nobody
    hears it, as with a bot that is down)."""
    from tests.fake_discord.gateway import shard_of

    guild_id = int(data["guild_id"]) if data.get("guild_id") else None
    for session in fake.gateway.live_sessions:
        if guild_id is not None and session.shard[0] != shard_of(guild_id, session.shard[1]):
            continue  # a DM's events go to shard 0 on Discord; here: to every session
        if intent and not session.intents & intent:
            continue
        await session.send_dispatch(event, data)


async def finalize(fake: FakeDiscord, message: dict[str, Any]) -> None:
    """End the poll: final counts, MESSAGE_UPDATE, and the poll-result message."""
    poll = message["poll"]
    if poll["results"]["is_finalized"]:
        return
    now = fake.clock()
    if now < datetime.fromisoformat(poll["expiry"]):
        poll["expiry"] = _iso(now)  # ended early: Discord moves the expiry to now
    _refresh(fake, message)
    poll["results"]["is_finalized"] = True
    await _send(fake, "MESSAGE_UPDATE", message)
    counts = {c["id"]: c["count"] for c in poll["results"]["answer_counts"]}
    total = sum(counts.values())
    fields = [
        {"name": "poll_question_text", "value": poll["question"]["text"], "inline": False},
        {"name": "total_votes", "value": str(total), "inline": False},
    ]
    top = max(counts.values(), default=0)
    leaders = [a for a, n in counts.items() if n == top]
    if top and len(leaders) == 1:  # a tie has no victor
        texts = {a["answer_id"]: a["poll_media"]["text"] for a in poll["answers"]}
        text = texts[leaders[0]]
        fields += [
            {"name": "victor_answer_id", "value": str(leaders[0]), "inline": False},
            {"name": "victor_answer_text", "value": text, "inline": False},
            {"name": "victor_answer_votes", "value": str(top), "inline": False},
        ]
    channel_id = int(message["channel_id"])
    result = p.message(
        message_id=p.snowflake(),
        channel_id=channel_id,
        guild_id=int(message["guild_id"]) if message.get("guild_id") else None,
        author=message["author"],
        body={"embeds": [{"type": "poll_result", "fields": fields}]},
        message_type=POLL_RESULT_TYPE,
    )
    result["message_reference"] = {
        "type": 0,
        "message_id": message["id"],
        "channel_id": message["channel_id"],
    }
    if message.get("guild_id"):
        result["message_reference"]["guild_id"] = message["guild_id"]
    fake.store_message(result)
    await _send(fake, "MESSAGE_CREATE", result)


async def settle(fake: FakeDiscord) -> None:
    """Finalize every poll whose time is up by `fake.clock` (Discord does it on its own)."""
    for message in list(fake.messages.values()):
        poll = message.get("poll")
        if poll is not None and not poll["results"]["is_finalized"] and is_over(fake, message):
            await finalize(fake, message)


async def vote(fake: FakeDiscord, message_id: int, user: dict[str, Any], *answer_ids: int) -> None:
    """A member votes (single choice: a new vote replaces the old one, as in the client)."""
    message = fake.messages[message_id]
    await settle(fake)
    if "poll" not in message:
        raise PollError(400, 520006, "Not a poll message")
    if is_over(fake, message):
        raise PollError(400, 520001, "Poll expired")
    valid = {a["answer_id"] for a in message["poll"]["answers"]}
    if not answer_ids or not set(answer_ids) <= valid:
        raise PollError(400, 50035, f"Invalid Form Body (answer ids {answer_ids})")
    if len(answer_ids) > 1 and not message["poll"]["allow_multiselect"]:
        raise PollError(400, 50035, "Invalid Form Body (this poll allows one answer)")
    await unvote(fake, message_id, user)
    votes = fake.poll_votes.setdefault(message_id, {})
    for answer_id in answer_ids:
        votes.setdefault(answer_id, []).append(int(user["id"]))
        _refresh(fake, message)
        await _send(fake, "MESSAGE_POLL_VOTE_ADD", _vote_event(message, user, answer_id))
    await fake.notify()


async def unvote(fake: FakeDiscord, message_id: int, user: dict[str, Any]) -> None:
    """A member takes back their vote(s), if any."""
    message = fake.messages[message_id]
    user_id = int(user["id"])
    for answer_id, users in fake.poll_votes.get(message_id, {}).items():
        if user_id in users:
            users.remove(user_id)
            _refresh(fake, message)
            await _send(fake, "MESSAGE_POLL_VOTE_REMOVE", _vote_event(message, user, answer_id))


def _vote_event(message: dict[str, Any], user: dict[str, Any], answer_id: int) -> dict[str, Any]:
    return {
        "user_id": user["id"],
        "channel_id": message["channel_id"],
        "message_id": message["id"],
        "guild_id": message.get("guild_id"),
        "answer_id": answer_id,
    }


def routes(fake: FakeDiscord) -> list[tuple[str, str, Any, bool]]:
    """(method, path, handler, needs the bot token) for rest.py to mount."""
    from tests.fake_discord.server import error_response, json_response

    async def voters(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        try:
            await settle(fake)
            message = _poll_message(
                fake, int(request.match_info["channel_id"]), int(request.match_info["message_id"])
            )
        except PollError as exc:
            return error_response(exc.status, exc.code, exc.message)
        answer_id = int(request.match_info["answer_id"])
        if answer_id not in {a["answer_id"] for a in message["poll"]["answers"]}:
            return error_response(404, 10018, "Unknown poll answer")
        ids = sorted(fake.poll_votes.get(int(message["id"]), {}).get(answer_id, []))
        after = int(request.query.get("after", 0))
        limit = min(max(int(request.query.get("limit", 25)), 1), 100)
        by_id = {int(u["id"]): u for u in fake.users.values()}
        chosen = [i for i in ids if i > after][:limit]
        return json_response({"users": [by_id[i] for i in chosen if i in by_id]})

    async def expire(request: web.Request, entry: RecordedRequest) -> web.StreamResponse:
        try:
            await settle(fake)
            message = _poll_message(
                fake, int(request.match_info["channel_id"]), int(request.match_info["message_id"])
            )
        except PollError as exc:
            return error_response(exc.status, exc.code, exc.message)
        if message["author"]["id"] != fake.bot_user["id"]:
            return error_response(403, 50013, "Missing Permissions")
        if message["poll"]["results"]["is_finalized"]:
            return error_response(400, 520001, "Poll expired")
        await finalize(fake, message)
        return json_response(message)

    base = "/channels/{channel_id}/polls/{message_id}"
    return [
        ("GET", base + "/answers/{answer_id}", voters, True),
        ("POST", base + "/expire", expire, True),
    ]

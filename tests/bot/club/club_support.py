"""A stand-in for the Discord face of the club loop: plans in, message ids out, faults on
demand. It keeps what was "posted" so tests can count polls and announcements."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.service.club_answers import Announced, AnnouncementPlan, PollPlan, PollRef
from bot.service.daily_planning import Fault
from bot.service.daily_runner import SendFailed


@dataclass
class FakeClubDiscord:
    polls: dict[int, PollPlan] = field(default_factory=dict)
    announcements: dict[int, AnnouncementPlan] = field(default_factory=dict)
    counts: dict[int, tuple[int, ...]] = field(default_factory=dict)
    ended: list[PollRef] = field(default_factory=list)
    missing: tuple[str, ...] = ()
    fail_next: Fault | None = None
    cancel_after_post: bool = False
    next_id: int = 900_000_000_000_000_000

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _maybe_fail(self) -> None:
        if self.fail_next is not None:
            fault, self.fail_next = self.fail_next, None
            reason = "Missing Access" if fault is Fault.PERMANENT else "503 Service Unavailable"
            raise SendFailed(fault, reason)

    async def post_poll(self, plan: PollPlan) -> int:
        self._maybe_fail()
        message_id = self._id()
        self.polls[message_id] = plan
        if self.cancel_after_post:  # posted, then the process is shut down before it hears
            self.cancel_after_post = False
            raise asyncio.CancelledError
        return message_id

    async def find_poll(self, plan: PollPlan) -> int | None:
        return next((m for m, p in self.polls.items() if p.nonce == plan.nonce), None)

    async def poll_counts(self, poll: PollRef) -> tuple[int, ...] | None:
        self._maybe_fail()
        if poll.message_id not in self.polls:
            return None
        return self.counts.get(poll.message_id, ())

    async def end_poll(self, poll: PollRef) -> None:
        self.ended.append(poll)

    async def announce(self, plan: AnnouncementPlan) -> Announced:
        self._maybe_fail()
        if plan.end_poll is not None:
            await self.end_poll(plan.end_poll)
        message_id = self._id()
        self.announcements[message_id] = plan
        if self.cancel_after_post:
            self.cancel_after_post = False
            raise asyncio.CancelledError
        if "Create Public Threads" in self.missing:
            return Announced(message_id, None, None, self.missing)
        return Announced(message_id, message_id, self._id(), self.missing)

    async def find_announcement(self, plan: AnnouncementPlan) -> Announced | None:
        for message_id, posted in self.announcements.items():
            if posted.nonce == plan.nonce:
                return Announced(message_id, message_id)
        return None

    def poll_ids(self) -> list[int]:
        return sorted(self.polls)

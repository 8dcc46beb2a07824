"""Server catalogs: members' suggestions, each server's additions, and their lifecycle.

Every change to a server's additions bumps the server's `version` in the same transaction,
so any process can tell with one cheap read whether its copy of those additions is stale.
Idempotence comes from the schema: an approval moves a suggestion from `pending` with a
conditional UPDATE (a second moderator's UPDATE finds nothing to move), and an addition is an
INSERT ... ON CONFLICT DO NOTHING over unique identity keys, so a double click inserts one row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import RowMapping, delete, func, or_, select, update

from bot.store import statements
from bot.store.base import Session, StoreBase, rowcount
from bot.store.errors import ResourceIdTaken
from bot.store.models import ServerCatalog, ServerResource, ServerSuggestion
from bot.store.records import (
    DecisionOutcome,
    FilingOutcome,
    IdentityKeys,
    MemberForgotten,
    StoredServerResource,
    StoredSuggestion,
    as_utc,
)

_SUGGESTION = select(*ServerSuggestion.__table__.c)
_RESOURCE = select(*ServerResource.__table__.c)


class ServerCatalogStore(StoreBase):
    """Suggestions and additions by plain ids; the caller validated every value."""

    # --- versions ------------------------------------------------------------------------------

    async def catalog_version(self, guild_id: int) -> int:
        """The server's catalog version (0 before its first change)."""

        async def work(session: Session) -> int:
            stmt = select(ServerCatalog.version).where(ServerCatalog.guild_id == guild_id)
            found = (await session.execute(stmt)).scalar()
            return int(found or 0)

        return await self._read(work)

    async def _bump(self, session: Session, guild_id: int) -> None:
        stmt = statements.insert_for(self.dialect, ServerCatalog).values(
            guild_id=guild_id, version=1
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[ServerCatalog.guild_id],
            set_={"version": ServerCatalog.version + 1},
        )
        await session.execute(stmt)

    # --- additions -----------------------------------------------------------------------------

    async def server_resources(self, guild_id: int) -> list[StoredServerResource]:
        """Every addition of the server, oldest first (the order the overlay indexes them)."""

        async def work(session: Session) -> list[StoredServerResource]:
            stmt = _RESOURCE.where(ServerResource.guild_id == guild_id).order_by(ServerResource.id)
            return [_resource(row._mapping) for row in await session.execute(stmt)]

        return await self._read(work)

    async def server_resources_page(
        self, guild_id: int, offset: int, limit: int
    ) -> tuple[list[StoredServerResource], int]:
        """A page of the server's additions, newest first, and how many there are."""

        async def work(session: Session) -> tuple[list[StoredServerResource], int]:
            where = ServerResource.guild_id == guild_id
            total = (await session.execute(select(func.count()).where(where))).scalar() or 0
            stmt = _RESOURCE.where(where).order_by(ServerResource.id.desc())
            rows = await session.execute(stmt.offset(offset).limit(limit))
            return [_resource(row._mapping) for row in rows], int(total)

        return await self._read(work)

    async def server_resources_by_ids(self, ids: Sequence[str]) -> list[StoredServerResource]:
        """The additions (of any server) with these resource ids."""
        wanted = sorted(set(ids))
        if not wanted:
            return []

        async def work(session: Session) -> list[StoredServerResource]:
            found = []
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                stmt = _RESOURCE.where(ServerResource.resource_id.in_(chunk))
                found += [_resource(row._mapping) for row in await session.execute(stmt)]
            return found

        return await self._read(work)

    async def resource_ids_like(self, prefix: str) -> set[str]:
        """Resource ids (of any server) starting with `prefix`: to pick a free one."""

        async def work(session: Session) -> set[str]:
            pattern = prefix.replace("%", "").replace("_", "") + "%"
            stmt = select(ServerResource.resource_id).where(
                ServerResource.resource_id.like(pattern)
            )
            return {str(v) for v in (await session.execute(stmt)).scalars()}

        return await self._read(work)

    async def find_server_resource(
        self, guild_id: int, keys: IdentityKeys
    ) -> StoredServerResource | None:
        """The server's addition sharing any identity key with `keys`, if any."""

        async def work(session: Session) -> StoredServerResource | None:
            return await _by_keys(session, guild_id, keys)

        return await self._read(work)

    async def add_server_resource(
        self,
        guild_id: int,
        values: Mapping[str, Any],
        keys: IdentityKeys,
        now: dt.datetime,
    ) -> tuple[StoredServerResource, bool]:
        """Insert an addition; (it, True), or (the one already there, False) when it shares an
        identity key with an addition of the server (or its resource id is taken: then the
        existing row returned may be another server's, and the caller picks another id)."""

        async def work(session: Session) -> tuple[StoredServerResource, bool] | None:
            created = await self._insert_resource(session, guild_id, values, keys, now)
            if created is not None:
                return created, True
            existing = await _by_keys(session, guild_id, keys)
            if existing is not None:
                return existing, False
            return None

        outcome = await self._write(work)
        if outcome is None:
            raise ResourceIdTaken(str(values["resource_id"]))
        return outcome

    async def _insert_resource(
        self,
        session: Session,
        guild_id: int,
        values: Mapping[str, Any],
        keys: IdentityKeys,
        now: dt.datetime,
    ) -> StoredServerResource | None:
        row_values = _encoded(values) | {
            "guild_id": guild_id,
            "url_key": keys.url_key,
            "arxiv_id": keys.arxiv_id,
            "doi": keys.doi,
            "title_key": keys.title_key,
            "created_at": now,
        }
        stmt = statements.insert_for(self.dialect, ServerResource).values(**row_values)
        stmt = stmt.on_conflict_do_nothing().returning(*ServerResource.__table__.c)
        row = (await session.execute(stmt)).first()
        if row is None:
            return None
        await self._bump(session, guild_id)
        return _resource(row._mapping)

    async def remove_server_resource(
        self, guild_id: int, resource_id: str
    ) -> StoredServerResource | None:
        """Delete one of the server's additions; None when the server has no such addition."""

        async def work(session: Session) -> StoredServerResource | None:
            where = (ServerResource.guild_id == guild_id) & (
                ServerResource.resource_id == resource_id
            )
            row = (await session.execute(_RESOURCE.where(where))).first()
            if row is None:
                return None
            await session.execute(delete(ServerResource).where(where))
            await self._bump(session, guild_id)
            return _resource(row._mapping)

        return await self._write(work)

    # --- suggestions ---------------------------------------------------------------------------

    async def file_suggestion(
        self,
        values: Mapping[str, Any],
        now: dt.datetime,
        *,
        member_since: dt.datetime,
        member_cap: int,
        pending_cap: int,
    ) -> FilingOutcome:
        """File a pending suggestion unless the member filed `member_cap` in this server since
        `member_since`, or the server has `pending_cap` pending; counted in the same
        transaction as the insert."""
        guild_id, member_id = values["guild_id"], values["member_id"]

        async def work(session: Session) -> FilingOutcome:
            mine = select(func.count()).where(
                ServerSuggestion.guild_id == guild_id,
                ServerSuggestion.member_id == member_id,
                ServerSuggestion.created_at >= member_since,
            )
            if ((await session.execute(mine)).scalar() or 0) >= member_cap:
                return FilingOutcome(None, "member_day")
            pending = select(func.count()).where(
                ServerSuggestion.guild_id == guild_id, ServerSuggestion.status == "pending"
            )
            if ((await session.execute(pending)).scalar() or 0) >= pending_cap:
                return FilingOutcome(None, "pending")
            row_values = _encoded(values) | {"status": "pending", "created_at": now}
            stmt = (
                statements.insert_for(self.dialect, ServerSuggestion)
                .values(**row_values)
                .returning(*ServerSuggestion.__table__.c)
            )
            row = (await session.execute(stmt)).one()
            return FilingOutcome(_suggestion(row._mapping))

        return await self._write(work)

    async def pending_suggestions(
        self, guild_id: int, offset: int = 0, limit: int | None = None
    ) -> tuple[list[StoredSuggestion], int]:
        """Pending suggestions of the server, oldest first, and how many are pending."""

        async def work(session: Session) -> tuple[list[StoredSuggestion], int]:
            where = (ServerSuggestion.guild_id == guild_id) & (ServerSuggestion.status == "pending")
            total = (await session.execute(select(func.count()).where(where))).scalar() or 0
            stmt = _SUGGESTION.where(where).order_by(ServerSuggestion.id).offset(offset)
            if limit is not None:
                stmt = stmt.limit(limit)
            return [_suggestion(row._mapping) for row in await session.execute(stmt)], int(total)

        return await self._read(work)

    async def get_suggestion(self, guild_id: int, suggestion_id: int) -> StoredSuggestion | None:
        async def work(session: Session) -> StoredSuggestion | None:
            return await _suggestion_in(session, guild_id, suggestion_id)

        return await self._read(work)

    async def member_suggestions(self, member_id: int) -> list[StoredSuggestion]:
        """Every suggestion the member filed (any server), oldest first."""

        async def work(session: Session) -> list[StoredSuggestion]:
            stmt = _SUGGESTION.where(ServerSuggestion.member_id == member_id)
            rows = await session.execute(stmt.order_by(ServerSuggestion.id))
            return [_suggestion(row._mapping) for row in rows]

        return await self._read(work)

    async def approve_suggestion(
        self,
        guild_id: int,
        suggestion_id: int,
        moderator_id: int,
        values: Mapping[str, Any],
        keys: IdentityKeys,
        now: dt.datetime,
    ) -> DecisionOutcome:
        """Move a pending suggestion to approved and add its resource, in one transaction.

        A second approval (another moderator, a double click) finds the suggestion decided and
        changes nothing (`already`). When the resource is in the server's catalog already,
        the suggestion is closed as rejected with that reason and `duplicate` returned.
        """

        async def work(session: Session) -> DecisionOutcome:
            moved = await _decide(
                session,
                guild_id,
                suggestion_id,
                status="approved",
                decided_by=moderator_id,
                now=now,
                resource_id=values["resource_id"],
            )
            if not moved:
                found = await _suggestion_in(session, guild_id, suggestion_id)
                return DecisionOutcome("missing" if found is None else "already", found)
            added = await self._insert_resource(session, guild_id, values, keys, now)
            if added is None:
                existing = await _by_keys(session, guild_id, keys)
                if existing is None:
                    raise ResourceIdTaken(str(values["resource_id"]))
                await session.execute(
                    update(ServerSuggestion)
                    .where(ServerSuggestion.id == suggestion_id)
                    .values(
                        status="rejected",
                        reason="already in the catalog",
                        resource_id=existing.resource_id,
                    )
                )
                found = await _suggestion_in(session, guild_id, suggestion_id)
                return DecisionOutcome("duplicate", found, existing)
            found = await _suggestion_in(session, guild_id, suggestion_id)
            return DecisionOutcome("decided", found, added)

        return await self._write(work)

    async def reject_suggestion(
        self,
        guild_id: int,
        suggestion_id: int,
        moderator_id: int,
        reason: str | None,
        now: dt.datetime,
    ) -> DecisionOutcome:
        """Move a pending suggestion to rejected (`already` when someone decided first)."""

        async def work(session: Session) -> DecisionOutcome:
            moved = await _decide(
                session,
                guild_id,
                suggestion_id,
                status="rejected",
                decided_by=moderator_id,
                now=now,
                reason=reason,
            )
            found = await _suggestion_in(session, guild_id, suggestion_id)
            if found is None:
                return DecisionOutcome("missing", None)
            return DecisionOutcome("decided" if moved else "already", found)

        return await self._write(work)

    # --- forgetting and lifecycle --------------------------------------------------------------

    async def forget_member(self, member_id: int) -> MemberForgotten:
        """Delete the member's pending suggestions; clear their id from decided suggestions
        (as suggester or moderator) and from additions (the resources stay)."""

        async def work(session: Session) -> MemberForgotten:
            pending = await session.execute(
                delete(ServerSuggestion).where(
                    ServerSuggestion.member_id == member_id, ServerSuggestion.status == "pending"
                )
            )
            cleared = rowcount(
                await session.execute(
                    update(ServerSuggestion)
                    .where(ServerSuggestion.member_id == member_id)
                    .values(member_id=None)
                )
            )
            cleared += rowcount(
                await session.execute(
                    update(ServerSuggestion)
                    .where(ServerSuggestion.decided_by == member_id)
                    .values(decided_by=None)
                )
            )
            cleared += rowcount(
                await session.execute(
                    update(ServerResource)
                    .where(ServerResource.added_by == member_id)
                    .values(added_by=None)
                )
            )
            return MemberForgotten(rowcount(pending), cleared)

        return await self._write(work)

    async def mark_departed(
        self, guild_id: int, now: dt.datetime, delete_after: dt.datetime
    ) -> None:
        """The bot left the server: delete its catalog after `delete_after` (kept on a repeat
        event, so a flapping connection does not postpone the deletion forever)."""

        async def work(session: Session) -> None:
            stmt = statements.insert_for(self.dialect, ServerCatalog).values(
                guild_id=guild_id, version=0, departed_at=now, delete_after=delete_after
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=[ServerCatalog.guild_id],
                set_={
                    "departed_at": func.coalesce(ServerCatalog.departed_at, now),
                    "delete_after": func.coalesce(ServerCatalog.delete_after, delete_after),
                },
            )
            await session.execute(stmt)

        await self._write(work)

    async def departure(self, guild_id: int) -> dt.datetime | None:
        """When the server's catalog is due for deletion, or None (the bot is there)."""

        async def work(session: Session) -> dt.datetime | None:
            stmt = select(ServerCatalog.delete_after).where(ServerCatalog.guild_id == guild_id)
            found = (await session.execute(stmt)).scalar()
            return as_utc(found) if found is not None else None

        return await self._read(work)

    async def mark_returned(self, guild_id: int) -> bool:
        """The bot is back in the server: cancel a pending deletion (True if one was)."""

        async def work(session: Session) -> bool:
            result = await session.execute(
                update(ServerCatalog)
                .where(ServerCatalog.guild_id == guild_id, ServerCatalog.delete_after.is_not(None))
                .values(departed_at=None, delete_after=None)
            )
            return rowcount(result) > 0

        return await self._write(work)

    async def departed_due(self, now: dt.datetime) -> list[int]:
        """Servers whose grace period is over at `now`."""

        async def work(session: Session) -> list[int]:
            stmt = select(ServerCatalog.guild_id).where(ServerCatalog.delete_after <= now)
            return [int(v) for v in (await session.execute(stmt.order_by("guild_id"))).scalars()]

        return await self._read(work)

    async def clear_server_catalog(self, guild_id: int) -> tuple[int, int]:
        """Delete every addition and suggestion of the server: (resources, suggestions)."""

        async def work(session: Session) -> tuple[int, int]:
            resources = await session.execute(
                delete(ServerResource).where(ServerResource.guild_id == guild_id)
            )
            suggestions = await session.execute(
                delete(ServerSuggestion).where(ServerSuggestion.guild_id == guild_id)
            )
            await session.execute(
                update(ServerCatalog)
                .where(ServerCatalog.guild_id == guild_id)
                .values(departed_at=None, delete_after=None)
            )
            await self._bump(session, guild_id)
            return rowcount(resources), rowcount(suggestions)

        return await self._write(work)


async def _decide(
    session: Session,
    guild_id: int,
    suggestion_id: int,
    *,
    status: str,
    decided_by: int,
    now: dt.datetime,
    reason: str | None = None,
    resource_id: str | None = None,
) -> bool:
    """Move the suggestion out of `pending`; False when it was not pending (or not there)."""
    result = await session.execute(
        update(ServerSuggestion)
        .where(
            ServerSuggestion.id == suggestion_id,
            ServerSuggestion.guild_id == guild_id,
            ServerSuggestion.status == "pending",
        )
        .values(
            status=status,
            decided_by=decided_by,
            decided_at=now,
            reason=reason,
            resource_id=resource_id,
        )
    )
    return rowcount(result) == 1


async def _suggestion_in(
    session: Session, guild_id: int, suggestion_id: int
) -> StoredSuggestion | None:
    stmt = _SUGGESTION.where(
        ServerSuggestion.id == suggestion_id, ServerSuggestion.guild_id == guild_id
    )
    row = (await session.execute(stmt)).first()
    return None if row is None else _suggestion(row._mapping)


async def _by_keys(
    session: Session, guild_id: int, keys: IdentityKeys
) -> StoredServerResource | None:
    tests = [
        column == value
        for column, value in (
            (ServerResource.url_key, keys.url_key),
            (ServerResource.arxiv_id, keys.arxiv_id),
            (ServerResource.doi, keys.doi),
            (ServerResource.title_key, keys.title_key),
        )
        if value
    ]
    if not tests:
        return None
    stmt = _RESOURCE.where(ServerResource.guild_id == guild_id, or_(*tests))
    row = (await session.execute(stmt.order_by(ServerResource.id))).first()
    return None if row is None else _resource(row._mapping)


def _encoded(values: Mapping[str, Any]) -> dict[str, Any]:
    """Lists as JSON text (authors, topics), the rest as given."""
    return {
        key: json.dumps(list(value)) if isinstance(value, list | tuple) else value
        for key, value in values.items()
    }


def _names(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    try:
        found = json.loads(raw)
    except ValueError:
        return ()
    return tuple(str(v) for v in found) if isinstance(found, list) else ()


def _suggestion(row: RowMapping) -> StoredSuggestion:
    return StoredSuggestion(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        member_id=row["member_id"],
        link=row["link"],
        note=row["note"],
        title=row["title"],
        authors=_names(row["authors"]),
        year=row["year"],
        description=row["description"],
        url=row["url"],
        kind=row["kind"],
        arxiv_id=row["arxiv_id"],
        doi=row["doi"],
        problem=row["problem"],
        status=row["status"],
        reason=row["reason"],
        decided_by=row["decided_by"],
        resource_id=row["resource_id"],
        created_at=as_utc(row["created_at"]),
        decided_at=as_utc(row["decided_at"]) if row["decided_at"] else None,
    )


def _resource(row: RowMapping) -> StoredServerResource:
    return StoredServerResource(
        guild_id=int(row["guild_id"]),
        resource_id=row["resource_id"],
        title=row["title"],
        url=row["url"],
        authors=_names(row["authors"]),
        year=row["year"],
        kind=row["kind"],
        level=row["level"],
        topics=_names(row["topics"]),
        description=row["description"],
        added_by=row["added_by"],
        suggestion_id=row["suggestion_id"],
        created_at=as_utc(row["created_at"]),
    )

"""A user's reading entry as both faces show it: the stored row joined with the catalog."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from recommender.resource import Resource


@dataclass(frozen=True, slots=True)
class ReadingEntry:
    """One resource in a user's history.

    `resource` is None when the resource has since left the catalog; `title` (kept in the
    database) still names it, so the history stays readable.
    """

    resource_id: str
    title: str
    status: str
    rating: int | None
    added_at: dt.datetime
    updated_at: dt.datetime
    done_at: dt.datetime | None
    resource: Resource | None

    @property
    def in_catalog(self) -> bool:
        return self.resource is not None

    @property
    def url(self) -> str | None:
        return self.resource.link if self.resource is not None else None

"""Daily schedule: the weekday of a weekly post and when the schedule took effect.

`weekday` (0 = Monday) is the day a WEEKLY schedule posts on; `effective_from` is when the
schedule was last set or re-enabled, so a slot already past at that moment never fires
("set 08:00 at 14:00" means tomorrow). Both are nullable: rows written before this revision
keep working (Monday, no limit).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("guild_settings") as batch:
        batch.add_column(sa.Column("weekday", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("effective_from", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("guild_settings") as batch:
        batch.drop_column("effective_from")
        batch.drop_column("weekday")

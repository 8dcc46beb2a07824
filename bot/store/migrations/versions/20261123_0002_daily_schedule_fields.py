"""Daily schedule fields: guild weekday and effective_from; post-log rows without a resource.

The daily-post core (bot/daily) schedules weekly posts on a stored weekday, never fires a
slot that was already past when the schedule was set (effective_from), and records claimed
slots in which nothing matched the guild's filters (resource_id NULL).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 08:59:07
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
    with op.batch_alter_table("daily_post_log", schema=None) as batch_op:
        batch_op.alter_column("resource_id", existing_type=sa.VARCHAR(length=80), nullable=True)

    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("weekday", sa.SmallInteger(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.add_column(sa.Column("effective_from", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_guild_settings_weekday"), "weekday >= 0 AND weekday <= 6"
        )


def downgrade() -> None:
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_guild_settings_weekday"), type_="check")
        batch_op.drop_column("effective_from")
        batch_op.drop_column("weekday")

    # Slots claimed with nothing to post cannot be kept once the column is NOT NULL again.
    op.execute("DELETE FROM daily_post_log WHERE resource_id IS NULL")
    with op.batch_alter_table("daily_post_log", schema=None) as batch_op:
        batch_op.alter_column("resource_id", existing_type=sa.VARCHAR(length=80), nullable=False)

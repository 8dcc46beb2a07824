"""Daily post claims get a lease, so a crashed or unsure sender's claim can be taken over.

An open claim (a resource, no message id yet) belongs to the process that made it until
`claimed_until`; after that another process looks for the post in the channel and records it
or sends it. Each tick looks up the open claims of the last two local dates, hence the index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:12:40
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("daily_post_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_daily_post_log_local_date"), ["local_date"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("daily_post_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_daily_post_log_local_date"))
        batch_op.drop_column("claimed_until")

"""Reading clubs and their cycles, feedback votes, server membership, leaderboard opt-in.

Issue 13 (study-group mode). One club per server (`reading_clubs`); one row per club meeting
(`club_cycles`) whose poll and announcement are claimed with leases like the daily post;
members' "useful" / "not for us" votes (`feedback_votes`); the users seen using deepread in a
server (`guild_members`); and `users.leaderboard`, the opt-in to being shown by name.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reading_clubs",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("meet_time", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=True),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("poll_hours", sa.SmallInteger(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("notice", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "cadence IN ('weekly', 'fortnightly')", name=op.f("ck_reading_clubs_cadence")
        ),
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name=op.f("ck_reading_clubs_weekday")),
        sa.CheckConstraint(
            "poll_hours >= 1 AND poll_hours <= 72", name=op.f("ck_reading_clubs_poll_hours")
        ),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_reading_clubs")),
    )
    op.create_table(
        "club_cycles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("cycle_number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("candidates", sa.Text(), nullable=True),
        sa.Column("poll_message_id", sa.BigInteger(), nullable=True),
        sa.Column("poll_closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("poll_claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("poll_tries", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("counts", sa.String(length=200), nullable=True),
        sa.Column("winner", sa.String(length=80), nullable=True),
        sa.Column("picked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("announcement_message_id", sa.BigInteger(), nullable=True),
        sa.Column("announce_claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("announce_tries", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('pending', 'announced', 'skipped')", name=op.f("ck_club_cycles_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_club_cycles")),
        sa.UniqueConstraint(
            "guild_id", "meeting_date", name=op.f("uq_club_cycles_guild_id_meeting_date")
        ),
    )
    op.create_table(
        "feedback_votes",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("resource_id", sa.String(length=80), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "verdict IN ('useful', 'not_for_us')", name=op.f("ck_feedback_votes_verdict")
        ),
        sa.CheckConstraint("source IN ('daily', 'club')", name=op.f("ck_feedback_votes_source")),
        sa.PrimaryKeyConstraint(
            "guild_id", "resource_id", "user_id", name=op.f("pk_feedback_votes")
        ),
    )
    op.create_index(op.f("ix_feedback_votes_user_id"), "feedback_votes", ["user_id"], unique=False)
    op.create_table(
        "guild_members",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_guild_members")),
    )
    op.create_index(op.f("ix_guild_members_user_id"), "guild_members", ["user_id"], unique=False)
    # Not in batch mode, for the same reason as in `downgrade`: SQLite adds a column in place.
    op.add_column(
        "users",
        sa.Column("leaderboard", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )


def downgrade() -> None:
    # Not in batch mode: SQLite (3.35+) drops a column in place, where a batch copy of
    # `users` would cascade-delete every reading entry when foreign keys are on.
    op.drop_column("users", "leaderboard")
    op.drop_index(op.f("ix_guild_members_user_id"), table_name="guild_members")
    op.drop_table("guild_members")
    op.drop_index(op.f("ix_feedback_votes_user_id"), table_name="feedback_votes")
    op.drop_table("feedback_votes")
    op.drop_table("club_cycles")
    op.drop_table("reading_clubs")

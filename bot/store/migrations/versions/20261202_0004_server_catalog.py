"""Server catalogs: members' suggestions and each server's own additions (issue 11).

Three tables: `server_catalogs` (a version per server, bumped by every change, and the
deletion pending after the bot left), `server_suggestions` (what members suggested and what
moderators decided) and `server_resources` (what a server added). Unique constraints on the
identity keys (per server), the suggestion id and the resource id make a double approval or a
double click insert one row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "server_catalogs",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("departed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delete_after", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_server_catalogs")),
    )
    with op.batch_alter_table("server_catalogs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_server_catalogs_delete_after"), ["delete_after"], unique=False
        )
    op.create_table(
        "server_suggestions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=True),
        sa.Column("link", sa.String(length=2000), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("authors", sa.Text(), nullable=True),
        sa.Column("year", sa.SmallInteger(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("arxiv_id", sa.String(length=200), nullable=True),
        sa.Column("doi", sa.String(length=200), nullable=True),
        sa.Column("problem", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("resource_id", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')",
            name=op.f("ck_server_suggestions_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_suggestions")),
    )
    with op.batch_alter_table("server_suggestions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_server_suggestions_guild_status", ["guild_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_server_suggestions_member_created", ["member_id", "created_at"], unique=False
        )
    op.create_table(
        "server_resources",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("resource_id", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("authors", sa.Text(), nullable=True),
        sa.Column("year", sa.SmallInteger(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("added_by", sa.BigInteger(), nullable=True),
        sa.Column("suggestion_id", sa.Integer(), nullable=True),
        sa.Column("url_key", sa.String(length=2000), nullable=True),
        sa.Column("arxiv_id", sa.String(length=200), nullable=True),
        sa.Column("doi", sa.String(length=200), nullable=True),
        sa.Column("title_key", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_resources")),
        sa.UniqueConstraint(
            "guild_id", "arxiv_id", name=op.f("uq_server_resources_guild_id_arxiv_id")
        ),
        sa.UniqueConstraint("guild_id", "doi", name=op.f("uq_server_resources_guild_id_doi")),
        sa.UniqueConstraint(
            "guild_id", "title_key", name=op.f("uq_server_resources_guild_id_title_key")
        ),
        sa.UniqueConstraint(
            "guild_id", "url_key", name=op.f("uq_server_resources_guild_id_url_key")
        ),
        sa.UniqueConstraint("resource_id", name=op.f("uq_server_resources_resource_id")),
        sa.UniqueConstraint("suggestion_id", name=op.f("uq_server_resources_suggestion_id")),
    )
    with op.batch_alter_table("server_resources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_server_resources_guild_id"), ["guild_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("server_resources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_server_resources_guild_id"))
    op.drop_table("server_resources")
    with op.batch_alter_table("server_suggestions", schema=None) as batch_op:
        batch_op.drop_index("ix_server_suggestions_member_created")
        batch_op.drop_index("ix_server_suggestions_guild_status")
    op.drop_table("server_suggestions")
    with op.batch_alter_table("server_catalogs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_server_catalogs_delete_after"))
    op.drop_table("server_catalogs")

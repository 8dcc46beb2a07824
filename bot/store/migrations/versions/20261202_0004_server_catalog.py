"""Server catalogs: members' suggestions and each server's own additions (issue 11).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The tables arrive with the server-catalog store."""


def downgrade() -> None:
    """Nothing to undo yet."""

"""`deepread db ...`: create or bring the database schema up to date."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from bot.cli._common import UserError, echo, print_json
from bot.service import StoreError
from bot.service.admin import backup_sqlite, display_url, schema_status, upgrade_database
from bot.settings import load_settings

app = typer.Typer(help="The database: apply migrations, show the schema revision, back up.")


def _url(url: str | None) -> str:
    return url if url else load_settings().database_url


@app.command()
def upgrade(
    url: Annotated[str | None, typer.Option(help="Database URL (default: DATABASE_URL).")] = None,
) -> None:
    """Apply every migration this deepread knows (safe to run again)."""
    target = _url(url)
    try:
        before = asyncio.run(upgrade_database(target))
    except StoreError as exc:
        raise UserError(str(exc), exit_code=1) from None
    if before.current == before.head:
        echo(f"{display_url(target)}: already at revision {before.head}")
    else:
        echo(f"{display_url(target)}: {before.current or 'empty'} -> {before.head}")


@app.command()
def status(
    url: Annotated[str | None, typer.Option(help="Database URL (default: DATABASE_URL).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Show the database's schema revision against this code's newest one."""
    target = _url(url)
    try:
        info = asyncio.run(schema_status(target))
    except StoreError as exc:
        raise UserError(str(exc), exit_code=1) from None
    if as_json:
        print_json({"current": info.current, "head": info.head, "state": info.state})
        return
    echo(f"{display_url(target)}: {info.state} (at {info.current}, newest {info.head})")


@app.command()
def backup(
    path: Annotated[Path, typer.Argument(help="Where to write the copy.")],
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
    url: Annotated[str | None, typer.Option(help="Database URL (default: DATABASE_URL).")] = None,
) -> None:
    """Copy a SQLite database consistently, even while the bot writes to it (PostgreSQL:
    use pg_dump, see README)."""
    target = _url(url)
    try:
        written = backup_sqlite(target, path, force=force)
    except StoreError as exc:
        raise UserError(str(exc), exit_code=1) from None
    echo(f"{display_url(target)} -> {written}")

"""What every CLI module shares: the user-error type, the service door, output helpers."""

from __future__ import annotations

import asyncio
import json
import sys
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from bot.service import Service, ServiceError, StoreError
from bot.settings import load_settings

T = TypeVar("T")


class UserError(Exception):
    """A mistake the user can fix; printed as one line, exit code `exit_code`."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def run_service(
    work: Callable[[Service], Awaitable[T]], *, user: int | None = None, recommender: bool = True
) -> T:
    """Open the service (the same one the bot uses), run `work`, close it.

    The database is migrated (and touched at all) only when a user's state is involved
    (`user` given); anonymous questions need only the catalog. The service's "bad input"
    becomes one line and exit 2; a database that cannot be reached, one line and exit 1.
    """
    settings = load_settings()

    async def main() -> T:
        service = await Service.from_settings(
            settings, recommender=recommender, migrate=user is not None
        )
        async with service:
            return await work(service)

    try:
        return asyncio.run(main())
    except ServiceError as exc:
        raise UserError(str(exc)) from None
    except StoreError as exc:
        raise UserError(str(exc), exit_code=1) from None


def print_json(data: Any) -> None:
    """Stable, UTF-8 JSON on stdout (one document, trailing newline)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def console() -> Console:
    """A console that never wraps lines into a pipe's idea of width too narrowly."""
    return Console(soft_wrap=False, highlight=False)


def printable(text: str) -> str:
    """Text with control and escape characters removed (newlines and tabs kept), so nothing
    from the catalog or a user can move the cursor, recolour or retitle the terminal."""
    return "".join(c for c in text if c in "\n\t" or not unicodedata.category(c).startswith("C"))


def echo(text: str, *, err: bool = False) -> None:
    """One line of user or catalog text, printed as is but with control characters removed
    (what `typer.echo` would print, made inert)."""
    typer.echo(printable(text), err=err)


def plain(text: str, style: str = "") -> Text:
    """User or catalog text as a rich `Text`: never read as markup (`[link=...]`, `[/x]`)."""
    return Text(printable(text), style=style)

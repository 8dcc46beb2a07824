"""The `deepread` command: the services in a terminal, with `--json` for tools and tests.

Each group of subcommands lives in its own module and registers itself on `app`; `main` turns
a user's mistake into one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys

import typer

from bot.cli._common import UserError
from bot.service.admin import CatalogError

app = typer.Typer(
    name="deepread",
    help="deepread: deep-learning reading recommendations, from a terminal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _register() -> None:
    # Imported here so that `bot.cli` itself stays cheap to import.
    from bot.cli import catalog as catalog_cli
    from bot.cli import db as db_cli
    from bot.cli import progress as progress_cli
    from bot.cli import run as run_cli
    from bot.cli import search as search_cli

    # Help lists commands in registration order: asking first, then progress, then admin.
    search_cli.register(app)
    progress_cli.register(app)
    app.add_typer(catalog_cli.app, name="catalog")
    app.add_typer(db_cli.app, name="db")
    run_cli.register(app)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    _register()
    try:
        app(args=argv, standalone_mode=True)
    except UserError as exc:
        print(f"deepread: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except CatalogError as exc:
        print(f"deepread: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("deepread: interrupted", file=sys.stderr)
        sys.exit(130)

"""The `deepread` command: the services in a terminal, with `--json` for tools and tests.

Each group of subcommands lives in its own module and registers itself on the app; `main`
turns a user's mistake into one line on stderr and a non-zero exit, never a traceback.

Only the module that holds the command being run is imported: a terminal user waits for every
import on every call, and the modules pull in very different things (`run` discord.py, the
store SQLAlchemy and Alembic, search numpy). `COMMANDS` says which module holds which command;
anything else (`--help`, a typo) registers every module so that help and "no such command"
see them all. A test keeps the table equal to what the modules really register.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

import typer

from bot.cli._common import UserError, printable
from bot.service import CatalogError
from bot.settings import SettingsError

HELP = "deepread: deep-learning reading recommendations, from a terminal."

COMMANDS: dict[str, tuple[str, ...]] = {
    # In help order: asking first, then a user's reading, then admin, then the bot.
    "search": ("recommend", "paper", "ask", "similar", "path"),
    "progress": (
        "read",
        "save",
        "start",
        "dismiss",
        "list",
        "progress",
        "export",
        "forget",
        "prefs",
    ),
    "catalog": ("catalog",),
    "db": ("db",),
    "run": ("run", "sync", "invite"),
}


def build_app(modules: Sequence[str] = tuple(COMMANDS)) -> typer.Typer:
    """A Typer app with the commands of `modules` (names of `bot.cli` submodules)."""
    app = typer.Typer(
        name="deepread",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    # Without a callback, Typer turns an app with a single command into that command, and
    # `deepread recommend rnn` would then read `recommend` as the query.
    @app.callback()
    def _group() -> None:
        pass

    for name in modules:
        module = importlib.import_module(f"bot.cli.{name}")
        sub_app = getattr(module, "app", None)
        if isinstance(sub_app, typer.Typer):
            app.add_typer(sub_app, name=name)
        else:
            module.register(app)
    return app


def modules_for(args: Sequence[str]) -> tuple[str, ...]:
    """The modules to import for a command line: the one holding its command, else all."""
    command = next((a for a in args if not a.startswith("-")), None)
    for module, names in COMMANDS.items():
        if command in names:
            return (module,)
    return tuple(COMMANDS)


def fail(error: Exception, code: int) -> NoReturn:
    """The error as one line on stderr (its text may quote what the user typed or a
    catalog title: control characters are removed), then exit with `code`."""
    print(f"deepread: {printable(str(error))}", file=sys.stderr)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    args = sys.argv[1:] if argv is None else argv
    try:
        build_app(modules_for(args))(args=args, standalone_mode=True)
    except UserError as exc:
        fail(exc, exc.exit_code)
    except CatalogError as exc:
        fail(exc, 1)
    except SettingsError as exc:
        fail(exc, 2)
    except KeyboardInterrupt:
        print("deepread: interrupted", file=sys.stderr)
        sys.exit(130)

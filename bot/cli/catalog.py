"""`deepread catalog ...`: build, check and describe the catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bot.cli._common import console, print_json
from bot.settings import load_settings
from recommender.catalog import catalog_stats, default_catalog_path, load_catalog, validate_text
from recommender.vocabulary import topic_label

app = typer.Typer(help="Build, validate and describe the catalog.", no_args_is_help=True)


def _catalog_path(path: Path | None) -> Path:
    return path if path is not None else load_settings().catalog_path


@app.command()
def validate(
    path: Annotated[
        Path | None, typer.Argument(help="Catalog file (default: the bundled one).")
    ] = None,
) -> None:
    """Check a catalog file; exit 1 and name every problem when it is bad."""
    target = _catalog_path(path)
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        typer.echo(f"deepread: {target}: not found", err=True)
        raise typer.Exit(1) from None
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"deepread: {target}: cannot read ({exc})", err=True)
        raise typer.Exit(1) from None
    problems = validate_text(text)
    if problems:
        for problem in problems:
            typer.echo(f"{target}: {problem}", err=True)
        typer.echo(f"{len(problems)} problem(s) in {target}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{target}: OK")


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    path: Annotated[Path | None, typer.Option(help="Catalog file.")] = None,
) -> None:
    """Counts by kind, level and topic; how many resources have a URL and a description."""
    catalog = load_catalog(_catalog_path(path))
    data = catalog_stats(catalog)
    if as_json:
        print_json(data)
        return
    out = console()
    out.print(
        f"[bold]{data['resources']}[/bold] resources, {data['with_url']} with a URL, "
        f"{data['with_description']} with a description"
    )
    for title, key, label in (
        ("Kind", "by_kind", str),
        ("Level", "by_level", str),
        ("Topic", "by_topic", topic_label),
    ):
        table = Table(title=None, show_edge=False)
        table.add_column(title)
        table.add_column("Resources", justify="right")
        for name, count in data[key].items():
            table.add_row(label(name), str(count))
        out.print(table)


__all__ = ["app", "default_catalog_path"]

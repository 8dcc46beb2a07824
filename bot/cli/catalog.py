"""`deepread catalog ...`: build, check and describe the catalog."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.table import Table

from bot.cli._common import UserError, console, echo, plain, print_json
from bot.service import Resource, ServiceError, WriteFailed, topic_label, write_atomically
from bot.service.addition_rules import check_link
from bot.service.admin import (
    CatalogError,
    Curation,
    CurationError,
    FetchedDetails,
    ImportResult,
    build_catalog_text,
    catalog_stats,
    default_catalog_path,
    default_curation_path,
    default_sources_dir,
    import_awesome_list,
    import_details,
    load_catalog,
    load_yaml,
    parse_bibtex,
    parse_csl_json,
    parse_curation,
    read_curation_text,
    validate_text,
    write_curation,
)
from bot.service.server_catalog import fetcher_from
from bot.service.validation import check_level, check_topic
from bot.settings import load_settings

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
        echo(f"deepread: {target}: not found", err=True)
        raise typer.Exit(1) from None
    except (OSError, UnicodeDecodeError) as exc:
        echo(f"deepread: {target}: cannot read ({exc})", err=True)
        raise typer.Exit(1) from None
    problems = validate_text(text)
    if problems:
        for problem in problems:
            echo(f"{target}: {problem}", err=True)
        echo(f"{len(problems)} problem(s) in {target}", err=True)
        raise typer.Exit(1)
    echo(f"{target}: OK")


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
            table.add_row(plain(label(name) or name), str(count))
        out.print(table)


def _write(path: Path, text: str | Callable[[IO[bytes]], object]) -> None:
    """All or nothing: a full disk or a kill mid-write leaves the old file as it was."""
    try:
        write_atomically(path, text)
    except WriteFailed as exc:
        raise UserError(str(exc), exit_code=1) from None


def _curation(path: Path) -> tuple[str, Curation]:
    try:
        text = read_curation_text(path)
        return text, parse_curation(text, str(path))
    except CurationError as exc:
        raise UserError(str(exc), exit_code=1) from None


@app.command()
def build(
    sources: Annotated[
        Path | None, typer.Option("--sources", help="Folder of source documents.")
    ] = None,
    curation: Annotated[
        Path | None,
        typer.Option("--curation", help="Curation file (recommender/data/curation.yaml)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="Catalog to write (default: the bundled one).")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the output would change.")
    ] = False,
) -> None:
    """Regenerate the catalog from the source documents and the curation file."""
    sources_dir = sources or default_sources_dir()
    if not sources_dir.is_dir():
        raise UserError(f"{sources_dir}: no such folder of source documents", exit_code=1)
    curation_path = curation or default_curation_path()
    _, parsed = _curation(curation_path)
    text, report = build_catalog_text(sources_dir, parsed)
    if report.unknown_curation_ids:
        ids = ", ".join(report.unknown_curation_ids)
        raise UserError(f"{curation_path}: fixes or drops for unknown ids: {ids}", exit_code=1)
    target = output or _catalog_path(None)
    if check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            raise UserError(f"{target} is not what `catalog build` produces", exit_code=1)
        echo(f"{target}: up to date")
        return
    _write(target, text)
    data = catalog_stats(load_catalog(target))
    described = ", ".join(f"{n} {k}" for k, n in sorted(report.descriptions.items()))
    echo(
        f"wrote {target}: {data['resources']} resources from {sum(report.mentions.values())} "
        f"mentions in {len(report.mentions)} documents; {data['with_url']} with a URL, "
        f"{data['with_description']} with a description ({described or 'none'})"
    )
    if report.dropped:
        echo(f"dropped by curation: {len(report.dropped)}")
    for rid, url in sorted(report.lossy_urls_left_out.items()):
        echo(f"left out unreviewed hyphen-stripped URL of {rid}: {url}", err=True)


def _read_text(file: Path, what: str) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{file}: not found", exit_code=1) from None
    except IsADirectoryError:
        raise UserError(f"{file}: is a folder, not {what}", exit_code=1) from None
    except UnicodeDecodeError:
        raise UserError(f"{file}: not UTF-8 text", exit_code=1) from None
    except OSError as exc:
        raise UserError(f"{file}: cannot read ({exc.strerror})", exit_code=1) from None


def _catalog_resources(catalog: Path | None) -> list[Resource]:
    try:
        return list(load_catalog(_catalog_path(catalog)))
    except CatalogError as exc:
        raise UserError(str(exc), exit_code=1) from None


def _report(
    result: ImportResult, name: str, curation_path: Path, *, as_json: bool, none: str
) -> None:
    """Write the curation, then say what was added, merged and skipped."""
    if not (result.added or result.merged or result.skipped):
        raise UserError(f"{name}: {none}", exit_code=1)
    if result.added or result.merged:
        _write(curation_path, lambda handle: write_curation(result.curation, handle))
    if as_json:
        print_json({"added": result.added, "merged": result.merged, "skipped": result.skipped})
        return
    written = (
        f"written to {curation_path}; run `deepread catalog build`"
        if result.added or result.merged
        else "nothing written"
    )
    echo(
        f"{plain(name)}: added {len(result.added)}, merged {len(result.merged)}, "
        f"skipped {len(result.skipped)} ({written})"
    )
    for rid in result.added:
        echo(f"  added   {rid}")
    for rid in result.merged:
        echo(f"  merged  {rid} (new source)")
    for reason in result.skipped:
        echo(f"  skipped {plain(reason)}")


FILE_KINDS = {".bib": "BibTeX", ".bibtex": "BibTeX", ".json": "CSL-JSON"}
"""Files read as references by their suffix; anything else is an awesome list (Markdown)."""


@app.command("import")
def import_list(
    file: Annotated[
        Path,
        typer.Argument(
            help='BibTeX (.bib), CSL-JSON (.json, as Zotero exports) or a Markdown "awesome '
            'list" (links under headings).'
        ),
    ],
    curation: Annotated[
        Path | None, typer.Option("--curation", help="Curation file to add to.")
    ] = None,
    catalog: Annotated[
        Path | None, typer.Option("--catalog", help="Catalog to deduplicate against.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Add a reference file's entries (BibTeX, CSL-JSON, awesome list) to the curation file.

    `catalog build` then includes them. Duplicates (by URL, arXiv id, DOI or title) become
    one more source of the entry."""
    kind = FILE_KINDS.get(file.suffix.lower(), "Markdown")
    text = _read_text(file, f"a {kind} file")
    curation_path = curation or default_curation_path()
    curation_text, parsed = _curation(curation_path)
    resources = _catalog_resources(catalog)
    raw = load_yaml(curation_text) or {}
    del curation_text  # a big curation file: one copy in memory is enough
    if kind == "Markdown":
        result = import_awesome_list(text, file.name, raw, resources, parsed.aliases)
        none = "no Markdown links found"
    else:
        found = parse_bibtex(text) if kind == "BibTeX" else parse_csl_json(text)
        result = import_details(found, file.name, raw, resources, parsed.aliases)
        none = f"no {kind} entries with a title found"
    _report(result, str(file), curation_path, as_json=as_json, none=none)


@app.command("add")
def add(
    link: Annotated[str, typer.Argument(help="An arXiv id or URL, a DOI, or any http(s) link.")],
    level: Annotated[
        str | None, typer.Option("--level", help="beginner, intermediate or advanced.")
    ] = None,
    topic: Annotated[
        list[str] | None, typer.Option("--topic", help="A topic slug (repeat for several).")
    ] = None,
    curation: Annotated[
        Path | None, typer.Option("--curation", help="Curation file to add to.")
    ] = None,
    catalog: Annotated[
        Path | None, typer.Option("--catalog", help="Catalog to deduplicate against.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Fetch one link's details (arXiv, Crossref or the page) into the curation file.

    As `catalog import` does; `catalog build` then includes it."""
    try:
        chosen_level = check_level(level)
        topics = tuple(t for t in (check_topic(name) for name in topic or ()) if t)
        typed = check_link(link)
    except ServiceError as exc:
        raise UserError(str(exc), exit_code=2) from None
    found = asyncio.run(fetcher_from(load_settings()).fetch(typed))
    if not isinstance(found, FetchedDetails):
        raise UserError(f"{plain(typed[:200])}: {found.message}", exit_code=1)
    curation_path = curation or default_curation_path()
    curation_text, parsed = _curation(curation_path)
    resources = _catalog_resources(catalog)
    raw = load_yaml(curation_text) or {}
    result = import_details(
        [found],
        "deepread catalog add",
        raw,
        resources,
        parsed.aliases,
        level=chosen_level,
        topics=topics,
    )
    _report(result, typed, curation_path, as_json=as_json, none="nothing usable found")


__all__ = ["app", "default_catalog_path"]

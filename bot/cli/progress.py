"""`deepread read|save|start|dismiss|list|progress|export|forget|prefs`: a user's reading state.

Thin: each command resolves what was typed (an id or a fuzzy title), calls the service, and
prints a rich table or JSON. The database is migrated on open, like the bot does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from bot.cli._common import (
    UserError,
    console,
    echo,
    plain,
    print_json,
    printable,
    run_service,
)
from bot.service import Preferences, ReadingEntry, Service, WriteFailed, write_atomically
from bot.service.export import entry_dict
from bot.service.progress import Progress

UserOpt = Annotated[int, typer.Option("--user", "-u", help="Discord user id.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
ResourceArg = Annotated[str, typer.Argument(help="Resource id or title (fuzzy).")]


def _mark(resource: str, user: int, status: str, rating: int | None) -> None:
    result = run_service(
        lambda s: s.mark_text(user, resource, status, rating=rating), user=user, recommender=False
    )
    console().print(plain(result.message))


RatingOpt = Annotated[int | None, typer.Option(help="Your rating, 1 to 5.")]


def read(resource: ResourceArg, user: UserOpt, rating: RatingOpt = None) -> None:
    """Mark a resource as read (done)."""
    _mark(resource, user, "done", rating)


def save(resource: ResourceArg, user: UserOpt) -> None:
    """Save a resource to your reading list."""
    _mark(resource, user, "saved", None)


def start(resource: ResourceArg, user: UserOpt) -> None:
    """Mark a resource as being read now."""
    _mark(resource, user, "reading", None)


def dismiss(resource: ResourceArg, user: UserOpt) -> None:
    """Never recommend this resource to you again."""
    _mark(resource, user, "dismissed", None)


def list_(user: UserOpt, as_json: JsonOpt = False) -> None:
    """Your reading list: reading, saved, done."""
    entries = run_service(lambda s: s.reading_list(user), user=user, recommender=False)
    if as_json:
        print_json([entry_dict(e) for e in entries])
        return
    out = console()
    if not entries:
        out.print("Your reading list is empty: `deepread save RESOURCE --user ID` adds to it.")
        return
    out.print(_entries_table(entries))


def _entries_table(entries: list[ReadingEntry]) -> Table:
    table = Table(show_edge=False)
    for name in ("Status", "Id", "Title", "Level", "Rating", "Updated"):
        table.add_column(name)
    for e in entries:
        level = e.resource.level if e.resource else "(not in catalog)"
        rating = f"{e.rating}/5" if e.rating else ""
        table.add_row(
            e.status,
            plain(e.resource_id),
            plain(e.title),
            level,
            rating,
            e.updated_at.date().isoformat(),
        )
    return table


def progress(
    user: UserOpt,
    as_json: JsonOpt = False,
    path: Annotated[
        str | None, typer.Option(help="A learning path: topic slug or resource id.")
    ] = None,
) -> None:
    """Totals, by topic and level, your streak and recent activity."""
    report = run_service(
        lambda s: s.progress(user, path=path), user=user, recommender=path is not None
    )
    if as_json:
        print_json(progress_dict(report))
        return
    _print_progress(report)


def progress_dict(report: Progress) -> dict[str, Any]:
    """`deepread progress --json` (a stable contract for tools and tests)."""
    c = report.counts
    data: dict[str, Any] = {
        "user_id": str(report.user_id),
        "counts": {
            "saved": c.saved,
            "reading": c.reading,
            "done": c.done,
            "dismissed": c.dismissed,
        },
        "catalog_size": report.catalog_size,
        "mean_rating": report.mean_rating,
        "by_topic": [
            {"topic": t.topic, "done": t.done, "in_progress": t.in_progress, "total": t.total}
            for t in report.by_topic
        ],
        "by_level": [
            {"level": lv.level, "done": lv.done, "total": lv.total} for lv in report.by_level
        ],
        "streak": {
            "current": report.streak.current,
            "longest": report.streak.longest,
            "last_day": report.streak.last_day.isoformat() if report.streak.last_day else None,
        },
        "recent": [entry_dict(e) for e in report.recent],
        "path": None,
    }
    if report.path is not None:
        nxt = report.path.next_step
        data["path"] = {
            "name": report.path.name,
            "done": report.path.done,
            "total": report.path.total,
            "percent": report.path.percent,
            "next": nxt.resource_id if nxt else None,
            "steps": [{"id": s.resource_id, "status": s.status} for s in report.path.steps],
        }
    return data


def _print_progress(report: Progress) -> None:
    out = console()
    c = report.counts
    out.print(
        f"[bold]{c.done}[/bold] read of {report.catalog_size} · {c.reading} reading · "
        f"{c.saved} saved · {c.dismissed} dismissed"
    )
    s = report.streak
    out.print(f"Streak: {s.current} day(s) now, longest {s.longest}")
    levels = Table(show_edge=False)
    for name in ("Level", "Read", "In catalog"):
        levels.add_column(name)
    for lv in report.by_level:
        levels.add_row(lv.level, str(lv.done), str(lv.total))
    out.print(levels)
    if report.by_topic:
        topics = Table(show_edge=False)
        for name in ("Topic", "Read", "In progress", "In catalog"):
            topics.add_column(name)
        for t in report.by_topic:
            topics.add_row(plain(t.label), str(t.done), str(t.in_progress), str(t.total))
        out.print(topics)
    if report.path is not None:
        p = report.path
        nxt = f"; next: {p.next_step.title} ({p.next_step.resource_id})" if p.next_step else ""
        out.print(plain(f"Path {p.name}: {p.done}/{p.total} ({p.percent}%){nxt}"))
    if report.recent:
        out.print("Recent activity:")
        out.print(_entries_table(list(report.recent)))


def export(
    user: UserOpt,
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, bib, csv or json.")] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="All data stored about you (JSON), dismissed included.")
    ] = False,
) -> None:
    """Export your reading list (or, with --all, everything stored about you)."""
    if everything:
        data = run_service(lambda s: s.export_all(user), user=user, recommender=False)
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = run_service(lambda s: s.export(user, fmt), user=user, recommender=False)
    if output is None:
        # An export is data for a file or a pipe, printed as it is; on a terminal, inert.
        typer.echo(printable(text) if sys.stdout.isatty() else text, nl=False)
        return
    try:
        write_atomically(output, text)
    except WriteFailed as exc:
        raise UserError(str(exc), exit_code=1) from None
    echo(f"Wrote {output}")


def forget(
    user: UserOpt,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete everything stored about a user."""
    # Ask only a person at a terminal; scripts and tests pass --yes or pipe no input.
    if not yes and sys.stdin.isatty() and not typer.confirm(f"Delete everything about {user}?"):
        raise UserError("nothing deleted", exit_code=1)
    result = run_service(lambda s: s.forget(user), user=user, recommender=False)
    if not result.existed and not result.entries_deleted:
        echo(f"Nothing was stored about user {user}.")
    else:
        echo(f"Forgot user {user}: {result.entries_deleted} entries deleted.")


def prefs(
    user: UserOpt,
    level: Annotated[str | None, typer.Option(help="Default level for recommendations.")] = None,
    timezone: Annotated[
        str | None, typer.Option(help="IANA time zone for streaks, e.g. Europe/Paris.")
    ] = None,
    clear_level: Annotated[bool, typer.Option(help="Forget the default level.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show or change a user's preferences (default level, time zone)."""

    async def work(service: Service) -> Preferences:
        if level is None and timezone is None and not clear_level:
            return await service.preferences(user)
        return await service.set_preferences(
            user, default_level=level, timezone=timezone, clear_level=clear_level
        )

    current = run_service(work, user=user, recommender=False)
    if as_json:
        print_json(
            {
                "user_id": str(current.user_id),
                "default_level": current.default_level,
                "timezone": current.timezone,
            }
        )
        return
    echo(
        f"User {current.user_id}: default level {current.default_level or '(any)'}, "
        f"time zone {current.timezone}"
    )


def register(app: typer.Typer) -> None:
    """Add these commands at the top level of `deepread`."""
    app.command()(read)
    app.command()(save)
    app.command()(start)
    app.command()(dismiss)
    app.command("list")(list_)
    app.command()(progress)
    app.command()(export)
    app.command()(forget)
    app.command()(prefs)

"""`deepread recommend|paper|ask|similar|path`: the recommender in a terminal.

`--json` output is a contract other tools read (see `recommendation_json` and friends): keep
its keys stable. Bad input becomes one clear line and exit code 2, never a traceback.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from bot.cli._common import UserError, console, print_json
from bot.settings import load_settings
from recommender.engine import Engine
from recommender.loading import open_catalog
from recommender.query import QueryError, check_query
from recommender.resource import Resource
from recommender.results import Recommendation, UnknownResourceError
from recommender.vocabulary import KINDS, LEVELS

MAX_K = 50
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
Words = Annotated[list[str], typer.Argument(help="What you are looking for, in a few words.")]


def _engine() -> Engine:
    settings = load_settings()
    return open_catalog(settings.catalog_path, settings.cache_dir).engine


def _query(parts: list[str]) -> str:
    try:
        return check_query(" ".join(parts))
    except QueryError as exc:
        raise UserError(str(exc)) from None


def _choice(value: str | None, allowed: tuple[str, ...], name: str) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    if value not in allowed:
        raise UserError(f"unknown {name} {value!r} (one of: {', '.join(allowed)})")
    return value


def resource_json(resource: Resource, score: float | None = None, why: str = "") -> dict[str, Any]:
    """The fields every command shows for a resource (the `results` items of `recommend`)."""
    return {
        "id": resource.id,
        "title": resource.title,
        "url": resource.url,
        "kind": resource.kind,
        "level": resource.level,
        "topics": list(resource.topics),
        "authors": list(resource.authors),
        "year": resource.year,
        "score": score,
        "why": why,
    }


def recommendation_json(rec: Recommendation) -> dict[str, Any]:
    return resource_json(rec.resource, rec.score, rec.why)


def _results_table(title: str, recs: tuple[Recommendation, ...], offset: int = 0) -> Table:
    table = Table(title=title, show_lines=False)
    for column in ("#", "title", "kind", "level", "why"):
        table.add_column(column, overflow="fold")
    for n, rec in enumerate(recs, start=offset + 1):
        r = rec.resource
        table.add_row(str(n), r.title, r.kind, r.level, rec.why)
    return table


def recommend(
    words: Words,
    level: Annotated[str | None, typer.Option(help=f"One of: {', '.join(LEVELS)}.")] = None,
    kind: Annotated[str | None, typer.Option(help=f"One of: {', '.join(KINDS)}.")] = None,
    k: Annotated[int, typer.Option("-k", help=f"How many results (1-{MAX_K}).")] = 5,
    offset: Annotated[int, typer.Option(help="Skip this many results (paging).")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Recommend reading: `deepread recommend rnn beginner`, `... best book on gans`."""
    query = _query(words)
    if not 1 <= k <= MAX_K:
        raise UserError(f"-k must be between 1 and {MAX_K}")
    if offset < 0:
        raise UserError("--offset must be 0 or more")
    level, kind = _choice(level, LEVELS, "level"), _choice(kind, KINDS, "kind")
    found = _engine().recommend(query, level=level, kind=kind, k=k, offset=offset)
    if as_json:
        print_json(
            {
                "query": found.query.text,
                "level": found.query.level,
                "kind": found.query.kind,
                "results": [recommendation_json(rec) for rec in found.results],
            }
        )
        return
    out = console()
    if not found.results:
        out.print(f"Nothing in the catalog matches “{found.query.text}”.")
        return
    out.print(_results_table(f"Recommended for “{found.query.text}”", found.results, offset))
    for rec in found.results:
        out.print(f"  {rec.resource.id}: {rec.resource.url or '(no link)'}")
    if found.total > offset + len(found.results):
        out.print(f"{found.total - offset - len(found.results)} more: --offset {offset + k}")


def paper(words: Words, as_json: JsonOption = False) -> None:
    """The best-matching paper with a short summary: `deepread paper dropout`."""
    answer = _engine().paper(_query(words))
    match = answer.match
    if as_json:
        body: dict[str, Any] | None = None
        if match is not None:
            body = resource_json(match.resource, match.score, match.why)
            body["summary"] = match.summary
            body["related"] = [resource_json(r) for r in match.related]
        print_json(
            {
                "query": answer.query,
                "match": body,
                "suggestions": [{"id": r.id, "title": r.title} for r in answer.suggestions],
            }
        )
        return
    out = console()
    if match is None:
        out.print(f"No paper matches “{answer.query}” well enough.")
        if answer.suggestions:
            out.print("Did you mean:")
            for r in answer.suggestions:
                out.print(f"  • {r.title}  [{r.id}]")
        return
    r = match.resource
    byline = ", ".join(r.authors) or "unknown authors"
    out.print(f"[bold]{r.title}[/bold]")
    out.print(f"{byline}{f' ({r.year})' if r.year else ''} · {r.kind} · {r.level}")
    out.print(r.url or "(no link)")
    out.print(f"\n{match.summary}\n")
    if match.related:
        out.print("Related: " + "; ".join(f"{x.title} [{x.id}]" for x in match.related))


def ask(words: Words, as_json: JsonOption = False) -> None:
    """Answer a question with cited passages: `deepread ask how do lstms work`."""
    answer = _engine().ask(_query(words))
    if as_json:
        print_json(
            {
                "question": answer.question,
                "answers": [
                    {
                        "text": p.text,
                        "resource": {
                            "id": p.resource.id,
                            "title": p.resource.title,
                            "url": p.resource.url,
                        },
                        "score": p.score,
                    }
                    for p in answer.passages
                ],
            }
        )
        return
    out = console()
    if not answer.passages:
        out.print("I don't know: nothing in the catalog answers that.")
        return
    for n, p in enumerate(answer.passages, start=1):
        out.print(f"{n}. “{p.text}”\n   — {p.resource.title} ({p.resource.url or p.resource.id})")


def similar(
    resource_id: Annotated[
        str, typer.Argument(help="A resource id, e.g. dropout-srivastava-2014.")
    ],
    k: Annotated[int, typer.Option("-k", help=f"How many results (1-{MAX_K}).")] = 5,
    as_json: JsonOption = False,
) -> None:
    """Resources like one you liked."""
    if not resource_id.strip():
        raise UserError("give a resource id, e.g. `deepread similar cs231n`")
    if not 1 <= k <= MAX_K:
        raise UserError(f"-k must be between 1 and {MAX_K}")
    try:
        recs = _engine().similar(resource_id.strip(), k=k)
    except UnknownResourceError as exc:
        raise UserError(str(exc)) from None
    if as_json:
        print_json({"id": resource_id.strip(), "results": [recommendation_json(r) for r in recs]})
        return
    console().print(_results_table(f"Like {resource_id.strip()}", recs))


def path(
    words: Annotated[list[str], typer.Argument(help="A topic, e.g. `rnn` or `generative models`.")],
    as_json: JsonOption = False,
) -> None:
    """A learning path for a topic, basics first, beginner → advanced."""
    found = _engine().path(_query(words))
    if as_json:
        print_json(
            {
                "topic": found.topic,
                "topic_slug": found.topic_slug,
                "steps": [
                    {**resource_json(s.resource), "stage": s.stage, "reason": s.reason}
                    for s in found.steps
                ],
            }
        )
        return
    out = console()
    if not found.steps:
        out.print(f"No learning path for “{found.topic}”: the catalog has nothing on it.")
        return
    table = Table(title=f"Learning path: {found.topic}")
    for column in ("#", "stage", "title", "kind", "why"):
        table.add_column(column, overflow="fold")
    for n, step in enumerate(found.steps, start=1):
        table.add_row(str(n), step.stage, step.resource.title, step.resource.kind, step.reason)
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add the search commands at the top level of `deepread`."""
    for command in (recommend, paper, ask, similar, path):
        app.command()(command)

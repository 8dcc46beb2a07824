"""`deepread recommend|paper|ask|similar|path`: the service's discovery half in a terminal.

`--json` output is a contract other tools read (see `resource_json` and friends): keep its
keys stable. With `--user ID` each command answers exactly what the Discord command answers
that member (finished and dismissed left out, history-ranked, ✅ on the path), because both
ask the same service. Bad input becomes one clear line and exit code 2, never a traceback;
catalog and user text is printed as plain text, never as rich markup.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from bot.cli._common import UserError, console, plain, print_json, run_service
from bot.service import (
    CATALOG_SCOPE,
    KINDS,
    LEVELS,
    LearningPath,
    Recommendation,
    Recommendations,
    Resource,
    nothing_on,
)

MAX_K = 50
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
UserOption = Annotated[
    int | None,
    typer.Option("--user", "-u", help="Answer for this Discord user id (their history)."),
]
Words = Annotated[list[str], typer.Argument(help="What you are looking for, in a few words.")]


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def _choice(value: str | None, allowed: tuple[str, ...], name: str) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    if value not in allowed:
        raise UserError(f"unknown {name} {value!r} (one of: {', '.join(allowed)})")
    return value


def _k(k: int) -> int:
    if not 1 <= k <= MAX_K:
        raise UserError(f"-k must be between 1 and {MAX_K}")
    return k


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
        "authors_complete": resource.authors_complete,
        "year": resource.year,
        "origin": resource.origin,
        "historical": resource.historical,
        "link": resource.link,
        "score": score,
        "why": why,
    }


def recommendation_json(rec: Recommendation) -> dict[str, Any]:
    return resource_json(rec.resource, rec.score, rec.why)


def _results_table(title: str, recs: tuple[Recommendation, ...], offset: int = 0) -> Table:
    table = Table(title=plain(title), show_lines=False)
    for column in ("#", "title", "id", "kind", "level", "why"):
        table.add_column(column, overflow="fold")
    for n, rec in enumerate(recs, start=offset + 1):
        r = rec.resource
        why = f"historical: {r.historical} · {rec.why}" if r.historical else rec.why
        table.add_row(str(n), plain(r.title), plain(r.id), r.kind, r.level, plain(why))
    return table


def recommend(
    words: Words,
    level: Annotated[str | None, typer.Option(help=f"One of: {', '.join(LEVELS)}.")] = None,
    kind: Annotated[str | None, typer.Option(help=f"One of: {', '.join(KINDS)}.")] = None,
    k: Annotated[int, typer.Option("-k", help=f"How many results (1-{MAX_K}).")] = 5,
    offset: Annotated[int, typer.Option(help="Skip this many results (paging).")] = 0,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Recommend reading: `deepread recommend rnn beginner`, `... best book on gans`."""
    k = _k(k)
    if offset < 0:
        raise UserError("--offset must be 0 or more")
    level, kind = _choice(level, LEVELS, "level"), _choice(kind, KINDS, "kind")
    query = " ".join(words)
    found: Recommendations = run_service(
        lambda s: s.recommend(query, user_id=user, level=level, kind=kind, k=k, offset=offset),
        user=user,
    )
    if as_json:
        print_json(
            {
                "query": found.query,
                "level": found.level,
                "kind": found.kind,
                "results": [recommendation_json(rec) for rec in found.results],
            }
        )
        return
    out = console()
    if not found.results:
        if offset:
            out.print(
                plain(f"No more results for “{found.query}”: --offset {offset} is past the end.")
            )
        else:
            out.print(plain(f"{_first_up(nothing_on(found.query))}. {CATALOG_SCOPE}"))
        return
    out.print(_results_table(f"Recommended for “{found.query}”", found.results, offset))
    for rec in found.results:
        out.print(plain(f"  {rec.resource.id}: {rec.resource.link or '(no link)'}"))
    if found.remaining:
        out.print(plain(f"{found.remaining} more: --offset {found.next_offset}"))


def paper(words: Words, user: UserOption = None, as_json: JsonOption = False) -> None:
    """The best-matching paper with a short summary: `deepread paper dropout`."""
    query = " ".join(words)
    answer = run_service(lambda s: s.paper(query, user_id=user), user=user)
    card = answer.card
    if as_json:
        body: dict[str, Any] | None = None
        if card is not None:
            body = resource_json(card.resource, card.score, card.why)
            body["summary"] = card.summary
            body["related"] = [resource_json(r) for r in card.related]
        print_json(
            {
                "query": answer.query,
                "match": body,
                "suggestions": [{"id": r.id, "title": r.title} for r in answer.suggestions],
            }
        )
        return
    out = console()
    if card is None:
        out.print(plain(f"No paper matches “{answer.query}”: {nothing_on(answer.query)}."))
        if answer.suggestions:
            out.print("Did you mean:")
            for r in answer.suggestions:
                out.print(plain(f"  • {r.title}  [{r.id}]"))
        return
    r = card.resource
    byline = r.byline or "unknown authors"
    status = f" · you: {card.status}" if card.status else ""
    out.print(plain(r.title, style="bold"))
    out.print(plain(f"{byline}{f' ({r.year})' if r.year else ''} · {r.kind} · {r.level}{status}"))
    out.print(plain(f"{r.link or '(no link)'}  [{r.id}]"))
    origin = "curated for deepread" if r.origin == "curated" else "from the seed reading lists"
    out.print(plain(f"historical: {r.historical} · {origin}" if r.historical else origin))
    out.print(plain(f"\n{card.summary}\n"))
    if card.related:
        out.print(plain("Related: " + "; ".join(f"{x.title} [{x.id}]" for x in card.related)))


def ask(words: Words, as_json: JsonOption = False) -> None:
    """Answer a question with cited passages: `deepread ask how do lstms work`."""
    question = " ".join(words)
    answer = run_service(lambda s: s.ask(question))
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
        out.print(plain(f"I don't know: {nothing_on(question)} that answers it. {CATALOG_SCOPE}"))
        return
    for n, p in enumerate(answer.passages, start=1):
        where = p.resource.url or p.resource.id
        out.print(plain(f"{n}. “{p.text}”\n   — {p.resource.title} ({where}) [{p.resource.id}]"))


def similar(
    resource: Annotated[
        list[str],
        typer.Argument(help="A resource id or title, e.g. understanding-lstm-networks or dropout."),
    ],
    k: Annotated[int, typer.Option("-k", help=f"How many results (1-{MAX_K}).")] = 5,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Resources like one you liked: `deepread similar understanding-lstm-networks`."""
    text = " ".join(resource).strip()
    if not text:
        raise UserError("give a resource id or title, e.g. `deepread similar dropout`")
    k = _k(k)
    found = run_service(lambda s: s.similar(text, user_id=user, k=k), user=user)
    if as_json:
        print_json(
            {"id": found.source.id, "results": [recommendation_json(r) for r in found.results]}
        )
        return
    out = console()
    if not found.results:
        out.print(plain(f"Nothing in the catalog is close to “{found.source.title}” yet."))
        return
    out.print(_results_table(f"Like {found.source.title} [{found.source.id}]", found.results))


def path(
    words: Annotated[list[str], typer.Argument(help="A topic, e.g. `rnn` or `generative models`.")],
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """A learning path for a topic, basics first, beginner → advanced."""
    topic = " ".join(words)
    found: LearningPath = run_service(lambda s: s.path(topic, user_id=user), user=user)
    if as_json:
        print_json(
            {
                "topic": found.topic,
                "topic_slug": found.topic_slug,
                "steps": [
                    {
                        **resource_json(s.resource),
                        "stage": s.stage,
                        "reason": s.reason,
                        "status": s.status,
                    }
                    for s in found.steps
                ],
            }
        )
        return
    out = console()
    if not found.steps:
        out.print(plain(f"No learning path for “{found.topic}”: {nothing_on(found.topic)}."))
        return
    table = Table(title=plain(f"Learning path: {found.label}"))
    for column in ("#", "", "stage", "title", "id", "kind", "why"):
        table.add_column(column, overflow="fold")
    for n, step in enumerate(found.steps, start=1):
        table.add_row(
            str(n),
            "✅" if step.done else "",
            step.stage,
            plain(step.resource.title),
            plain(step.resource.id),
            step.resource.kind,
            plain(step.reason),
        )
    out.print(table)
    if user is not None:
        out.print(f"{found.finished}/{len(found.steps)} finished")


def register(app: typer.Typer) -> None:
    """Add the search commands at the top level of `deepread`."""
    for command in (recommend, paper, ask, similar, path):
        app.command()(command)

"""The hand-curation file (recommender/data/curation.yaml): what people know that the
documents do not.

Sections of the file:
  aliases  - one resource under several names or links: `name` (the title it gets), `titles`
             and `urls` (compared normalised) that all mean it.
  entries  - per-id fixes applied on top of the merged documents: id (a new id; the old one
             stays resolvable as a former id), title, url (repairs; null removes a wrong
             link), authors, authors_complete (false: only the first authors are known),
             year, kind, topics, level, historical (why it is kept although superseded),
             alternative_url (a current or archived copy when the url's host is retired),
             description (our own words: `description_source: curated`),
             description_document (take this document's description instead of the default
             one), text_fixes (wrong -> right literal repairs of a document's text, for PDF
             artifacts no cleaning rule can fix: "amultilayered" -> "a multilayered"),
             prerequisites (ids), extra_sources (more {document, section} where the
             resource is listed), note (why the fix was made; the file is rewritten by
             `import`, comments would be lost).
  drops    - id -> reason: merged entries that are not resources worth recommending.
  added    - whole new entries that no source document holds (`deepread catalog import`).

Everything is checked when loaded and every problem is reported at once, with its place.
A file that is empty, lacks `version` or any of the sections `import` always writes, or does
not end with a line break was cut short (a crash or a full disk while it was written, before
writes became atomic, or a bad copy): it is refused, never read as "no curation", since a
build without the aliases, drops and curated descriptions still succeeds, silently worse.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml

from recommender.catalog import FIELDS, Problem
from recommender.ingest.merge import Alias

ENTRY_FIELDS = frozenset(
    {
        "id",
        "title",
        "url",
        "authors",
        "year",
        "kind",
        "topics",
        "level",
        "description",
        "description_document",
        "prerequisites",
        "extra_sources",
        "historical",
        "alternative_url",
        "authors_complete",
        "text_fixes",
        "note",
    }
)
TOP_LEVEL = ("version", "aliases", "entries", "drops", "added")
REQUIRED = ("version", "aliases", "entries", "drops")
"""Sections every curation file has (`dump_curation` writes them even when empty): one
missing means the file was cut short."""
VERSION = 1


class CurationError(Exception):
    """A curation file that cannot be applied; carries every problem found."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = tuple(problems)
        first = "; ".join(str(p) for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(f"invalid curation file {path}: {first}{more}")


@dataclass(frozen=True)
class Curation:
    aliases: tuple[Alias, ...] = ()
    entries: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    drops: Mapping[str, str] = field(default_factory=dict)
    added: tuple[Mapping[str, Any], ...] = ()


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


# libyaml's loader and dumper when PyYAML has them: the same documents, ten times faster, which
# matters once an import has added 100,000 entries (the pure-Python dumper took a minute).
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def load_yaml(text: str) -> Any:
    """The curation file's data, as `yaml.safe_load` reads it."""
    try:
        return yaml.load(text, Loader=_Loader)  # a safe loader: plain data only
    except UnicodeEncodeError:
        # libyaml reads UTF-8: text that cannot be (a lone surrogate) goes to the Python
        # loader, which reports it as a YAML error like any other bad character.
        return yaml.safe_load(text)


def parse_curation(text: str, path: str = "curation") -> Curation:
    """Parse and check curation YAML; raise CurationError naming every problem."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "file"
        raise CurationError(path, [Problem(where, "invalid YAML")]) from None
    if data is None:
        what = "empty" if not text.strip() else "holds no sections"
        raise CurationError(
            path, [Problem("file", f"{what}: cut short by a crash or a full disk? Restore it")]
        )
    if not isinstance(data, Mapping):
        raise CurationError(path, [Problem("file", "expected a mapping")])
    problems: list[Problem] = []
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        problems.append(
            Problem("file", f"missing {', '.join(missing)}: cut short? Restore it from a copy")
        )
    elif data["version"] != VERSION:
        problems.append(Problem("version", f"expected {VERSION}, found {data['version']!r}"))
    if not text.endswith("\n"):
        problems.append(Problem("file", "does not end with a line break: cut short?"))
    for key in data:
        if key not in TOP_LEVEL:
            problems.append(Problem("file", f"unknown section {key!r}"))
    aliases: list[Alias] = []
    for index, raw in enumerate(data.get("aliases") or []):
        where = f"aliases[{index}]"
        if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
            problems.append(Problem(where, "needs a `name`"))
            continue
        titles, urls = raw.get("titles") or [], raw.get("urls") or []
        if not _str_list(titles) or not _str_list(urls) or not (titles or urls):
            problems.append(Problem(where, "`titles`/`urls` must be non-empty lists of text"))
            continue
        unknown = set(raw) - {"name", "titles", "urls", "note"}
        if unknown:
            problems.append(Problem(where, f"unknown field(s) {', '.join(sorted(unknown))}"))
        aliases.append(Alias(raw["name"], tuple(titles), tuple(urls)))
    entries = data.get("entries") or {}
    if not isinstance(entries, Mapping):
        problems.append(Problem("entries", "expected a mapping of id -> fixes"))
        entries = {}
    for rid, fixes in entries.items():
        if not isinstance(fixes, Mapping):
            problems.append(Problem(str(rid), "fixes must be a mapping"))
            continue
        for name in fixes:
            if name not in ENTRY_FIELDS:
                problems.append(Problem(str(rid), f"unknown field {name!r}"))
        text_fixes = fixes.get("text_fixes")
        if text_fixes is not None and not (
            isinstance(text_fixes, Mapping)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in text_fixes.items())
        ):
            problems.append(Problem(str(rid), "text_fixes must map wrong text to right text"))
    drops = data.get("drops") or {}
    if not isinstance(drops, Mapping) or not all(isinstance(v, str) for v in drops.values()):
        problems.append(Problem("drops", "expected a mapping of id -> reason"))
        drops = {}
    added = data.get("added") or []
    if not isinstance(added, list):
        problems.append(Problem("added", "expected a list of entries"))
        added = []
    for index, entry in enumerate(added):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
            problems.append(Problem(f"added[{index}]", "needs an `id`"))
            continue
        for name in entry:
            if name not in FIELDS:
                problems.append(Problem(entry["id"], f"unknown field {name!r}"))
    if problems:
        raise CurationError(path, problems)
    return Curation(
        aliases=tuple(aliases),
        entries={str(k): dict(v) for k, v in entries.items()},
        drops={str(k): v for k, v in drops.items()},
        added=tuple(dict(e) for e in added),
    )


def read_curation_text(path: Path | str) -> str:
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CurationError(str(path), [Problem("file", "not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CurationError(str(path), [Problem("file", f"cannot read: {exc}")]) from None


def load_curation(path: Path | str) -> Curation:
    return parse_curation(read_curation_text(path), str(path))


HEADER = """\
# deepread curation: hand-made fixes applied on top of the source documents.
# `deepread catalog build` applies it; `deepread catalog import` appends to it (and rewrites
# it in this layout, so keep explanations in `note` fields, not in comments).
"""


def _ordered(data: Mapping[str, Any]) -> dict[str, Any]:
    empty: dict[str, Any] = {"version": VERSION, "aliases": [], "entries": {}, "drops": {}}
    return {
        key: data[key] if data.get(key) is not None else empty[key]
        for key in TOP_LEVEL
        if data.get(key) is not None or key in REQUIRED
    }


_DUMP_OPTIONS: dict[str, Any] = {
    "sort_keys": False,
    "allow_unicode": True,
    "width": 100,
    "default_flow_style": False,
}


BATCH = 500
"""Entries of a section dumped per PyYAML call: its node graph for the whole curation of a
100,000-link import took most of a gigabyte."""


def dump_curation(data: Mapping[str, Any]) -> str:
    """Deterministic YAML for the curation data, sections in their documented order."""
    out = io.BytesIO()
    write_curation(data, out)
    return out.getvalue().decode("utf-8")


def write_curation(data: Mapping[str, Any], handle: IO[bytes]) -> None:
    """`dump_curation` straight into an open file, a few hundred entries at a time.

    The text is exactly what one `yaml.dump` of the whole mapping gives: each section is
    dumped as a one-key mapping, a long one in slices whose repeated `key:` line is dropped
    (an entry's YAML does not depend on its neighbours).
    """
    handle.write(HEADER.encode("utf-8"))
    for key, value in _ordered(data).items():
        items: list[Any] = list(value.items()) if isinstance(value, Mapping) else []
        if isinstance(value, list):
            items = value
        if len(items) <= BATCH:
            handle.write(_dump({key: value}))
            continue
        for start in range(0, len(items), BATCH):
            part = items[start : start + BATCH]
            piece = _dump({key: dict(part) if isinstance(value, Mapping) else part})
            handle.write(piece if start == 0 else piece.split(b"\n", 1)[1])


def _dump(data: Mapping[str, Any]) -> bytes:
    return bytes(yaml.dump(data, Dumper=_Dumper, encoding="utf-8", **_DUMP_OPTIONS))

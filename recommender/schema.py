"""The catalog file's schema, declared once as pydantic models.

`data/catalog.yaml` is edited by people and reviewed in pull requests, so a broken entry must
be reported in a curator's words ("nielsen-book: unknown kind 'podcast' (one of: ...)"), every
problem at once. The models say what is allowed (types, required fields, slugs, the
vocabulary); `problems` validates a parsed file in one pass and turns pydantic's errors into
those messages. Where an entry sits (its id, or its YAML line) and the checks across entries
(duplicate ids, unknown prerequisites) belong to the catalog, which knows the file's text.

Strict mode throughout: YAML already gives ints, strings and lists, so anything else (a quoted
year, a date where text belongs, `true` as a year) is a mistake in the file, not something to
coerce.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from recommender.catalog_format import (
    CATALOG_VERSION,
    DESCRIPTION_SOURCES,
    ID_PATTERN,
    MAX_ID_LENGTH,
    ORIGINS,
    REQUIRED_FIELDS,
)
from recommender.catalog_format import FIELDS as FIELDS  # the model declares exactly these
from recommender.vocabulary import KINDS, LEVEL_SOURCES, LEVELS, TOPIC_SLUGS

# A message pydantic should show as it is: already in the curator's words.
_OURS = "catalog"


def is_valid_url(url: str) -> bool:
    """An absolute http(s) URL with a dotted host and no whitespace."""
    if any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and "." in host and not host.startswith(".")


def _http_url(url: str) -> str:
    if not is_valid_url(url):
        raise ValueError("not an absolute http(s) URL")
    return url


def _one_of(allowed: Sequence[str]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError("not in the vocabulary")
        return value

    return check


def _known_topic(slug: str) -> str:
    if slug not in TOPIC_SLUGS:
        raise PydanticCustomError(_OURS, f"unknown topic {slug!r}")
    return slug


def _no_repeats(topics: list[str]) -> list[str]:
    if len(set(topics)) != len(topics):
        raise PydanticCustomError(_OURS, "topics repeat")
    return topics


_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def control_characters(text: str) -> list[str]:
    """The characters of `text` a title must not hold: C0 and C1 controls (terminal escape
    sequences, bells, line breaks) and the bidirectional controls that reorder what a reader
    sees. Printed in a terminal or a chat they act instead of showing."""
    return [c for c in text if unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS]


def _no_controls(text: str) -> str:
    found = control_characters(text)
    if found:
        raise PydanticCustomError(
            _OURS, f"title contains a control character (U+{ord(found[0]):04X})"
        )
    return text


_NOT_BLANK = r"\S"  # searched, not matched: some non-space character somewhere
Text = Annotated[str, StringConstraints(pattern=_NOT_BLANK)]
Title = Annotated[str, StringConstraints(pattern=_NOT_BLANK), AfterValidator(_no_controls)]
Slug = Annotated[str, StringConstraints(pattern=ID_PATTERN.pattern, max_length=MAX_ID_LENGTH)]
Url = Annotated[str, AfterValidator(_http_url)]
Topic = Annotated[str, StringConstraints(pattern=_NOT_BLANK), AfterValidator(_known_topic)]


class SourceEntry(BaseModel):
    """Where the entry was found: a source document and the section heading it sat under."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    document: str
    section: str | None = None


class CatalogEntry(BaseModel):
    """One resource as written in the file (field order is the file's order)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    id: Slug
    title: Title
    url: Url | None = None
    authors: list[Text] | None = None
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    kind: Annotated[str, AfterValidator(_one_of(KINDS))]
    topics: Annotated[list[Topic], Field(min_length=1), AfterValidator(_no_repeats)]
    level: Annotated[str, AfterValidator(_one_of(LEVELS))]
    level_source: Annotated[str, AfterValidator(_one_of(LEVEL_SOURCES))] | None = None
    description: Text | None = None
    description_source: Annotated[str, AfterValidator(_one_of(DESCRIPTION_SOURCES))] | None = None
    prerequisites: list[Text] | None = None  # known ids: a check across entries
    sources: list[SourceEntry] | None = None
    origin: Annotated[str, AfterValidator(_one_of(ORIGINS))] | None = None
    authors_complete: bool | None = None
    historical: Text | None = None
    alternative_url: Url | None = None
    former_ids: list[Slug] | None = None

    @model_validator(mode="after")
    def _fields_that_need_others(self) -> CatalogEntry:
        if self.authors_complete is False and not self.authors:
            raise PydanticCustomError(_OURS, "authors_complete is false but no authors are given")
        if self.alternative_url is not None and not self.url:
            raise PydanticCustomError(_OURS, "alternative_url without a url it stands in for")
        return self


class CatalogDocument(BaseModel):
    """The whole file: a format version and the list of entries (other keys are ignored)."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    version: Annotated[int, Field(ge=CATALOG_VERSION, le=CATALOG_VERSION)] = CATALOG_VERSION
    resources: list[CatalogEntry]


def _choice(name: str, allowed: Sequence[str]) -> Callable[[Any], str]:
    return lambda value: f"unknown {name} {value!r} (one of: {', '.join(allowed)})"


# What is wrong with a field, in the curator's words, whatever pydantic's reason was.
FIELD_PROBLEMS: dict[str, Callable[[Any], str]] = {
    "id": lambda value: (
        f"id {value!r} is not a lowercase slug (a-z, 0-9, single hyphens, ≤ {MAX_ID_LENGTH})"
    ),
    "title": lambda _: "title must be non-empty text",
    "url": lambda value: f"malformed URL {value!r} (need an absolute http(s) URL)",
    "authors": lambda _: "authors must be a list of names",
    "year": lambda value: f"year {value!r} is not a year between 1900 and 2100",
    "kind": _choice("kind", KINDS),
    "topics": lambda _: "topics must be a list of topic names",
    "level": _choice("level", LEVELS),
    "level_source": _choice("level_source", LEVEL_SOURCES),
    "description": lambda _: "description must be non-empty text",
    "description_source": _choice("description_source", DESCRIPTION_SOURCES),
    "prerequisites": lambda _: "prerequisites must be a list of resource ids",
    "sources": lambda _: "sources must be a list of {document, section} mappings",
    "origin": _choice("origin", ORIGINS),
    "authors_complete": lambda _: "authors_complete must be true or false",
    "historical": lambda _: "historical must be a short reason (text)",
    "alternative_url": lambda value: f"malformed alternative_url {value!r}",
    "former_ids": lambda _: "former_ids must be a list of slugs",
}
NOT_A_CATALOG = "expected a mapping with a `resources:` list"


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """One message about the file: about entry number `entry` of `resources` (0-based), or
    about the file as a whole when `entry` is None."""

    entry: int | None
    message: str


def problems(data: Any) -> list[SchemaProblem]:
    """Everything the schema finds wrong with a parsed catalog file, in file order.

    When the file as a whole is wrong (not a mapping, no `resources:` list, another version)
    only that is reported: its entries cannot be judged.
    """
    try:
        CatalogDocument.model_validate(data)
    except ValidationError as exc:
        found = [_document_problem(error) for error in exc.errors()]
    else:
        return []
    whole = _unique([p for p in found if p.entry is None])
    return whole if whole else _unique(found)


def entry_problems(entry: Any) -> list[str]:
    """What is wrong with one entry (a mapping parsed from YAML); empty when it is good."""
    try:
        CatalogEntry.model_validate(entry)
    except ValidationError as exc:
        return [p.message for p in _unique([_entry_problem(0, e) for e in exc.errors()])]
    return []


def _document_problem(error: ErrorDetails) -> SchemaProblem:
    loc = error["loc"]
    if loc[:1] == ("version",):
        return SchemaProblem(None, f"unsupported catalog version {error['input']!r}")
    if len(loc) < 2 or loc[0] != "resources" or not isinstance(loc[1], int):
        return SchemaProblem(None, NOT_A_CATALOG)
    return _entry_problem(loc[1], {**error, "loc": loc[2:]})


def _entry_problem(index: int, error: ErrorDetails) -> SchemaProblem:
    loc, kind, value = error["loc"], error["type"], error["input"]
    if kind == _OURS:
        return SchemaProblem(index, error["msg"])
    if not loc:
        return SchemaProblem(index, "entry is not a mapping of fields")
    name, inside = loc[0], len(loc) > 1  # inside: about an item of a list field
    if not inside and (kind in ("extra_forbidden", "invalid_key") or name not in FIELD_PROBLEMS):
        return SchemaProblem(index, f"unknown field {name!r}")
    if not inside and (kind == "missing" or (name in REQUIRED_FIELDS and _empty(value))):
        return SchemaProblem(index, f"missing {name}")
    return SchemaProblem(index, FIELD_PROBLEMS[str(name)](value))


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list) and not value)


def _unique(found: list[SchemaProblem]) -> list[SchemaProblem]:
    """Each message once per entry (two bad authors are one problem), first-seen order."""
    return list(dict.fromkeys(found))

"""Text helpers shared by the parsers and the merge: title identity, slugs, author names."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_ORG_WORDS = frozenset(
    [
        "university",
        "universite",
        "université",
        "department",
        "dept",
        "institute",
        "institut",
        "laboratories",
        "laboratory",
        "lab",
        "labs",
        "research",
        "school",
        "college",
        "press",
        "springer",
        "google",
        "microsoft",
        "deepmind",
        "yahoo",
        "facebook",
        "center",
        "centre",
        "foundations",
        "journal",
        "proceedings",
        "assignment",
        "various",
        "science",
        "computer",
        "nec",
        "mlconf",
        "vol",
        "mit",
        "aalto",
        "cornell",
        "stanford",
        "toronto",
        "montreal",
        "montréal",
        "harvard",
        "sherbrooke",
        "singapore",
        "notes",
    ]
)
_PARTICLES = frozenset({"van", "der", "de", "von", "da", "del", "la", "le", "di", "du"})
_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w'’\".-]*|\"[A-Z][\w]*\")$")


def fold(text: str) -> str:
    """Unicode compatibility fold (ligatures like `ﬁ` become `fi`) without accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def squash(text: str) -> str:
    """Collapse every run of whitespace (tabs, newlines of wrapped titles) to one space."""
    return " ".join(text.split())


def title_key(title: str) -> str:
    """Identity of a title: lowercase letters and digits only.

    Dropping spaces and punctuation together makes 003's hyphen-less "GradientBased" equal
    to "Gradient-Based", and "Rectiﬁed" (a ligature) equal to "Rectified".
    """
    return _NON_ALNUM.sub("", fold(title).lower())


def slugify(text: str, max_length: int = 80) -> str:
    """A lowercase a-z0-9 slug with single hyphens, cut at a word boundary."""
    slug = _NON_ALNUM.sub("-", fold(text).lower()).strip("-")
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1]
    head = cut.rsplit("-", 1)[0] if "-" in cut else cut[:max_length]
    return head[:max_length].strip("-")


def find_year(text: str) -> int | None:
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def is_person_name(part: str) -> bool:
    """Whether `part` looks like one person's name ("G. E. Hinton", "Patrick van der Smagt").

    Used to tell authors from affiliations in "; authors; affiliation; year" tails; an
    organisation word (University, Google, Press, ...) or a digit disqualifies the part.
    """
    tokens = part.split()
    if not tokens or len(tokens) > 5 or any(ch.isdigit() for ch in part):
        return False
    if not _NAME_TOKEN.match(tokens[0]):
        return False
    for token in tokens:
        if token.lower().strip(".,") in _ORG_WORDS:
            return False
        if token.lower() in _PARTICLES:
            continue
        if not _NAME_TOKEN.match(token):
            return False
    return True


def split_names(text: str) -> list[str]:
    """Split "A, B and C" / "A & B" / "A und B" into parts, dropping "et al"."""
    text = squash(text)
    text = re.sub(r"\bet al\.?", "", text).strip(" ,.;")
    parts = re.split(r",\s*(?:and\s+|&\s+)?|\s+(?:and|und|&)\s+", text)
    names = []
    for part in parts:
        name = part.strip(" ,;")
        if name.endswith(".") and not re.search(r"\b[A-Z]\.$", name):
            name = name[:-1].rstrip()  # a sentence's full stop, not an initial's
        if name:
            names.append(name)
    return names


def leading_names(text: str) -> list[str]:
    """The person names at the start of `text`, up to the first part that is not a name."""
    names: list[str] = []
    for part in split_names(text):
        if not is_person_name(part):
            break
        names.append(part)
    return names


def sentence_case_start(text: str) -> str:
    """Capitalise a description fragment ("shows how ..." -> "Shows how ...") and end it."""
    text = squash(text).strip(" -–—:")
    if not text:
        return text
    text = text[0].upper() + text[1:]
    if text[-1] not in ".!?)]…":
        text += "."
    return text


_HYPHEN_BREAK = re.compile(r"\b([A-Za-z]{2,})- ([a-z]{2,})\b")
_SUSPENDED = frozenset({"and", "or", "to", "as", "nor", "versus", "vs"})
_GLUED_AFTER_HYPHEN = re.compile(r"(?<=-)([A-Z][a-z]+)([A-Z][a-z]{2,})\b")
_CITATION = re.compile(r"(?:,\s*)?\s?\[\d+(?:\s*[,–-]\s*\d+)*\]")


def clean_document_text(text: str) -> str:
    """A document's abstract without the marks of its PDF: line-end hyphenation joined
    ("excel- lent" -> "excellent", but "pre- and post-" kept), a word glued to the next one
    after a hyphen split ("Short-TermMemory" -> "Short-Term Memory"), citation markers
    dropped ("(5.1%, [22])" -> "(5.1%)"). Words glued without a mark ("amultilayered") are
    beyond a safe rule: the curation file fixes those (`text_fixes`)."""

    def join(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        return match.group(0) if tail in _SUSPENDED else head + tail

    text = _HYPHEN_BREAK.sub(join, text)
    text = _GLUED_AFTER_HYPHEN.sub(r"\1 \2", text)
    text = _CITATION.sub("", text)
    return squash(text)


_BARE_INITIAL = re.compile(r"\b([A-Z])(?=\s+[A-Z][a-z])")


def normalise_name(name: str) -> str:
    """A person's name as shown: compatibility characters unfolded ("Geoﬀrey" with the ﬀ
    ligature -> "Geoffrey", NFKC) and a bare initial given its full stop ("I Sutskever" ->
    "I. Sutskever")."""
    name = squash(unicodedata.normalize("NFKC", name))
    return _BARE_INITIAL.sub(r"\1.", name)

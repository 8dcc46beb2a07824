"""Text handling shared by indexing and querying: one normaliser, one tokeniser, one stemmer.

Index and query must cut words the same way or nothing matches, so both go through here.
Stemming (Snowball) merges `networks`/`network` and `recurrent`/`recurrence` without a list
of hand-written suffix rules; stems are cached because the same few thousand words recur.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

import snowballstemmer

from recommender.stop_words import SKLEARN_ENGLISH_STOP_WORDS
from recommender.vocabulary import ACRONYMS, STEM_EXCEPTIONS, SYNONYMS

_WORD = re.compile(r"[a-z0-9]+(?:\+\+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(\[])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# sklearn's list drops a few words that carry meaning in this domain.
STOP_WORDS: frozenset[str] = SKLEARN_ENGLISH_STOP_WORDS - {"computer", "system", "systems"}
_stemmer = snowballstemmer.stemmer("english")


def strip_control(text: str) -> str:
    """Text without control characters (tabs and newlines become spaces)."""
    return _CONTROL.sub("", text.replace("\t", " ").replace("\r", " ").replace("\n", " "))


def normalise(text: str) -> str:
    """Lowercase NFKC text: ligatures unfolded (`ﬁ` → `fi`), full-width letters made plain."""
    return unicodedata.normalize("NFKC", strip_control(text)).lower()


def words(text: str) -> list[str]:
    """Surface words of a text: lowercase alphanumeric runs (`c++` kept), one letter dropped."""
    return [w for w in _WORD.findall(normalise(text)) if len(w) > 1 or w.isdigit()]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball stem; an acronym's plural (`rnns`, `gans`) folds onto the acronym, and British
    `-isation` onto `-ization` (regularisation, normalisation, optimisation). Words listed in
    STEM_EXCEPTIONS keep their own stem (`transformers` is not `transformations`)."""
    if len(word) > 2 and word.endswith("s") and word[:-1] in ACRONYMS:
        word = word[:-1]
    if "isation" in word:
        word = word.replace("isation", "ization")
    if word in STEM_EXCEPTIONS:
        return STEM_EXCEPTIONS[word]
    return str(_stemmer.stemWord(word))


def content_stems(surface: Iterable[str]) -> list[str]:
    """Stems of the words that are not stop words, in order."""
    return [stem(w) for w in surface if w not in STOP_WORDS]


def with_bigrams(stems: Sequence[str]) -> list[str]:
    """Unigrams plus adjacent pairs (`neural network`), the features the index is built on."""
    return [*stems, *(f"{a} {b}" for a, b in itertools.pairwise(stems))]


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph: cut after . ! ? followed by a capital; short bits dropped."""
    flat = " ".join(strip_control(text).split())
    return [s.strip() for s in _SENTENCE_END.split(flat) if len(s.split()) >= 3]


_LEANING_START = frozenset(
    [
        "it",
        "its",
        "they",
        "them",
        "their",
        "he",
        "she",
        "his",
        "her",
        "we",
        "our",
        "us",
        "however",
        "moreover",
        "furthermore",
        "additionally",
        "also",
        "thus",
        "hence",
        "therefore",
        "but",
        "then",
        "finally",
        "instead",
        "similarly",
        "likewise",
        "nevertheless",
        "nonetheless",
        "conversely",
        "consequently",
        "accordingly",
        "otherwise",
        "besides",
        "meanwhile",
        "still",
        "yet",
        "second",
        "secondly",
        "third",
        "thirdly",
        "lastly",
        "next",
        "here",
    ]
)
_SELF_NOUNS = frozenset(
    [
        "paper",
        "work",
        "article",
        "chapter",
        "book",
        "post",
        "course",
        "tutorial",
        "video",
        "thesis",
        "survey",
        "review",
        "note",
        "notes",
        "site",
        "blog",
        "lecture",
        "talk",
        "monograph",
        "report",
        "section",
        "study",
        "page",
        "series",
        "repository",
        "list",
        "website",
        "letter",
        "essay",
        "abstract",
    ]
)
_DEMONSTRATIVE = re.compile(
    r"\b(?:this|these|those|such)\s+(?!as\b|that\b)([A-Za-z]+)", re.IGNORECASE
)
MAX_PASSAGE_SENTENCES = 3


def opens_unresolved(sentence: str) -> bool:
    """Whether a sentence opens with a pronoun, a linking word or a demonstrative that points
    outside it ("It also acts as ...", "We show ...", "However, ...", "These tasks ..."); "This
    paper" and "This chapter" name the document itself and need nothing."""
    head = sentence.split(" ", 2)
    first = head[0].strip(",;:\"“”'(").lower()
    if first in _LEANING_START:
        return True
    if first in {"this", "these", "those", "such"}:
        second = head[1].strip(",;:\"“”'()").lower() if len(head) > 1 else ""
        return second not in _SELF_NOUNS
    return False


def leans_on_previous(sentence: str) -> bool:
    """Whether a sentence needs the one before it to be understood: it opens unresolved, or
    points back with a demonstrative ("addressing this problem", "in such networks"). Only
    for a sentence that has one before it: a text's first sentence can refer only to itself."""
    if opens_unresolved(sentence):
        return True
    return any(m.group(1).lower() not in _SELF_NOUNS for m in _DEMONSTRATIVE.finditer(sentence))


def passage_spans(sentences: Sequence[str]) -> list[tuple[int, int] | None]:
    """For each sentence, the span [start, end] of sentences it needs to stand alone: itself,
    or with the sentences before it that it leans on (at most MAX_PASSAGE_SENTENCES); None
    when even that does not stand alone (the text's first sentence says "We ...")."""
    spans: list[tuple[int, int] | None] = []
    for end in range(len(sentences)):
        start: int | None = end
        while start is not None and start > 0 and leans_on_previous(sentences[start]):
            start -= 1
            if end - start + 1 > MAX_PASSAGE_SENTENCES:
                start = None
        if start == 0 and opens_unresolved(sentences[0]):
            start = None
        spans.append((start, end) if start is not None else None)
    return spans


def standalone_passages(text: str) -> list[str]:
    """The passages of a text for `ask`: each sentence, with the sentences it leans on before
    it, so that no passage opens with an unresolved "It", "We" or "this problem"."""
    sentences = split_sentences(text)
    return [
        " ".join(sentences[span[0] : span[1] + 1])
        for span in passage_spans(sentences)
        if span is not None
    ]


def _phrase_stems(phrase: str) -> tuple[str, ...]:
    return tuple(content_stems(words(phrase)))


def _build_equivalents() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """(phrase, phrase) pairs, both directions: acronym ↔ expansion and synonym ↔ synonym."""
    pairs: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for short, long in ACRONYMS.items():
        a, b = _phrase_stems(short), _phrase_stems(long)
        if a and b and a != b:
            pairs += [(a, b), (b, a)]
    for group in SYNONYMS:
        stems = [_phrase_stems(member) for member in group]
        pairs += [(x, y) for x in stems for y in stems if x and y and x != y]
    return tuple(dict.fromkeys(pairs))


def _by_first(
    pairs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...],
) -> dict[str, tuple[tuple[str, ...], ...]]:
    out: dict[str, tuple[tuple[str, ...], ...]] = {}
    for phrase, _ in pairs:
        out[phrase[0]] = tuple(dict.fromkeys((*out.get(phrase[0], ()), phrase)))
    return out


EQUIVALENTS = _build_equivalents()
_BY_FIRST = _by_first(EQUIVALENTS)


def equivalent_stems(stems: Sequence[str]) -> list[tuple[str, ...]]:
    """Phrases (as stems) to add because the text contains an acronym, an expansion or a synonym.

    `rnn` adds `recurr neural network`; "recurrent neural networks" adds `rnn`. Each added
    phrase comes once, so a long text is not tilted towards its acronyms. One pass over the
    text, looking up phrases by their first word (this runs for every resource and sentence).
    """
    starts = _BY_FIRST.keys() & set(stems)
    if not starts:
        return []
    found: set[tuple[str, ...]] = set()
    for i, word in enumerate(stems):
        if word not in starts:
            continue
        for phrase in _BY_FIRST[word]:
            if tuple(stems[i : i + len(phrase)]) == phrase:
                found.add(phrase)
    if not found:
        return []
    added: list[tuple[str, ...]] = []
    for phrase, other in EQUIVALENTS:
        if phrase in found and other not in found and other not in added:
            added.append(other)
    return added

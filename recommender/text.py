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
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from recommender.vocabulary import ACRONYMS, STEM_EXCEPTIONS, SYNONYMS

_WORD = re.compile(r"[a-z0-9]+(?:\+\+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(\[])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# sklearn's list drops a few words that carry meaning in this domain.
STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) - {"computer", "system", "systems"}
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

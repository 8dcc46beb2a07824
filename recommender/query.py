"""Reading what people type: `rnn beginner`, `best book on gans?`, `reccurent nets karpathy`.

A query is cut into level words (→ level), kind words (→ kind), filler (`best`, `how`, ...)
and content words; content words that the catalog has never seen are corrected against the
catalog's own words with rapidfuzz; acronyms and synonyms add their other spellings with a
lower weight, so `rnn` also searches "recurrent neural network" without drowning the acronym.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Container, Iterable
from dataclasses import dataclass, field

from recommender import fuzzy
from recommender.text import (
    STOP_WORDS,
    content_stems,
    equivalent_stems,
    split_sentences,
    stem,
    strip_control,
    with_bigrams,
    words,
)
from recommender.vocabulary import (
    ACRONYMS,
    GENERIC_WORDS,
    KIND_WORDS,
    KINDS,
    LEVEL_WORDS,
    LEVELS,
    QUERY_FILLER_WORDS,
    STEM_EXCEPTIONS,
    SYNONYMS,
    TOPICS,
)

MAX_QUERY_CHARS = 300
"""Longest query read, in characters; longer input is cut here (the CLI refuses it instead)."""

EXPANSION_WEIGHT = 0.6
EXPANSION_WORD_WEIGHT = 0.3
"""Weight of an acronym's or synonym's other spelling relative to the words typed; a single
word of a longer expansion (`machine` of "machine learning") weighs less than its phrase."""

MARKER_WEIGHT = 0.3
"""Level, kind and filler words also search the text, lightly, since titles use them too
("Deep Learning Book", "Introduction to ...", "Understanding LSTM Networks")."""

_ADJECTIVES = frozenset({"hard", "easy"})
"""Level words that, followed by "to", describe the subject ("hard to train") instead."""

GENERIC_STEMS = frozenset(stem(w) for w in GENERIC_WORDS)

MIN_TYPO_LENGTH = 4


VOCABULARY_WORDS = frozenset(
    [
        *ACRONYMS,
        *STEM_EXCEPTIONS,
        *(t for topic in TOPICS for t in topic.terms if " " not in t and "-" not in t),
        *(w for group in SYNONYMS for w in group if " " not in w and "-" not in w),
    ]
)
"""Words the vocabulary knows: never "corrected" into a catalog word (`transformers` is not a
typo of "transformations", even in a catalog without transformers)."""

_MAX_REMEMBERED = 10_000  # typo corrections remembered per parser (a bot sees the same typos)


class QueryError(ValueError):
    """Input that is not a query at all (empty, only symbols, control characters, too long)."""


def clean_query(text: str) -> str:
    """Control characters dropped, whitespace collapsed, cut at MAX_QUERY_CHARS."""
    return " ".join(strip_control(text).split())[:MAX_QUERY_CHARS].strip()


def check_query(text: str) -> str:
    """The cleaned query, or QueryError saying plainly what is wrong with the input."""
    if not text or not text.strip():
        raise QueryError("the query is empty: type a few words, e.g. `rnn beginner`")
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text):
        raise QueryError("the query contains control characters; type plain words")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is too long ({len(text)} characters; at most {MAX_QUERY_CHARS})"
        )
    cleaned = clean_query(text)
    if not words(cleaned):
        raise QueryError("the query has no words or numbers to search for")
    return cleaned


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """What a query asks for. `terms` are the content words after typo correction."""

    text: str
    terms: tuple[str, ...] = ()
    level: str | None = None
    kind: str | None = None
    corrections: tuple[tuple[str, str], ...] = ()
    topics: tuple[str, ...] = ()
    features: dict[str, float] = field(default_factory=dict, compare=False, hash=False)

    @property
    def has_terms(self) -> bool:
        return bool(self.features)


def _topic_phrases() -> tuple[tuple[tuple[str, ...], str], ...]:
    phrases = []
    for topic in TOPICS:
        for term in (*topic.terms, topic.label, topic.slug.replace("-", " ")):
            stems = tuple(content_stems(words(term)))
            if stems:
                phrases.append((stems, topic.slug))
    return tuple(dict.fromkeys(phrases))


_TOPIC_PHRASES = _topic_phrases()


def match_topics(stems: Iterable[str]) -> tuple[str, ...]:
    """Topic slugs whose terms occur as a phrase in the stems, in vocabulary order."""
    seq = list(stems)
    grams = {tuple(seq[i : i + n]) for n in (1, 2, 3, 4) for i in range(len(seq) - n + 1)}
    found = {slug for phrase, slug in _TOPIC_PHRASES if phrase in grams}
    return tuple(t.slug for t in TOPICS if t.slug in found)


class QueryParser:
    """Parses queries against one index's vocabulary (built once per engine).

    With a `base` parser, typos are corrected against the base's words and `catalog_words`
    together, without copying the base's word lists: an overlay of a server's additions
    (overlay.py) builds one in microseconds and still knows its new words (`known_stems`
    then holds the base's stems and the new ones, so a new word is never "corrected").
    """

    def __init__(
        self,
        catalog_words: Iterable[str],
        known_stems: Container[str],
        base: QueryParser | None = None,
    ) -> None:
        self._known = known_stems
        self._base = base
        special = [] if base is not None else [*LEVEL_WORDS, *KIND_WORDS, *ACRONYMS]
        self._by_letter: dict[str, list[str]] = {}
        for choice in dict.fromkeys([*catalog_words, *special]):
            self._by_letter.setdefault(choice[0], []).append(choice)
        self._corrected: dict[str, str] = {}

    def _closest(self, word: str) -> str | None:
        """The known word closest to `word` (same first letter), the base's first on a tie."""
        candidates = self._by_letter.get(word[0], ())
        best = fuzzy.best(word, candidates, cutoff=fuzzy.TYPO, scorer="ratio")
        found = (str(candidates[best[0]]), best[1]) if best else None
        if self._base is not None:
            inherited = self._base._by_letter.get(word[0], ())
            other = fuzzy.best(word, inherited, cutoff=fuzzy.TYPO, scorer="ratio")
            if other and (found is None or other[1] >= found[1]):
                found = (str(inherited[other[0]]), other[1])
        return found[0] if found else None

    def _correct(self, word: str) -> str:
        if (
            len(word) < MIN_TYPO_LENGTH
            or word.isdigit()
            or stem(word) in self._known
            or word in VOCABULARY_WORDS
        ):
            return word
        if word not in self._corrected:
            if len(self._corrected) >= _MAX_REMEMBERED:
                self._corrected.clear()
            fixed = self._closest(word) or word
            if fixed.rstrip("s") == word.rstrip("s"):  # `adam` is not a typo of "Adams"
                fixed = word
            self._corrected[word] = fixed
        return self._corrected[word]

    def parse(self, text: str, level: str | None = None, kind: str | None = None) -> ParsedQuery:
        """Split a query into level, kind and content; explicit level/kind win over words."""
        if level is not None and level not in LEVELS:
            raise ValueError(f"unknown level {level!r} (one of: {', '.join(LEVELS)})")
        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r} (one of: {', '.join(KINDS)})")
        cleaned = clean_query(text)
        terms: list[str] = []
        markers: list[str] = []
        corrections: list[tuple[str, str]] = []
        word_level = word_kind = None
        raw_words = words(cleaned)
        for i, raw in enumerate(raw_words):
            if raw in STOP_WORDS:
                continue
            if raw in QUERY_FILLER_WORDS:
                markers.append(raw)
                continue
            word = raw if raw in LEVEL_WORDS or raw in KIND_WORDS else self._correct(raw)
            if word != raw:
                corrections.append((raw, word))
            # "hard to train", "easy to read": an adjective of the sentence, not a level asked for
            describes = raw in _ADJECTIVES and raw_words[i + 1 : i + 2] == ["to"]
            if word in LEVEL_WORDS and word_level is None and not describes:
                word_level = LEVEL_WORDS[word]
                markers.append(word)
            elif word in KIND_WORDS and word_kind is None:
                word_kind = KIND_WORDS[word]
                markers.append(word)
            elif word in LEVEL_WORDS or word in KIND_WORDS:
                markers.append(word)
            else:
                terms.append(word)
        stems = content_stems(terms)
        features: dict[str, float] = dict.fromkeys(with_bigrams(stems), 1.0)
        for phrase in equivalent_stems(stems):
            single = len(phrase) == 1
            for feature in with_bigrams(phrase):
                weight = EXPANSION_WEIGHT if single or " " in feature else EXPANSION_WORD_WEIGHT
                features.setdefault(feature, weight)
        if features:  # "deep learning book" may name a title; "book" alone is only a kind
            for marker in content_stems(markers):
                features.setdefault(marker, MARKER_WEIGHT)
        topics = match_topics(stems)
        return ParsedQuery(
            text=cleaned,
            terms=tuple(terms),
            level=level or word_level,
            kind=kind or word_kind,
            corrections=tuple(corrections),
            topics=topics,
            features=features,
        )


def coverage(parsed: ParsedQuery, present: Container[str]) -> float:
    """Share of the query's own words found among `present` stems, as typed or in another
    spelling (`dqn` is covered by most of "deep q-network reinforcement learning atari").

    A match that rests only on typo corrections while words typed as-is find nothing is no
    match (`cook pasta` must not answer with a sentence about "the past three decades").
    """
    fixed = {stem(new) for _, new in parsed.corrections}
    stems = list(dict.fromkeys(content_stems(parsed.terms)))
    if not stems:
        return 0.0

    def covered(s: str) -> bool:
        if s in present:
            return True
        return any(
            sum(p in present for p in phrase) >= 0.6 * len(phrase)
            for phrase in equivalent_stems([s])
        )

    hits = {s for s in stems if covered(s)}
    as_typed = [s for s in stems if s not in fixed]
    if as_typed and not hits.intersection(as_typed):
        return 0.0
    return len(hits) / len(stems)


def meaningful_stems(parsed: ParsedQuery) -> tuple[str, ...]:
    """The query's words that say what it is about: its content stems minus generic ones
    (`networks`, `learning`, `recipe`); all of them when every word is generic."""
    stems = tuple(dict.fromkeys(content_stems(parsed.terms)))
    specific = tuple(s for s in stems if s not in GENERIC_STEMS)
    return specific or stems


PHRASE_SHARE = 0.6
"""Share of another spelling's meaningful words a text needs to hold the word it stands for."""


def other_spellings(word: str) -> list[tuple[str, ...]]:
    """The meaningful stems of each acronym expansion or synonym of a stem: `rnn` → (recurr,),
    `dqn` → (reinforc, atari); generic words (`deep`, `network`) are left out, so a text does
    not hold `dqn` by saying "deep network learning"."""
    out = []
    for phrase in equivalent_stems([word]):
        core = tuple(p for p in phrase if p not in GENERIC_STEMS) or phrase
        out.append(core)
    return out


def needed(count: int) -> int:
    """How many of `count` meaningful words a result must hold: all of one or two, two thirds
    of a longer query (a whole question carries a word or two that no title repeats)."""
    return count if count <= 2 else math.ceil(2 * count / 3)


def matches(parsed: ParsedQuery, present: Container[str]) -> bool:
    """The rule every answer obeys: the result holds the query's meaningful words.

    A word counts when the result has its stem, or most of an acronym's or synonym's other
    spelling (`rnn` is held by "recurrent neural network"). Stems are compared after the
    stemming exceptions, so a stem collision (`transformers`/"transformations",
    `adam`/"Adams") never counts. At least `needed(n)` of the n meaningful words must be held,
    and one of them as typed (not only through a typo correction). Off-domain queries
    (`sourdough bread recipe`, `tax law`) hold none and answer nothing.
    """
    required = meaningful_stems(parsed)
    if not required:
        return False
    fixed = {stem(new) for _, new in parsed.corrections}

    def held(s: str) -> bool:
        return s in present or any(
            sum(p in present for p in core) >= PHRASE_SHARE * len(core)
            for core in other_spellings(s)
        )

    hits = [s for s in required if held(s)]
    as_typed = [s for s in required if s not in fixed]
    if as_typed and not any(s in as_typed for s in hits):
        return False
    return len(hits) >= needed(len(required))


_WHAT_IS = re.compile(
    r"^\s*(?:what|who)(?:'s|\s+(?:is|are|was|were))\s+(?:an?\s+|the\s+)?(?P<subject>[^?.!]+?)"
    r"\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_DEFINING_VERBS = frozenset({"is", "are", "was", "were", "refers", "means", "denotes"})
_INTRODUCING_VERBS = frozenset({"introduces", "proposes", "presents", "defines"})
_ARTICLES = frozenset({"the", "an"})  # `words` already drops "a"


def defined_subject(question: str) -> tuple[tuple[str, ...], ...]:
    """For a "what is X" question, X as stems and in its other spellings (`what is an llm`
    gives `llm` and `large language model`); empty for any other question."""
    match = _WHAT_IS.match(clean_query(question))
    if not match:
        return ()
    subject = tuple(content_stems(words(match.group("subject"))))
    if not subject:
        return ()
    return (subject, *equivalent_stems(list(subject)))


def defines(passage: str, subjects: tuple[tuple[str, ...], ...]) -> bool:
    """Whether a sentence of the passage defines the subject: "Dropout is a technique ...",
    "Batch Normalization allows ..." does not; "Introduces the Transformer, ..." does."""
    for sentence in split_sentences(passage) or [passage]:
        surface = words(sentence)
        if surface[:1] and surface[0] in _INTRODUCING_VERBS:
            surface = surface[1:]
        introduced = len(surface) < len(words(sentence))
        while surface[:1] and surface[0] in _ARTICLES:
            surface = surface[1:]
        stems = [stem(w) for w in surface]
        for subject in subjects:
            n = len(subject)
            if tuple(stems[:n]) != subject:
                continue
            if introduced or (surface[n : n + 1] and surface[n] in _DEFINING_VERBS):
                return True
    return False

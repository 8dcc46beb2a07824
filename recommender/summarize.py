"""Extractive summaries: the 2-3 sentences of an abstract that say most of what it says.

Sentences are ranked by TF-IDF centrality (LexRank without the random walk: the summed cosine
of a sentence with the others, plus with the abstract as a whole), then shown in the order the
author wrote them. A chosen sentence that leans on the one before it ("It also acts as ...",
"a technique for addressing this problem") brings that sentence along, and one that cannot be
resolved that way is passed over, so a summary never opens with an unresolved reference. No
network, no language model: every word is the author's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import numpy as np

from recommender.index import sentence_features, weigh
from recommender.text import content_stems, passage_spans, split_sentences, words

MAX_SENTENCES = 3
MAX_SUMMARY_CHARS = 420
NO_SUMMARY = "No summary available."
NAME_BONUS = 0.5
_LEANING = frozenset(
    [
        "however",
        "also",
        "moreover",
        "furthermore",
        "additionally",
        "but",
        "thus",
        "hence",
        "this",
        "these",
        "it",
    ]
)
_CONTRIBUTION = ("we propose", "we present", "we introduce", "we show", "key idea", "this paper")


def _vectors(sentences: list[str], vocabulary: Mapping[str, int], idf: np.ndarray) -> np.ndarray:
    dense = np.zeros((len(sentences), len(idf)), dtype=np.float32)
    for row, sentence in enumerate(sentences):
        counts = Counter(sentence_features(sentence))
        ids, weights = weigh(vocabulary, idf, {f: 1.0 + np.log(c) for f, c in counts.items()})
        dense[row, ids] = weights
    return dense


def centrality(sentences: list[str], vocabulary: Mapping[str, int], idf: np.ndarray) -> np.ndarray:
    """How central each sentence is to the others (higher = says more of the whole)."""
    vectors = _vectors(sentences, vocabulary, idf)
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, 0.0)
    whole = vectors.sum(axis=0)
    norm = float(np.linalg.norm(whole)) or 1.0
    return np.asarray(sims.sum(axis=1) + vectors @ (whole / norm), dtype=np.float32)


def _cue(sentence: str) -> float:
    """+ for a sentence that states the contribution, - for one that leans on the previous."""
    lowered = sentence.lower()
    first = lowered.split(" ", 1)[0].strip(",")
    value = -0.3 if first in _LEANING else 0.0
    return value + (0.2 if any(c in lowered for c in _CONTRIBUTION) else 0.0)


def sentence_scores(
    sentences: list[str], vocabulary: Mapping[str, int], idf: np.ndarray, title: str = ""
) -> np.ndarray:
    """Centrality, plus closeness to the title (what the paper is about), plus cue words."""
    central = centrality(sentences, vocabulary, idf)
    central = central / (float(central.max()) or 1.0)
    scores = central + np.array([_cue(s) for s in sentences], dtype=np.float32)
    if title:
        vectors = _vectors([*sentences, title], vocabulary, idf)
        about = vectors[:-1] @ vectors[-1]
        scores += about / (float(about.max()) or 1.0)
        name, colon, _ = title.partition(":")
        name_stems = set(content_stems(words(name)))
        if colon and 0 < len(name_stems) <= 4:  # "Dropout: A Simple Way ..." names the idea
            for i, sentence in enumerate(sentences):
                if name_stems <= set(content_stems(words(sentence))):
                    scores[i] += NAME_BONUS
    return scores


def summarize(
    text: str | None,
    vocabulary: Mapping[str, int],
    idf: np.ndarray,
    title: str = "",
    max_sentences: int = MAX_SENTENCES,
) -> str:
    """2-3 central sentences in reading order; a short text is returned whole."""
    if not text or not text.strip():
        return NO_SUMMARY
    flat = " ".join(text.split()).strip("[]… ")
    sentences = split_sentences(flat)
    spans = passage_spans(sentences)
    if (len(sentences) <= 2 or len(flat) <= MAX_SUMMARY_CHARS // 2) and spans[:1] == [(0, 0)]:
        return flat
    scores = sentence_scores(sentences, vocabulary, idf, title)
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    chosen: set[int] = set()
    for i in ranked:
        span = spans[i]
        if len(chosen) >= max_sentences or span is None or i in chosen:
            continue
        unit = set(range(span[0], span[1] + 1)) - chosen
        length = sum(len(sentences[j]) + 1 for j in chosen | unit)
        if chosen and length > MAX_SUMMARY_CHARS and len(chosen) >= 2:
            continue
        if len(chosen) + len(unit) > max_sentences + 1:
            continue
        chosen |= unit
    if not chosen:
        return NO_SUMMARY
    return " ".join(sentences[i] for i in sorted(chosen))

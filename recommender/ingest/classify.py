"""Kind, topics and level of a merged entry, by documented rules (curation overrides all).

Level rule, in order:
  1. The guide's ★ rating where it rates the resource: ★ beginner, ★★ intermediate,
     ★★★ advanced (`level_source: rating`).
  2. Otherwise (`level_source: curated`, i.e. by this rule or by hand):
     - research papers are advanced;
     - courses, posts, tutorials, videos and websites whose title or description says they
       are for starting out ("beginner", "start from scratch", "introduction", "gentle",
       "easiest", "first principles", "step-by-step", ...) are beginner;
     - forums are beginner (anyone can read and ask there);
     - everything else (books, other courses, posts, tutorials, videos, websites) is
       intermediate.
  3. the curation file (recommender/data/curation.yaml) sets the level by hand where the rule
     is wrong (a survey paper that reads well, an introductory textbook that is still hard
     going, ...).

Kind rule: a strong hint from the document (its "Online Courses" section, "a book by", "a blog
post"), else the link's host (YouTube: video, arXiv: paper, Coursera: course, a blog host:
blog, ...), else words of the title ("book", "course", "tutorial", "lecture notes"), else the
section's weak hint ("Academic Papers": paper), else website.

Topics: vocabulary terms found in the title (weight 3) and the description (weight 1), plus
the topic of the section (weight 2, table `SECTION_TOPICS`); topics scoring 2 or more are
kept, best first, at most `MAX_TOPICS`; a resource with none gets its single best topic, or
`deep-learning`.
"""

from __future__ import annotations

import re
from functools import cache

from recommender.ingest.text import fold
from recommender.vocabulary import STARS_TO_LEVEL, TOPICS

MAX_TOPICS = 4
STRONG_KIND_HINTS = frozenset({"course", "forum", "website", "book", "blog", "tutorial", "video"})
HOST_KINDS: tuple[tuple[str, str], ...] = (
    ("youtube.com", "video"),
    ("youtu.be", "video"),
    ("arxiv.org", "paper"),
    ("reddit.com", "forum"),
    ("quora.com", "forum"),
    ("plus.google.com", "forum"),
    ("datatau.com", "forum"),
    ("coursera.org", "course"),
    ("udacity.com", "course"),
    ("ocw.mit.edu", "course"),
    ("khanacademy.org", "course"),
    ("colah.github.io", "blog"),
    ("karpathy.github.io", "blog"),
    ("iamtrask.github.io", "blog"),
    ("mattmazur.com", "blog"),
    ("timdettmers.com", "blog"),
    ("wildml.com", "blog"),
    ("blog.", "blog"),
    ("github.com", "website"),
)
TITLE_KINDS: tuple[tuple[str, str], ...] = (
    (r"\b(?:hand|cook)?books?\b", "book"),
    (r"\b(?:course|class|couse)\b", "course"),
    (r"\btutorial\b", "tutorial"),
    (r"\b(?:lecture )?notes\b|\bcheatsheet\b", "tutorial"),
    (r"\b(?:lecture|video)s?\b", "video"),
    (r"\bdemo\b", "website"),
)
SECTION_TOPICS: tuple[tuple[str, str], ...] = (
    ("reinforcement", "reinforcement-learning"),
    ("linear algebra", "linear-algebra"),
    ("dialog", "dialog"),
    ("thought vectors", "embeddings"),
    ("memory architectures", "memory-networks"),
    ("fora", "community"),
    ("personal websites", "research-practice"),
    ("prerequisites", "programming"),
    ("machine learning", "ml-basics"),
    ("frameworks", "frameworks"),
    ("convolutional", "cnn"),
    ("recurrent", "rnn"),
    ("neural networks", "neural-networks"),
    ("autoencoders", "autoencoders"),
    ("probabilistic graphical", "probabilistic-models"),
    ("research", "research-practice"),
    ("reading papers", "research-practice"),
    ("reading lists", "research-practice"),
    ("starting with deep learning", "deep-learning"),
    ("general deep learning", "deep-learning"),
)
BEGINNER_CUES = re.compile(
    r"\bbeginner|start ?from ?scratch|starts from scratch|\bintroduction\b|\bintro\b|\bgentle"
    r"|\beasiest\b|first principles|step by step|\bbasics\b|demystified|explained visually"
    r"|\b11 lines\b|goldmine to start",
    re.IGNORECASE,
)
BEGINNER_CUE_KINDS = frozenset({"course", "blog", "tutorial", "video", "website"})


def _host(url: str | None) -> str:
    if not url:
        return ""
    return url.split("://", 1)[-1].split("/", 1)[0].lower().removeprefix("www.")


def classify_kind(hints: tuple[str, ...], url: str | None, title: str) -> str:
    """The kind by the rule in this module's docstring; `hints` from the documents, best first."""
    strong = [hint for hint in hints if hint in STRONG_KIND_HINTS]
    if strong:
        return strong[0]
    host = _host(url)
    for fragment, kind in HOST_KINDS:
        if host == fragment or host.endswith("." + fragment) or host.startswith(fragment):
            return kind
    lowered = title.lower()
    for pattern, kind in TITLE_KINDS:
        if re.search(pattern, lowered):
            return kind
    return hints[0] if hints else "website"


def classify_level(
    stars: int | None, kind: str, title: str, description: str | None
) -> tuple[str, str]:
    """(level, level_source) by the rule in this module's docstring."""
    if stars in STARS_TO_LEVEL:
        return STARS_TO_LEVEL[stars], "rating"
    if kind == "paper":
        return "advanced", "curated"
    text = f"{title} {description or ''}".replace("-", " ")
    if kind in BEGINNER_CUE_KINDS and BEGINNER_CUES.search(text):
        return "beginner", "curated"
    if kind == "forum":
        return "beginner", "curated"
    return "intermediate", "curated"


def _normal(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9&+#]+", " ", fold(text).lower()) + " "


@cache
def _terms_longest_first() -> tuple[tuple[str, str], ...]:
    pairs = {(_normal(term), topic.slug) for topic in TOPICS for term in topic.terms}
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0], p[1])))


def _hits(text: str) -> dict[str, int]:
    """Topic -> number of its terms in `text`, longest terms first: a term found inside a
    longer one ("memory" in "long short-term memory") does not count again."""
    hits: dict[str, int] = {}
    for term, slug in _terms_longest_first():
        if not term.strip() or term not in text:
            continue
        hits[slug] = hits.get(slug, 0) + 1
        text = text.replace(term, " | ")
    return hits


def classify_topics(title: str, description: str | None, sections: list[str]) -> tuple[str, ...]:
    """Topic slugs by the rule in this module's docstring, best first."""
    title_text = _normal(title)
    description_text = _normal(description or "")
    scores: dict[str, int] = {}
    in_title, in_description = _hits(title_text), _hits(description_text)
    for slug in set(in_title) | set(in_description):
        scores[slug] = 3 * min(in_title.get(slug, 0), 1) + min(in_description.get(slug, 0), 2)
    for section in sections:
        lowered = section.lower()
        for fragment, slug in SECTION_TOPICS:
            if fragment in lowered:
                scores[slug] = scores.get(slug, 0) + 2
                break
    order = {t.slug: i for i, t in enumerate(TOPICS)}
    ranked = sorted(scores, key=lambda slug: (-scores[slug], order[slug]))
    kept = [slug for slug in ranked if scores[slug] >= 2][:MAX_TOPICS]
    if kept:
        return tuple(kept)
    return (ranked[0],) if ranked else ("deep-learning",)

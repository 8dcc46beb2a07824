"""Ranking quality: nDCG@5, MRR@10 and Recall@10 of deepread against a plain TF-IDF baseline.

    python bench/quality.py [--catalog PATH] [--queries bench/queries.yaml]
                            [--modern bench/queries-modern.yaml] [--verbose]

Two query sets, each with graded relevant resources (3 = what the query asks for, 2 = a very
good answer, 1 = a relevant one), written the way people type (acronyms, level and kind words,
typos, names, whole questions):
  - `bench/queries.yaml`, the original set, graded on the seed lists' resources. It is
    reported twice: over the seed resources only (the catalog it was graded on: comparable
    with earlier figures, so a ranking rule that hurts it shows) and over the whole catalog
    (where new, ungraded resources may take places);
  - `bench/queries-modern.yaml`, graded on the modern curated resources before the ranking
    rules were tuned for them, plus `off_domain` queries whose right answer is nothing: the
    report counts how many of them recommend, paper and ask answer with nothing.
The baseline is what a first attempt would be: scikit-learn's default TfidfVectorizer over
title + description, cosine. Prints figures; exits 0 either way (a benchmark reports, it
does not gate).
"""

from __future__ import annotations

import argparse
import math
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer

from recommender import query as query_module
from recommender import text as text_module
from recommender.catalog import Catalog, default_catalog_path, load_catalog
from recommender.engine import Engine

QUERIES_FILE = Path(__file__).with_name("queries.yaml")
MODERN_FILE = Path(__file__).with_name("queries-modern.yaml")
Ranker = Callable[[str], list[str]]


@dataclass(frozen=True)
class Judged:
    query: str
    style: str
    relevant: Mapping[str, int]


def load_queries(path: Path, catalog: Catalog) -> list[Judged]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for item in data["queries"]:
        unknown = [rid for rid in item["relevant"] if catalog.by_id(rid) is None]
        if unknown:
            raise SystemExit(f"{item['query']!r}: ids not in the catalog: {unknown}")
        # a judged resource renamed since (its former id) keeps its grade under its new id
        relevant = {_current_id(catalog, rid): grade for rid, grade in item["relevant"].items()}
        out.append(Judged(item["query"], item.get("style", "plain"), relevant))
    return out


def _current_id(catalog: Catalog, rid: str) -> str:
    resource = catalog.by_id(rid)
    return resource.id if resource is not None else rid


def ndcg(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 5) -> float:
    dcg = sum(
        (2 ** relevant.get(rid, 0) - 1) / math.log2(i + 2) for i, rid in enumerate(ranked[:k])
    )
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def mrr(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> float:
    for i, rid in enumerate(ranked[:k]):
        if relevant.get(rid, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def recall(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> float:
    wanted = {rid for rid, g in relevant.items() if g > 0}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


def baseline(catalog: Catalog) -> Ranker:
    """Plain TF-IDF over title + description with scikit-learn's defaults."""
    texts = [f"{r.title} {r.description or ''}" for r in catalog]
    vectorizer = TfidfVectorizer()
    matrix = vectorizer.fit_transform(texts)
    ids = [r.id for r in catalog]

    def rank(query: str) -> list[str]:
        scores = (matrix @ vectorizer.transform([query]).T).toarray().ravel()
        order = np.lexsort((np.arange(len(ids)), -scores))
        return [ids[i] for i in order[:10] if scores[i] > 0]

    return rank


def deepread(engine: Engine) -> Ranker:
    def rank(query: str) -> list[str]:
        return [r.resource.id for r in engine.recommend(query, k=10).results]

    return rank


class _NoStemmer:
    def stemWord(self, word: str) -> str:
        return word


@contextmanager
def stemming_off() -> Iterator[None]:
    """The engine with stemming disabled (an ablation: does stemming measurably help?)."""
    saved = text_module._stemmer
    text_module._stemmer = _NoStemmer()

    def rebuild() -> None:
        text_module.stem.cache_clear()
        text_module.EQUIVALENTS = text_module._build_equivalents()
        text_module._BY_FIRST = text_module._by_first(text_module.EQUIVALENTS)
        query_module._TOPIC_PHRASES = query_module._topic_phrases()

    rebuild()
    try:
        yield
    finally:
        text_module._stemmer = saved
        rebuild()


def load_off_domain(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [str(q) for q in data.get("off_domain") or []]


def answered_nothing(engine: Engine, query: str) -> bool:
    """True when recommend, paper (no match, no suggestion) and ask all answer nothing."""
    paper = engine.paper(query)
    return (
        not engine.recommend(query).results
        and paper.match is None
        and not paper.suggestions
        and not engine.ask(query).passages
    )


def seed_only(catalog: Catalog) -> Catalog:
    """The resources of the seed lists alone: the catalog the original set was graded on."""
    return Catalog(r for r in catalog if r.origin == "seed")


def evaluate(rank: Ranker, judged: Sequence[Judged]) -> dict[str, list[float]]:
    scores: dict[str, list[float]] = defaultdict(list)
    for item in judged:
        ranked = rank(item.query)
        scores["nDCG@5"].append(ndcg(ranked, item.relevant))
        scores["MRR@10"].append(mrr(ranked, item.relevant))
        scores["Recall@10"].append(recall(ranked, item.relevant))
    return scores


def report(
    title: str, catalog: Catalog, judged: Sequence[Judged], verbose: bool, ablation: bool = False
) -> dict[str, float]:
    """Print one query set's figures against the baseline; return deepread's means."""
    systems = {"baseline": baseline(catalog), "deepread": deepread(Engine.from_catalog(catalog))}
    results = {name: evaluate(rank, judged) for name, rank in systems.items()}
    if ablation:
        with stemming_off():
            results["no-stem"] = evaluate(deepread(Engine.from_catalog(catalog)), judged)
    print(f"\n== {title}: {len(judged)} queries, {len(catalog)} resources")
    print(f"{'system':<10} {'nDCG@5':>8} {'MRR@10':>8} {'Recall@10':>10}")
    for name, scores in results.items():
        means = {metric: float(np.mean(values)) for metric, values in scores.items()}
        print(
            f"{name:<10} {means['nDCG@5']:8.3f} {means['MRR@10']:8.3f} {means['Recall@10']:10.3f}"
        )
    gain = np.mean(results["deepread"]["nDCG@5"]) - np.mean(results["baseline"]["nDCG@5"])
    print(f"nDCG@5 gain over baseline: {gain:+.3f} (target ≥ +0.25)")
    if ablation:
        print("(no-stem: deepread with stemming switched off, to check that stemming helps)")
    styles = sorted({j.style for j in judged})
    print("nDCG@5 by query style (n): baseline → deepread")
    for style in styles:
        rows = [i for i, j in enumerate(judged) if j.style == style]
        b = np.mean([results["baseline"]["nDCG@5"][i] for i in rows])
        d = np.mean([results["deepread"]["nDCG@5"][i] for i in rows])
        print(f"  {style:<10} ({len(rows):2d}): {b:.3f} → {d:.3f}")
    if verbose:
        print("per query (deepread nDCG@5, baseline nDCG@5), worst first:")
        order = np.argsort(results["deepread"]["nDCG@5"])
        for i in order:
            item = judged[i]
            top = systems["deepread"](item.query)[:5]
            print(
                f"  {results['deepread']['nDCG@5'][i]:.2f} {results['baseline']['nDCG@5'][i]:.2f}"
                f"  {item.query!r}: {top}"
            )
    return {metric: float(np.mean(v)) for metric, v in results["deepread"].items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=default_catalog_path())
    parser.add_argument("--queries", type=Path, default=QUERIES_FILE)
    parser.add_argument("--modern", type=Path, default=MODERN_FILE)
    parser.add_argument("--verbose", action="store_true", help="Per-query nDCG@5, worst first.")
    args = parser.parse_args()
    catalog = load_catalog(args.catalog)
    print(f"catalog: {args.catalog} ({len(catalog)} resources)")
    seeds = seed_only(catalog)
    old = load_queries(args.queries, seeds)
    report("original set, seed resources only", seeds, old, args.verbose, ablation=True)
    report("original set, whole catalog", catalog, old, args.verbose)
    if args.modern.exists():
        modern = load_queries(args.modern, catalog)
        report("modern set, whole catalog", catalog, modern, args.verbose)
        engine = Engine.from_catalog(catalog)
        off = load_off_domain(args.modern)
        nothing = [q for q in off if answered_nothing(engine, q)]
        print(f"\noff-domain queries answered with nothing: {len(nothing)} of {len(off)}")
        for query in off:
            if query not in nothing:
                print(f"  answered: {query!r}: {deepread(engine)(query)[:3]}")


if __name__ == "__main__":
    main()

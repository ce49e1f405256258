"""Story clustering benchmark, one command: `python benchmarks/clustering.py`.

Scores the story engine that production runs (`newsloom.intel.cluster.StoryEngine`, the
same code as ingestion, `newsloom cluster` and `newsloom recluster`) on every
hand-labelled stream (`benchmarks/story_sets.py`), next to two baselines, in one run:
* newsloom, cross-validated: for each stream set the model is fitted on the *other*
  stream sets only (trees and threshold), so no figure is a fit to its own data;
* TF-IDF: single-pass clustering on the cosine to story centroids over words and Han
  bigrams (title counted twice), IDF from the whole set, best threshold on the set itself;
* embedding: the same with the multilingual sentence embedding, best threshold.
Baselines get their best threshold from the set they are scored on, an upper bound on
what they can do. Where a second labeller labelled a set again, working apart, their
labels are scored like a system: the agreement of two people, the ceiling to read the
others against. Metrics: B-cubed and pairwise precision/recall/F1.

`--refit` fits the model on every stream set and writes the shipped
`newsloom/intel/story_model.json` (the same as `newsloom fit-stories` on exported sets).
`--shipped-levels` fits only the trees in each fold and takes the threshold and merge level
of the shipped model, which `--refit` chose on all sets (each scored by trees not fitted
on it): the trees stay cross-validated, those two numbers are not; for a machine too slow
to choose them again in every fold (hours on two slow cores).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import save  # noqa: E402
from benchmarks.story_sets import (  # noqa: E402
    bilingual_sets,
    demo_set,
    second_labellings,
    stream_sets,
)
from newsloom.intel.cluster import WINDOW, ArticleFeatures, in_order  # noqa: E402
from newsloom.intel.story_model import default_model, model_path  # noqa: E402
from newsloom.intel.story_training import (  # noqa: E402
    LabelledStream,
    bcubed,
    cluster_stream,
    fit,
    pairwise,
    training_pairs,
    trees_on,
)
from tests.corpora import require_corpora  # noqa: E402


def centroid_baseline(items: list[ArticleFeatures], vectors: dict[str, np.ndarray],
                      threshold: float, window: timedelta = WINDOW) -> dict[str, str]:
    """Join the most similar open story centroid above a threshold, nothing else."""
    centroids: list[np.ndarray] = []
    last: list = []
    out = {}
    for item in in_order(items):
        vector = vectors[item.key]
        best, best_similarity = -1, threshold
        for index, centroid in enumerate(centroids):
            if item.published - last[index] > window:
                continue
            similarity = float(centroid @ vector) / (float(np.linalg.norm(centroid)) or 1.0)
            if similarity >= best_similarity:
                best, best_similarity = index, similarity
        if best < 0:
            centroids.append(vector.copy())
            last.append(item.published)
            best = len(centroids) - 1
        else:
            centroids[best] = centroids[best] + vector
            last[best] = max(last[best], item.published)
        out[item.key] = str(best)
    return out


def tfidf_vectors(items: list[ArticleFeatures]) -> dict[str, np.ndarray]:
    docs = {i.key: Counter(list(i.title_tokens) * 2 + list(i.text_tokens)) for i in items}
    df = Counter(t for d in docs.values() for t in d)
    vocab = {t: n for n, t in enumerate(sorted(df))}
    out = {}
    for key, counts in docs.items():
        vector = np.zeros(len(vocab), dtype=np.float32)
        for token, count in counts.items():
            vector[vocab[token]] = (1 + math.log(count)) * math.log(1 + len(docs) / df[token])
        out[key] = vector / max(float(np.linalg.norm(vector)), 1e-9)
    return out


def row(stream: LabelledStream, system: str, predicted: dict[str, str],
        note: str = "") -> dict[str, object]:
    bp, br, bf = bcubed(stream.gold, predicted)
    pp, pr, pf = pairwise(stream.gold, predicted)
    return {"set": stream.name, "system": system, "b3_p": bp, "b3_r": br, "b3_f1": bf,
            "pair_p": pp, "pair_r": pr, "pair_f1": pf,
            "clusters": len(set(predicted.values())), "note": note}


def baselines(stream: LabelledStream) -> list[dict[str, object]]:
    rows = []
    for name, vectors, grid in (
            ("TF-IDF words+bigrams (best t)", tfidf_vectors(stream.items),
             np.arange(0.05, 0.9, 0.05)),
            ("embedding (best t)", {i.key: i.vector for i in stream.items},
             np.arange(0.3, 0.96, 0.025))):
        _score, threshold = max((bcubed(stream.gold, centroid_baseline(
            stream.items, vectors, t))[2], round(float(t), 3)) for t in grid)
        rows.append(row(stream, name, centroid_baseline(stream.items, vectors, threshold),
                        f"t={threshold}"))
    return rows


def _fold(job: tuple[LabelledStream, list[LabelledStream], dict, LabelledStream | None,
                    tuple[float, float] | None]) -> list[dict[str, object]]:
    """newsloom fitted on every set but `stream`, then scored on it, and the baselines;
    the same for `stream` with English reports added, when there is such a set. With
    `levels` (threshold, merge level) only the trees are fitted in the fold."""
    stream, streams, pairs, bilingual, levels = job
    others = [s for s in streams if s.name != stream.name]
    if levels is None:
        model = fit(others, pairs=pairs)
    else:
        model = (trees_on(pairs, [s.name for s in others]).with_threshold(levels[0])
                 .with_merge_at(levels[1]))
    rows = [row(stream, "newsloom (fitted on the other sets)",
                cluster_stream(stream.items, model), f"t={model.threshold}")]
    rows += baselines(stream)
    if bilingual is not None:
        predicted = cluster_stream(bilingual.items, model)
        rows.append(row(bilingual, "newsloom (fitted on the other sets)", predicted,
                        english_joined(bilingual, predicted)))
        rows += baselines(bilingual)
    print(f"  {stream.name} done", flush=True)
    return rows


def english_joined(stream: LabelledStream, predicted: dict[str, str]) -> str:
    """How many English reports of an event in Chinese landed with a Chinese report of it
    (and how many went into a story holding Chinese reports of other events)."""
    chinese = {i.key for i in stream.items if i.language != "en"}
    by_story: dict[str, set[str]] = {}
    for key in chinese:
        by_story.setdefault(predicted[key], set()).add(key)
    english = [i.key for i in stream.items if i.language == "en"]
    with_event = [k for k in english if any(stream.gold[c] == stream.gold[k] for c in chinese)]
    joined = sum(any(stream.gold[c] == stream.gold[k] for c in by_story.get(predicted[k], ()))
                 for k in with_event)
    wrong = sum(any(stream.gold[c] != stream.gold[k] for c in by_story.get(predicted[k], ()))
                for k in english)
    return f"English joined {joined}/{len(with_event)}, with wrong Chinese {wrong}/{len(english)}"


def describe(stream: LabelledStream) -> str:
    stories = Counter(stream.gold.values())
    return (f"{stream.name}: {len(stream.items)} articles, {len(stories)} stories, "
            f"{sum(1 for c in stories.values() if c == 1)} singletons")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--refit", action="store_true",
                        help="fit on every stream set and write the shipped model")
    parser.add_argument("--shipped-levels", action="store_true",
                        help="fit only the trees in each fold, at the shipped model's "
                             "threshold and merge level (about a tenth of the time)")
    args = parser.parse_args()
    require_corpora()
    started = time.perf_counter()
    streams = stream_sets()
    print(f"features for {sum(len(s.items) for s in streams)} articles in "
          f"{time.perf_counter() - started:.1f} s")
    for stream in streams:
        print(" ", describe(stream))
    if args.refit:
        model = fit(streams)
        model_path().write_text(model.to_json())
        print(f"wrote {model_path()} (threshold {model.threshold}, "
              f"{len(model.trees)} trees, fitted on {', '.join(model.trained_on)})")
        return
    pairs = {s.name: training_pairs(s) for s in streams}  # the same in every fold
    with ProcessPoolExecutor(2) as pool:  # one fold per core
        bilingual = bilingual_sets(streams)
        shipped = default_model()
        levels = (shipped.threshold, shipped.merge_at) if args.shipped_levels else None
        folds = pool.map(_fold, [(stream, streams, pairs, bilingual.get(stream.name), levels)
                                 for stream in streams])
        results = [r for fold in folds for r in fold]
    by_name = {s.name: s for s in streams}
    results += [row(by_name[name], "second labeller, working apart", labels)
                for name, labels in second_labellings().items()]
    demo = demo_set()
    results.append(row(demo, "newsloom (shipped model)", cluster_stream(demo.items,
                                                                          default_model())))
    results += baselines(demo)
    print(f"\n{'set':<22} {'system':<36} {'B3 P':>5} {'B3 R':>5} {'B3 F1':>6} "
          f"{'pair P':>6} {'pair R':>6} {'pair F1':>7} {'clusters':>8}  note")
    for r in results:
        print(f"{r['set']:<22} {r['system']:<36} {r['b3_p']:>5.3f} {r['b3_r']:>5.3f} "
              f"{r['b3_f1']:>6.3f} {r['pair_p']:>6.3f} {r['pair_r']:>6.3f} "
              f"{r['pair_f1']:>7.3f} {r['clusters']:>8}  {r['note']}")
    save("clustering", results)


if __name__ == "__main__":
    main()

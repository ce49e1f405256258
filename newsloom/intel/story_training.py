"""Fitting the story model on hand-labelled streams, and scoring a clustering against
labels. The pairs are produced by the engine itself (`StoryEngine.candidates` and
`pair_features`) while the labelled stream is replayed with the true stories, so the model
learns exactly the decisions the engine later asks of it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from newsloom.intel.cluster import (
    WINDOW,
    ArticleFeatures,
    StoryEngine,
    cluster_batch,
    in_order,
)
from newsloom.intel.pair_features import pair_rows
from newsloom.intel.story_model import NEVER, StoryModel, fit_trees

THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)
MERGE_LEVELS = (0.6, 0.7, 0.8, 0.9, NEVER)


@dataclass(frozen=True)
class LabelledStream:
    """Every article of a window with its true story."""

    name: str
    items: list[ArticleFeatures]
    gold: dict[str, str]


def bcubed(gold: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1: per article, how much of its predicted story is
    its true story and how much of its true story it was put with."""
    by_gold, by_pred = defaultdict(set), defaultdict(set)
    for key, label in gold.items():
        by_gold[label].add(key)
        by_pred[predicted[key]].add(key)
    precision = recall = 0.0
    for key in gold:
        overlap = len(by_pred[predicted[key]] & by_gold[gold[key]])
        precision += overlap / len(by_pred[predicted[key]])
        recall += overlap / len(by_gold[gold[key]])
    p, r = precision / len(gold), recall / len(gold)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def pairwise(gold: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    """Precision, recall and F1 over all pairs of articles put in one story."""
    keys = sorted(gold)
    tp = fp = fn = 0
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            same_gold, same_pred = gold[a] == gold[b], predicted[a] == predicted[b]
            tp += same_gold and same_pred
            fp += same_pred and not same_gold
            fn += same_gold and not same_pred
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def cluster_stream(items: list[ArticleFeatures], model: StoryModel | None = None,
                   window: timedelta = WINDOW) -> dict[str, str]:
    return {key: str(story) for key, story in cluster_batch(items, model, window).items()}


def training_pairs(stream: LabelledStream,
                   window: timedelta = WINDOW) -> tuple[np.ndarray, np.ndarray]:
    """(features, same story?) for every candidate the engine scores while the stream is
    replayed with its true stories."""
    engine = StoryEngine(window=window)
    story_of_label: dict[str, int] = {}
    rows, labels = [], []
    for item in in_order(stream.items):
        engine.forget_before(item.published - window)
        key = story_of_label.get(stream.gold[item.key])
        if key is not None and key not in engine.stories:
            key = None  # the true story closed: the engine could only start a new one
        stories = engine.candidates(item)
        if stories:
            rows.extend(pair_rows(engine.query(item), stories))
            labels.extend(float(story.key == key) for story in stories)
        story_of_label[stream.gold[item.key]] = engine.add(item, key)
    return np.array(rows).reshape(len(rows), -1), np.array(labels)


def trees_on(pairs: dict[str, tuple[np.ndarray, np.ndarray]], names: list[str]) -> StoryModel:
    """Trees fitted on the training pairs of the named streams (threshold and merge level
    left at their defaults: `fit` chooses them)."""
    return fit_trees(np.vstack([pairs[n][0] for n in names]),
                     np.concatenate([pairs[n][1] for n in names]))


def fit(streams: list[LabelledStream], window: timedelta = WINDOW,
        pairs: dict[str, tuple[np.ndarray, np.ndarray]] | None = None) -> StoryModel:
    """Fit the trees on every stream's pairs, then the joining threshold and the merge
    level out of sample: each stream is clustered by trees fitted on the others at every
    threshold, the one with the best mean B-cubed F1 wins, then likewise every merge level
    at that threshold. Chosen on the streams the trees were fitted on, the threshold came
    out too low (0.2 where 0.3-0.35 did best on unseen streams, docs/benchmarks.md): trees
    are surer of the pairs they learned from. With a single stream there is nothing to
    hold out, and both are chosen on that stream. `pairs` (stream name -> training pairs)
    spares cross-validation replaying each stream once per fold."""
    chosen = {s.name: pairs[s.name] if pairs else training_pairs(s, window) for s in streams}

    def trees(names: list[str]) -> StoryModel:
        return trees_on(chosen, names)

    model = trees(list(chosen))
    judges = [model if len(streams) < 2 else trees([n for n in chosen if n != stream.name])
              for stream in streams]

    def best(options: tuple[float, ...], variant: Callable[[StoryModel, float], StoryModel],
             prefer: float) -> float:
        """The option with the best mean B-cubed F1 over the streams (a tie: the one
        nearest `prefer`)."""
        scores = np.array([[bcubed(stream.gold, cluster_stream(
            stream.items, variant(judge, option), window))[2] for option in options]
            for stream, judge in zip(streams, judges, strict=True)])
        mean = scores.mean(axis=0)
        return options[max(range(len(options)),
                           key=lambda i: (mean[i], -abs(options[i] - prefer)))]

    threshold = best(THRESHOLDS, lambda judge, t: judge.with_threshold(t), 0.5)
    merge_at = best(MERGE_LEVELS, lambda judge, m: judge.with_threshold(threshold)
                    .with_merge_at(m), NEVER)
    return StoryModel(model.baseline, model.trees, threshold, tuple(s.name for s in streams),
                      merge_at)

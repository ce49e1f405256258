"""The two published extraction metrics, implemented from their READMEs' descriptions:
Zyte's shingle precision/recall/F1 and trafilatura's with/without segment F1."""

from __future__ import annotations

import re
from collections import Counter

_TOKEN = re.compile(r"\w+", re.UNICODE)


def _shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if len(tokens) < size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1))


def zyte_scores(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """(truth, prediction) pairs -> precision, recall, F1 and accuracy as upstream defines
    them: per-page TP/FP/FN over 4-token shingle multisets, normalised so every page weighs
    the same, precision and recall averaged over pages, F1 from the two means."""
    precisions, recalls, exact = [], [], 0
    for truth, pred in pairs:
        t, p = _shingles(truth), _shingles(pred)
        tp = sum((t & p).values())
        fp = sum((p - t).values())
        fn = sum((t - p).values())
        total = tp + fp + fn
        if total:
            tp, fp, fn = tp / total, fp / total, fn / total
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
        else:
            if tp + fp > 0:
                precisions.append(tp / (tp + fp))
            if tp + fn > 0:
                recalls.append(tp / (tp + fn))
        exact += _TOKEN.findall(truth) == _TOKEN.findall(pred)
    precision = sum(precisions) / len(precisions)
    recall = sum(recalls) / len(recalls)
    return {"precision": precision, "recall": recall,
            "f1": 2 * precision * recall / (precision + recall),
            "accuracy": exact / len(pairs)}


def _collapse(text: str) -> str:
    return " ".join(text.split())


def segment_scores(cases: list[tuple[list[str], list[str], str]]) -> dict[str, float]:
    """(with segments, without segments, extracted text) -> micro-averaged P/R/F1/accuracy."""
    tp = fp = fn = tn = 0
    for with_segments, without_segments, text in cases:
        flat = _collapse(text)
        for segment in with_segments:
            if _collapse(segment) in flat:
                tp += 1
            else:
                fn += 1
        for segment in without_segments:
            if _collapse(segment) in flat:
                fp += 1
            else:
                tn += 1
    return {"precision": tp / (tp + fp), "recall": tp / (tp + fn),
            "f1": 2 * tp / (2 * tp + fp + fn), "accuracy": (tp + tn) / (tp + fp + fn + tn)}

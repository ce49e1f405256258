"""From article text to story-engine features, in batches (embedding is the costly step and
is much faster per article in a batch)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

import numpy as np

from newsloom.intel.cluster import ArticleFeatures
from newsloom.intel.embed import embed
from newsloom.intel.entities import named_things
from newsloom.intel.text import iter_sentences, match_tokens

LEAD_CHARS = 360
BODY_CHARS = 1200  # word overlap reads further than the embedding: names recur there


@dataclass(frozen=True)
class ArticleInput:
    key: str
    title: str
    text: str
    published: datetime
    language: str
    source: str = ""


def lead(title: str, text: str) -> str:
    """Title plus the opening sentences: what a story is about, without the background
    paragraphs that differ between outlets."""
    opening = ""
    for sentence in iter_sentences(text):
        if len(opening) >= LEAD_CHARS:
            break
        opening = f"{opening} {sentence}".strip()
    return f"{title}. {opening}"[: LEAD_CHARS + len(title) + 2]


PARALLEL_FROM = 1000  # below this, starting processes (models load in each) costs more
FIRST_CHUNK = 100


def build_features_parallel(items: list[ArticleInput]) -> Iterator[ArticleFeatures]:
    """The same features for a big batch, in `items`' order, from one process per core
    (`newsloom cluster`): embedding and name tagging are CPU-bound and hold the GIL,
    threads would not help. Yielded chunk by chunk as they come, so the story engine
    works on the first chunks while the processes embed the later ones."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if cores < 2 or len(items) < PARALLEL_FROM:
        yield from build_features(items)
        return
    # small chunks first: the engine waits only for the first one
    rest = -(-len(items) // (cores * 4))
    bounds = [0]
    while bounds[-1] < len(items):
        bounds.append(bounds[-1] + (FIRST_CHUNK if len(bounds) <= cores else rest))
    chunks = [items[begin:end] for begin, end in pairwise(bounds)]
    with ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("spawn")) as pool:
        for chunk in pool.map(build_features, chunks):
            yield from chunk


def engine_features(item: ArticleInput, vector: np.ndarray, names: frozenset[str],
                    numbers: frozenset[str]) -> ArticleFeatures:
    """What the engine holds of an article, whether just embedded or loaded from the
    database: the one place that decides which text the word overlaps read."""
    return ArticleFeatures(
        key=item.key, vector=vector, title_tokens=tuple(match_tokens(item.title)),
        text_tokens=tuple(match_tokens(item.text[:BODY_CHARS])), names=names,
        numbers=numbers, published=item.published, language=item.language,
        source=item.source)


def build_features(items: list[ArticleInput]) -> list[ArticleFeatures]:
    leads = [lead(i.title, i.text) for i in items]
    vectors = embed(leads)
    features = []
    for item, text, vector in zip(items, leads, vectors, strict=True):
        things = named_things(text)
        features.append(engine_features(item, vector, things.names, things.numbers))
    return features

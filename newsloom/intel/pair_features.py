"""Similarities between an article and a story, the evidence the story model weighs.

Each alone fails on a real stream (an embedding merges two earthquakes, names merge every
Hong Kong story, words miss a Chinese and an English report of one event), so the model
gets them all: embedding, TF-IDF on the title and on the lead (words and Han bigrams),
names weighted by rarity, shared numbers, time gap, same publisher, language and
contradicting countries. The article is compared with the story's members near it in
time and with the best-matching one, so a big story's drifting centre does not decide."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from newsloom.intel.cluster import ArticleFeatures, StoryState

MEMBERS_COMPARED = 16  # the members nearest in time; older ones of a long story drift

FEATURES = (
    "emb_max", "emb_centroid", "emb_mean", "title_max", "text_max", "names_max",
    "names_story", "numbers_max", "gap", "same_source", "same_day", "cross_language",
    "place_conflict", "size", "emb_x_cross", "title_x_source", "title_centroid",
    "text_centroid", "title_shared", "text_shared",
)


@dataclass(frozen=True)
class Query:
    """An article with its token vectors weighted by the engine's current window."""

    item: ArticleFeatures
    title: dict[str, float]
    text: dict[str, float]
    countries: frozenset[str]
    name_idf: Callable[[str], float]
    title_tokens: TokenQuery
    text_tokens: TokenQuery


@dataclass(frozen=True)
class TokenQuery:
    """The article's weighted tokens as sorted engine token ids, with their IDF: every
    member's overlap with them is a few numpy operations, not a Python loop."""

    ids: np.ndarray
    weights: np.ndarray
    idf: np.ndarray


def overlaps(query: TokenQuery, members: list[tuple[np.ndarray, np.ndarray]]
             ) -> tuple[float, float]:
    """Over members' (token ids, weights): the best TF-IDF cosine with the article, and the
    best summed IDF of shared tokens (unlike a cosine, a short wire item sharing three
    rare words with a long report scores high)."""
    ids = np.concatenate([m[0] for m in members])
    if not len(query.ids) or not len(ids):
        return 0.0, 0.0
    weights = np.concatenate([m[1] for m in members])
    member = np.repeat(np.arange(len(members)), [len(m[0]) for m in members])
    at = np.minimum(np.searchsorted(query.ids, ids), len(query.ids) - 1)
    hit = query.ids[at] == ids
    cosine = np.bincount(member[hit], weights=query.weights[at[hit]] * weights[hit],
                         minlength=len(members))
    shared = np.bincount(member[hit], weights=query.idf[at[hit]], minlength=len(members))
    return float(cosine.max()), float(shared.max())


def _day(moment: datetime) -> date:
    """The UTC day: one market's close or one day's case count is one story per day."""
    return moment.astimezone(UTC).date()


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[t] for t, v in a.items() if t in b)


def pair_features(pair: Query, story: StoryState) -> np.ndarray:
    """One row of FEATURES for (article, story)."""
    item = pair.item
    members = sorted(story.members, key=lambda m: (
        abs((m.item.published - item.published).total_seconds()), m.item.key))
    nearest = members[:MEMBERS_COMPARED]
    vectors = np.stack([m.item.vector for m in nearest])
    similarities = vectors @ item.vector
    best = nearest[int(np.argmax(similarities))]
    title_max, title_shared = overlaps(pair.title_tokens,
                                       [(m.title_ids, m.title_weights) for m in nearest])
    text_max, text_shared = overlaps(pair.text_tokens,
                                     [(m.text_ids, m.text_weights) for m in nearest])
    names_max = max(sum(pair.name_idf(n) for n in item.names & m.item.names) for m in nearest)
    story_names = frozenset().union(*(m.item.names for m in nearest))
    names_story = sum(pair.name_idf(n) for n in item.names & story_names)
    numbers_max = max(len(item.numbers & m.item.numbers) for m in nearest)
    gap_hours = abs((members[0].item.published - item.published).total_seconds()) / 3600
    cross = float(story.languages.get(item.language, 0) == 0)
    place_conflict = float(bool(pair.countries) and bool(best.countries)
                           and not pair.countries & best.countries)
    same_source = float(best.item.source == item.source)
    title_max_value = float(title_max)
    emb_max = float(similarities.max())
    return np.array([
        emb_max,
        float(story.centroid @ item.vector),
        float(similarities.mean()),
        title_max_value,
        float(text_max),
        math.log1p(names_max),
        math.log1p(names_story),
        float(min(numbers_max, 3)),
        math.log1p(gap_hours),
        same_source,
        float(_day(best.item.published) == _day(item.published)),
        cross,
        place_conflict,
        math.log1p(len(story.members)),
        emb_max * cross,
        title_max_value * same_source,
        _cosine(pair.title, story.title_sum) / story.title_norm,
        _cosine(pair.text, story.text_sum) / story.text_norm,
        math.log1p(title_shared),
        math.log1p(text_shared),
    ], dtype=np.float64)

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
    "text_centroid", "title_shared", "text_shared", "title_unshared", "head_shared",
)


@dataclass(frozen=True)
class Query:
    """An article with its token vectors weighted by the engine's current window."""

    item: ArticleFeatures
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
    total_idf: float  # of all the article's tokens, unseen ones included


def overlaps(query: TokenQuery, members: list[tuple[np.ndarray, np.ndarray]]
             ) -> tuple[np.ndarray, np.ndarray]:
    """For each member's (token ids, weights): its TF-IDF cosine with the article, and the
    summed IDF of the tokens they share (unlike a cosine, a short wire item sharing three
    rare words with a long report scores high). One pass of numpy over all members."""
    if not members:
        return np.zeros(0), np.zeros(0)
    ids = np.concatenate([m[0] for m in members])
    if not len(query.ids) or not len(ids):
        return np.zeros(len(members)), np.zeros(len(members))
    weights = np.concatenate([m[1] for m in members])
    member = np.repeat(np.arange(len(members)), [len(m[0]) for m in members])
    at = np.minimum(np.searchsorted(query.ids, ids), len(query.ids) - 1)
    hit = query.ids[at] == ids
    cosine = np.bincount(member[hit], weights=query.weights[at[hit]] * weights[hit],
                         minlength=len(members))
    shared = np.bincount(member[hit], weights=query.idf[at[hit]], minlength=len(members))
    return cosine, shared


def _day(moment: datetime) -> date:
    """The UTC day: one market's close or one day's case count is one story per day."""
    return moment.astimezone(UTC).date()


def pair_rows(pair: Query, stories: list[StoryState]) -> np.ndarray:
    """One row of FEATURES for each (article, story): all candidates' members in one batch
    of numpy operations (one matrix product, one overlap pass), since an article is
    scored against a couple of dozen stories of up to 16 members each."""
    item = pair.item
    stamp = item.published.timestamp()
    ordered = [sorted(story.members, key=lambda m: (abs(m.stamp - stamp), m.item.key))
               for story in stories]  # nearest in time first
    groups = [members[:MEMBERS_COMPARED] for members in ordered]
    flat = [m for group in groups for m in group]
    sizes = np.array([len(group) for group in groups])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    similarities = np.stack([m.item.vector for m in flat]) @ item.vector
    emb_max = np.maximum.reduceat(similarities, starts)
    emb_mean = np.add.reduceat(similarities, starts) / sizes
    # word overlaps with every member: the nearest ones give the best match, all of them
    # summed give the cosine with the story's summed vectors (a sum of unit vectors)
    everyone = [m for members in ordered for m in members]
    totals = np.array([len(members) for members in ordered])
    begins = np.concatenate([[0], np.cumsum(totals)[:-1]])
    nearest = np.column_stack([begins, begins + sizes]).ravel()  # [begin, end) pairs

    def best_and_sum(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        padded = np.append(values, 0.0)  # reduceat needs every index inside the array
        return np.maximum.reduceat(padded, nearest)[::2], np.add.reduceat(values, begins)

    title_cos, title_idf = overlaps(pair.title_tokens, [(m.title_ids, m.title_weights)
                                                        for m in everyone])
    text_cos, text_idf = overlaps(pair.text_tokens, [(m.text_ids, m.text_weights)
                                                     for m in everyone])
    title_max, title_story = best_and_sum(title_cos)
    text_max, text_story = best_and_sum(text_cos)
    title_shared, _ = best_and_sum(title_idf)
    text_shared, _ = best_and_sum(text_idf)
    idf = {name: pair.name_idf(name) for name in item.names}
    shared_names = [item.names & m.item.names for m in flat]
    names = np.array([sum(idf[n] for n in common) for common in shared_names])
    numbers = np.array([len(item.numbers & m.item.numbers) for m in flat])
    head = item.title_tokens[0] if item.title_tokens else ""
    rows = np.empty((len(stories), len(FEATURES)))
    for index, (story, group) in enumerate(zip(stories, groups, strict=True)):
        begin, end = int(starts[index]), int(starts[index] + sizes[index])
        best = group[int(np.argmax(similarities[begin:end]))]
        story_names = frozenset().union(*shared_names[begin:end])
        cross = float(story.languages.get(item.language, 0) == 0)
        same_source = float(best.item.source == item.source)
        rows[index] = (
            emb_max[index],
            float(story.centroid @ item.vector),
            emb_mean[index],
            title_max[index],
            text_max[index],
            math.log1p(float(names[begin:end].max())),
            math.log1p(sum(idf[n] for n in story_names)),
            float(min(int(numbers[begin:end].max()), 3)),
            math.log1p(abs(group[0].stamp - stamp) / 3600),
            same_source,
            float(_day(best.item.published) == _day(item.published)),
            cross,
            float(bool(pair.countries) and bool(best.countries)
                  and not pair.countries & best.countries),
            math.log1p(len(story.members)),
            emb_max[index] * cross,
            title_max[index] * same_source,
            title_story[index] / story.title_norm,
            text_story[index] / story.text_norm,
            math.log1p(title_shared[index]),
            math.log1p(text_shared[index]),
            math.log1p(max(pair.title_tokens.total_idf - title_shared[index], 0.0)),
            float(any(head in m.title for m in group)),
        )
    return rows

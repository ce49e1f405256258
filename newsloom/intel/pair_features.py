"""Similarities between an article and a story, the evidence the story model weighs.

Each alone fails on a real stream (an embedding merges two earthquakes, names merge every
Hong Kong story, words miss a Chinese and an English report of one event), so the model
gets them all: embedding, TF-IDF on the title and on the lead (words and Han bigrams),
names weighted by rarity, shared numbers, time gap, same publisher, language and
contradicting countries. The article is compared with the story's members near it in
time and with the best-matching one, so a big story's drifting centre does not decide."""

from __future__ import annotations

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
class TokenVector:
    """Unit-length TF-IDF vector of an article's title or lead, as engine token ids in
    ascending order with their weights and IDFs: every member's overlap with a query is a
    few numpy operations, not a Python loop over dictionaries."""

    ids: np.ndarray
    weights: np.ndarray
    idf: np.ndarray

    @property
    def total_idf(self) -> float:
        return float(self.idf.sum())


@dataclass(frozen=True)
class Query:
    """An article with its token vectors weighted by the engine's current window."""

    item: ArticleFeatures
    countries: frozenset[str]
    name_idf: Callable[[str], float]
    title_tokens: TokenVector
    text_tokens: TokenVector


def overlaps(query: TokenVector, vectors: list[tuple[np.ndarray, np.ndarray]]
             ) -> tuple[np.ndarray, np.ndarray]:
    """For each (token ids, weights): its dot product with the query (the TF-IDF cosine
    for a member's unit vector), and the summed IDF of the tokens they share (unlike a
    cosine, a short wire item sharing three rare words with a long report scores high).
    One pass of numpy over all of them."""
    if not vectors:
        return np.zeros(0), np.zeros(0)
    ids = np.concatenate([v[0] for v in vectors])
    if not len(query.ids) or not len(ids):
        return np.zeros(len(vectors)), np.zeros(len(vectors))
    weights = np.concatenate([v[1] for v in vectors])
    owner = np.repeat(np.arange(len(vectors)), [len(v[0]) for v in vectors])
    # each token id's place in the query (-1: not in it), looked up for every id at once:
    # a table the size of the window's vocabulary costs less than searching the query
    place = np.full(max(int(ids.max()), int(query.ids[-1])) + 1, -1, dtype=np.int64)
    place[query.ids] = np.arange(len(query.ids))
    at = place[ids]
    hit = at >= 0
    owner, at = owner[hit], at[hit]
    dot = np.bincount(owner, weights=query.weights[at] * weights[hit], minlength=len(vectors))
    shared = np.bincount(owner, weights=query.idf[at], minlength=len(vectors))
    return dot, shared


def _day(moment: datetime) -> date:
    """The UTC day: one market's close or one day's case count is one story per day."""
    return moment.astimezone(UTC).date()


def pair_rows(pair: Query, stories: list[StoryState]) -> np.ndarray:
    """One row of FEATURES for each (article, story): all candidates' members in one batch
    of numpy operations (one matrix product, one overlap pass), since an article is
    scored against a couple of dozen stories of up to 16 members each."""
    item = pair.item
    stamp = item.published.timestamp()
    groups = [story.nearest(stamp, MEMBERS_COMPARED) for story in stories]
    flat = [m for group in groups for m in group]
    sizes = np.array([len(group) for group in groups])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    similarities = np.stack([m.item.vector for m in flat]) @ item.vector
    emb_max = np.maximum.reduceat(similarities, starts)
    emb_mean = np.add.reduceat(similarities, starts) / sizes

    def words(query: TokenVector, field: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Best cosine and best shared IDF with the nearest members, and the cosine with
        the story's summed member vectors (its centre in words)."""
        sums = [story.summed(field) for story in stories]
        dot, shared = overlaps(query, [(getattr(m, field).ids, getattr(m, field).weights)
                                       for m in flat] + [(s.ids, s.weights) for s in sums])
        centre = dot[len(flat):] / np.array([s.norm for s in sums])
        return (np.maximum.reduceat(dot[:len(flat)], starts),
                np.maximum.reduceat(shared[:len(flat)], starts), centre)

    title_max, title_shared, title_centroid = words(pair.title_tokens, "title")
    text_max, text_shared, text_centroid = words(pair.text_tokens, "text")
    idf = {name: pair.name_idf(name) for name in item.names}
    shared_names = [item.names & m.item.names for m in flat]
    names = np.array([sum(idf[n] for n in common) for common in shared_names])
    numbers = np.minimum(np.array([len(item.numbers & m.item.numbers) for m in flat]), 3)
    head = item.title_tokens[0] if item.title_tokens else ""
    day = _day(item.published)
    # per story: its member most similar by embedding, and the names it shares at all
    bests = [group[int(np.argmax(similarities[begin:begin + len(group)]))]
             for group, begin in zip(groups, starts.tolist(), strict=True)]
    story_names = [frozenset().union(*shared_names[begin:begin + len(group)])
                   for group, begin in zip(groups, starts.tolist(), strict=True)]
    cross = np.array([float(story.languages.get(item.language, 0) == 0)
                      for story in stories])
    # an unknown publisher (`newsloom cluster` input without "source") is not the same one
    same_source = np.array([float(bool(item.source) and best.item.source == item.source)
                            for best in bests])
    columns = {
        "emb_max": emb_max,
        "emb_centroid": np.stack([story.centroid for story in stories]) @ item.vector,
        "emb_mean": emb_mean,
        "title_max": title_max,
        "text_max": text_max,
        "names_max": np.log1p(np.maximum.reduceat(names, starts)),
        "names_story": np.log1p([sum(idf[n] for n in common) for common in story_names]),
        "numbers_max": np.maximum.reduceat(numbers, starts),
        "gap": np.log1p(np.array([abs(group[0].stamp - stamp) for group in groups]) / 3600),
        "same_source": same_source,
        "same_day": [float(_day(best.item.published) == day) for best in bests],
        "cross_language": cross,
        "place_conflict": [float(bool(pair.countries) and bool(best.countries)
                                 and not pair.countries & best.countries) for best in bests],
        "size": np.log1p([len(story.members) for story in stories]),
        "emb_x_cross": emb_max * cross,
        "title_x_source": title_max * same_source,
        "title_centroid": title_centroid,
        "text_centroid": text_centroid,
        "title_shared": np.log1p(title_shared),
        "text_shared": np.log1p(text_shared),
        "title_unshared": np.log1p(np.maximum(pair.title_tokens.total_idf - title_shared, 0.0)),
        "head_shared": [float(any(head in m.item.title_tokens for m in group))
                        for group in groups],
    }
    rows = np.empty((len(stories), len(FEATURES)))
    for index, name in enumerate(FEATURES):
        rows[:, index] = columns[name]
    return rows

"""Online story clustering: each arriving article joins the best matching open story or
starts a new one.

A match needs all three kinds of evidence, because each alone fails: embedding similarity
of title + lead (alone it merges "earthquake in Japan" with "earthquake in Chile"), shared
named things or numbers (alone they merge every story about Hong Kong), and a publication
window (stories end). Across languages names rarely match ("Putin" / "普京"), so a pair in
different languages needs a higher similarity instead. Deterministic: the same articles in
the same order give the same stories; ties go to the older story."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from newsloom.intel.places import countries


class NameFrequency:
    """How many articles carry each name, to tell telling names from ubiquitous ones."""

    def __init__(self, share: float = 0.04, minimum: int = 30) -> None:
        # a name in more than `share` of the articles seen is too common to tell stories apart
        self.share = share
        self.minimum = minimum
        self.articles = 0
        self.counts: Counter[str] = Counter()

    def add(self, names: frozenset[str]) -> None:
        self.articles += 1
        self.counts.update(names)

    def common(self, names: frozenset[str]) -> frozenset[str]:
        if self.articles < self.minimum:
            return frozenset()
        limit = self.share * self.articles
        return frozenset(n for n in names if self.counts[n] > limit)


@dataclass(frozen=True)
class Params:
    window: timedelta = timedelta(hours=72)
    # tuned on benchmarks/data/story-labels-zh.json (docs/benchmarks.md)
    strong: float = 0.60  # same language: similarity enough on its own
    weak: float = 0.40  # same language: enough with shared telling names or numbers
    min_shared_weak: int = 1
    cross: float = 0.65  # different languages (names rarely match across scripts)
    duplicate: float = 0.93  # near-identical text joins whatever it shares
    veto_below: float = 0.67  # below this, disjoint countries block a strong match


@dataclass(frozen=True)
class ArticleFeatures:
    key: str
    vector: np.ndarray
    names: frozenset[str]
    numbers: frozenset[str]
    published: datetime
    language: str


@dataclass
class StoryState:
    """What the clusterer remembers of a story (also persisted by the database layer)."""

    key: int
    centroid_sum: np.ndarray
    size: int
    names: Counter[str] = field(default_factory=Counter)
    numbers: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    @property
    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.centroid_sum))
        return self.centroid_sum / max(norm, 1e-9)

    def shared(self, item: ArticleFeatures, common: frozenset[str] = frozenset()) -> int:
        """Names and numbers in common, leaving out names too common to tell stories
        apart (香港, US, China ...: `common`, learned from how many articles carry them)."""
        names = (item.names & set(self.names)) - common
        return len(names) + len(item.numbers & set(self.numbers))

    def add(self, item: ArticleFeatures) -> None:
        self.centroid_sum = self.centroid_sum + item.vector
        self.size += 1
        self.names.update(item.names)
        self.numbers.update(item.numbers)
        self.languages[item.language] += 1
        self.first_seen = min(filter(None, [self.first_seen, item.published]))
        self.last_seen = max(filter(None, [self.last_seen, item.published]))


def match_score(
    story: StoryState, item: ArticleFeatures, params: Params, common: frozenset[str] = frozenset()
) -> float | None:
    """How well `item` fits `story`, or None when the evidence is not enough.

    High similarity joins unless the names contradict (both sides name telling things and
    share none: Japan's earthquake is not Chile's); moderate similarity joins only with
    shared telling names or numbers."""
    if story.first_seen and item.published < story.first_seen - params.window:
        return None
    if story.last_seen and item.published > story.last_seen + params.window:
        return None
    similarity = float(story.centroid @ item.vector)
    if similarity >= params.duplicate:
        return similarity + 0.1
    shared = story.shared(item, common)
    bonus = 0.02 * min(shared, 5)
    if story.languages.get(item.language, 0) == 0:  # names rarely match across languages
        return similarity + bonus if similarity >= params.cross else None
    if similarity >= params.strong:
        # "earthquake in Japan" vs "earthquake in Chile": different countries, no match
        here, there = countries(item.names), countries(set(story.names))
        contradicts = similarity < params.veto_below and here and there and not here & there
        return None if contradicts else similarity + bonus
    if similarity >= params.weak and shared >= params.min_shared_weak:
        return similarity + bonus
    return None


def best_story(
    stories: list[StoryState],
    item: ArticleFeatures,
    params: Params,
    common: frozenset[str] = frozenset(),
) -> StoryState | None:
    """The best-scoring story for `item`, ties to the older story (lower key)."""
    best: tuple[float, int] | None = None
    chosen = None
    for story in stories:
        score = match_score(story, item, params, common)
        if score is None:
            continue
        if best is None or score > best[0] or (score == best[0] and story.key < best[1]):
            best, chosen = (score, story.key), story
    return chosen


class Clusterer:
    """In-memory online clustering for batch use (`newsloom cluster`, benchmarks)."""

    def __init__(self, params: Params | None = None) -> None:
        self.params = params or Params()
        self.stories: list[StoryState] = []
        self.frequency = NameFrequency()

    def add(self, item: ArticleFeatures) -> int:
        open_stories = [
            s
            for s in self.stories
            if s.last_seen is None or item.published <= s.last_seen + self.params.window
        ]
        self.frequency.add(item.names)
        story = best_story(open_stories, item, self.params, self.frequency.common(item.names))
        if story is None:
            story = StoryState(
                key=len(self.stories) + 1, centroid_sum=np.zeros_like(item.vector), size=0
            )
            self.stories.append(story)
        story.add(item)
        return story.key

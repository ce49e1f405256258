"""Related articles: chosen from the story engine's in-memory window, stored in bulk.

The window the story engine already holds (every process keeps it in step with the others
through `story_seq`, see `newsloom.news.stories`) is the index: a new article's related list
is one matrix product over the recent articles' vectors, whatever the archive's size. Before
this, each article read the vectors of four days from the database (80,000 rows at 10^6
stored: about 1 s an article) and rewrote its neighbours' lists with 3 queries each.

Left out of a list: near-duplicates and copies, the article's own story (Full coverage
shows it), anything below RELATED_FLOOR, and more than PER_PUBLISHER from one publisher."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Q

from newsloom.intel.cluster import StoryEngine
from newsloom.news.models import Article, RelatedArticle
from newsloom.news.stories import lock_for_stories, synced_engine

RELATED_LIMIT = 6
PER_PUBLISHER = 2
NEAR_DUPLICATE = 0.97
# below this embedding similarity an article is not related enough to show: three good
# related articles beat eight loose ones (on the demo, the Hangzhou listings piece scores
# 0.62 against the Zhejiang story, unrelated stories of the same day 0.17-0.33; not yet
# measured on a labelled stream)
RELATED_FLOOR = 0.5
HALF_LIFE_HOURS = 48  # a neighbour two days away counts half
# candidates looked up in the database, for the checks only it can make (copies by
# fingerprint, articles since marked duplicates): a few times the list's length
SHORTLIST = 4 * RELATED_LIMIT


@dataclass(frozen=True)
class Related:
    score: float
    article: Article


def related_candidates(article: Article, vector: np.ndarray,
                       engine: StoryEngine) -> list[Related]:
    """The article's related list, best first: similarity x recency over the engine's
    window (its span on both sides of the article's publication)."""
    held, similarity = engine.neighbours(vector, article.published_at, engine.window,
                                         RELATED_FLOOR)
    if not held:
        return []
    own_story = engine.story_of(str(article.pk))
    hours = np.array([abs((h.published - article.published_at).total_seconds()) / 3600
                      for h in held])
    scores = similarity * 0.5 ** (hours / HALF_LIFE_HOURS)
    left_out = (similarity >= NEAR_DUPLICATE) | np.array(
        [h.key == str(article.pk) or (own_story is not None
                                      and engine.story_of(h.key) == own_story)
         for h in held])
    scores[left_out] = -1.0
    shortlist: list[tuple[float, int, str]] = []
    per_source: Counter[str] = Counter()
    for index in np.lexsort((np.array([int(h.key) for h in held]), -scores)):
        if scores[index] < 0 or len(shortlist) == SHORTLIST:
            break
        item = held[index]
        if per_source[item.source] < PER_PUBLISHER:
            per_source[item.source] += 1
            shortlist.append((float(scores[index]), int(item.key), item.source))
    # (only what the checks read: whole rows, bodies and all, cost 1-2 ms an article)
    found = Article.objects.filter(pk__in=[pk for _, pk, _ in shortlist],
                                   duplicate_of__isnull=True).only("fingerprint").in_bulk()
    chosen: list[Related] = []
    for score, pk, _ in shortlist:
        other = found.get(pk)
        if other is None or (article.fingerprint and other.fingerprint == article.fingerprint):
            continue
        chosen.append(Related(score, other))
        if len(chosen) == RELATED_LIMIT:
            break
    return chosen


def relate(article: Article, vector: np.ndarray) -> list[Related]:
    """Store the article's related list and offer the article to its neighbours' lists:
    a fixed handful of queries, however many neighbours change."""
    with transaction.atomic():
        lock_for_stories()  # neighbours' lists are shared: one writer at a time
        chosen = related_candidates(article, vector, synced_engine())
        RelatedArticle.objects.filter(article=article).delete()
        RelatedArticle.objects.bulk_create(
            [RelatedArticle(article=article, related=r.article, score=r.score) for r in chosen])
        _offer_to_neighbours(article, chosen)
    return chosen


def _offer_to_neighbours(article: Article, chosen: list[Related]) -> None:
    """Each neighbour keeps its best RELATED_LIMIT links, the new article among them when
    it scores high enough: one read of all their lists, one delete, one insert."""
    if not chosen:
        return
    lists: dict[int, list[tuple[float, int, int]]] = {r.article.pk: [] for r in chosen}
    for pk, owner, related, score in RelatedArticle.objects.filter(
            article_id__in=lists).values_list("pk", "article_id", "related_id", "score"):
        if related != article.pk:
            lists[owner].append((score, related, pk))
    drop: list[int] = []
    add: list[RelatedArticle] = []
    for r in chosen:
        links = lists[r.article.pk]
        ranked = sorted([*links, (r.score, article.pk, 0)], key=lambda link: (-link[0], link[1]))
        kept = ranked[:RELATED_LIMIT]
        drop.extend(pk for _, _, pk in ranked[RELATED_LIMIT:] if pk)
        if any(related == article.pk for _, related, _ in kept):
            add.append(RelatedArticle(article_id=r.article.pk, related=article, score=r.score))
    # the article's old links (re-enrichment) go with the ones pushed off the lists
    RelatedArticle.objects.filter(Q(pk__in=drop) | Q(article_id__in=lists,
                                                      related=article)).delete()
    RelatedArticle.objects.bulk_create(add)

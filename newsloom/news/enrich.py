"""Enrichment, story assignment and related articles, wired to the database.

Runs after an article is stored (live ingestion and bulk import alike). Story assignment
is serialised: on SQLite the IMMEDIATE transaction holds the write lock, on PostgreSQL a
transaction-level advisory lock, so two workers can never open two stories for one event.
A failure here never loses the article: it stays readable and `enriched_at` stays empty,
so `newsloom enrich` (or the next sweep) can finish it."""

from __future__ import annotations

import logging
import math
from collections import Counter
from datetime import datetime, timedelta

import numpy as np
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from newsloom.intel.cluster import ArticleFeatures, Params, StoryState, best_story
from newsloom.intel.embed import DIM, from_bytes, to_bytes
from newsloom.intel.features import ArticleInput, build_features
from newsloom.intel.language import detect_language
from newsloom.intel.summarize import summarize
from newsloom.intel.topics import topic_labels
from newsloom.news.models import Article, RelatedArticle, Story

log = logging.getLogger("newsloom.enrich")
PARAMS = Params()
COMMON_SHARE = 0.04
RELATED_WINDOW = timedelta(days=4)
RELATED_LIMIT = 8
PER_PUBLISHER = 2
NEAR_DUPLICATE = 0.97
_ADVISORY_KEY = 7_341_022


def enrich_articles(article_ids: list[int]) -> int:
    """Enrich, cluster and relate the given articles (batched embedding). Returns count."""
    articles = list(Article.objects.filter(pk__in=article_ids, duplicate_of__isnull=True)
                    .select_related("source").order_by("published_at", "pk"))
    if not articles:
        return 0
    for article in articles:
        article.language = detect_language(f"{article.title}\n{article.text[:500]}",
                                           article.language or article.source.language)
    features = build_features([
        ArticleInput(str(a.pk), a.title, a.text, a.published_at, a.language) for a in articles])
    for article, feature in zip(articles, features, strict=True):
        summary = summarize(article.text, article.title)
        article.embedding = to_bytes(feature.vector)
        article.names = sorted(feature.names)
        article.numbers = sorted(feature.numbers)
        article.summary = summary.bullets
        article.key_points = summary.key_points
        article.keyphrases = summary.keyphrases
        article.topics = topic_labels(article.title, article.text)
        article.enriched_at = timezone.now()
        Article.objects.filter(pk=article.pk).update(
            language=article.language, embedding=article.embedding, names=article.names,
            numbers=article.numbers, summary=article.summary, key_points=article.key_points,
            keyphrases=article.keyphrases, topics=article.topics,
            enriched_at=article.enriched_at)
        assign_story(article, feature)
        relate(article, feature.vector)
    return len(articles)


def enrich_article_safely(article_id: int) -> None:
    """Enrichment for the live pipeline: log and carry on if anything goes wrong."""
    try:
        enrich_articles([article_id])
    except Exception:  # the article is stored already; enrichment can be redone
        log.exception("enrichment failed for article %s", article_id)


# ----------------------------------------------------------------------------- stories

def _state(story: Story) -> StoryState:
    vector = np.frombuffer(bytes(story.centroid_sum), dtype=np.float32) if story.centroid_sum \
        else np.zeros(DIM, dtype=np.float32)
    return StoryState(key=story.pk, centroid_sum=vector.copy(), size=story.article_count,
                      names=Counter(story.names), numbers=Counter(story.numbers),
                      languages=Counter(story.languages), first_seen=story.first_seen,
                      last_seen=story.last_seen)


def _common_names(states: list[StoryState], names: frozenset[str]) -> frozenset[str]:
    total = sum(s.size for s in states) + 1
    if total < 30:
        return frozenset()
    counts = Counter()
    for state in states:
        counts.update({n: state.names[n] for n in names if n in state.names})
    return frozenset(n for n in names if counts[n] > COMMON_SHARE * total)


def _lock_for_clustering() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_KEY])


def story_score(source_count: int, last_seen: datetime, now: datetime | None = None) -> float:
    """More outlets rank higher; the score halves every 12 hours of silence."""
    age_hours = max(0.0, ((now or timezone.now()) - last_seen).total_seconds() / 3600)
    return math.log2(1 + source_count) * 0.5 ** (age_hours / 12)


def assign_story(article: Article, feature: ArticleFeatures) -> Story:
    """Put the article in the best open story or start one (serialised, deterministic)."""
    with transaction.atomic():
        _lock_for_clustering()
        window = PARAMS.window
        candidates = list(Story.objects.filter(
            last_seen__gte=article.published_at - window,
            first_seen__lte=article.published_at + window).order_by("pk"))
        states = [_state(s) for s in candidates]
        chosen = best_story(states, feature, PARAMS, _common_names(states, feature.names))
        if chosen is None:
            story = Story.objects.create(first_seen=article.published_at,
                                         last_seen=article.published_at,
                                         centroid_sum=np.zeros(DIM, np.float32).tobytes())
            state = _state(story)
        else:
            story = next(s for s in candidates if s.pk == chosen.key)
            state = chosen
        state.add(feature)
        Article.objects.filter(pk=article.pk).update(story=story)
        article.story = story
        _save_story(story, state)
    return story


def _save_story(story: Story, state: StoryState) -> None:
    members = Article.objects.filter(story=story)
    story.centroid_sum = np.asarray(state.centroid_sum, dtype=np.float32).tobytes()
    story.article_count = state.size
    story.names = dict(state.names.most_common(60))
    story.numbers = dict(state.numbers.most_common(30))
    story.languages = dict(state.languages)
    story.first_seen, story.last_seen = state.first_seen, state.last_seen  # type: ignore[assignment]
    counts = members.aggregate(sources=Count("source", distinct=True),
                               regions=Count("source__region", distinct=True))
    story.source_count = counts["sources"]
    story.region_count = counts["regions"]
    lead = _lead_article(members, state.centroid)
    story.lead_article = lead
    story.title = lead.title if lead else story.title
    story.score = story_score(story.source_count, story.last_seen)
    story.save()


def _lead_article(members, centroid: np.ndarray) -> Article | None:  # type: ignore[no-untyped-def]
    """The member closest to the story's centre; the earliest wins a tie."""
    best: tuple[float, datetime, Article] | None = None
    for member in members.order_by("published_at", "pk"):
        vector = from_bytes(member.embedding)
        if vector is None:
            continue
        similarity = float(vector @ centroid)
        if best is None or similarity > best[0] + 1e-6:
            best = (similarity, member.published_at, member)
    return best[2] if best else None


# ----------------------------------------------------------------------------- related

def related_candidates(article: Article, vector: np.ndarray) -> list[tuple[float, Article]]:
    """Other articles near in time, ranked by similarity x recency, near-duplicates and
    copies removed, at most PER_PUBLISHER from one publisher. Scored as one matrix
    product over the window's vectors (float16 on disk, 1 KiB each)."""
    rows = list(Article.objects.filter(
        published_at__gte=article.published_at - RELATED_WINDOW,
        published_at__lte=article.published_at + RELATED_WINDOW,
        duplicate_of__isnull=True, embedding__isnull=False,
    ).exclude(pk=article.pk).values_list("pk", "embedding", "source_id", "published_at",
                                         "story_id", "fingerprint"))
    if not rows:
        return []
    matrix = np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype=np.float16)
    similarity = matrix.reshape(len(rows), DIM).astype(np.float32) @ vector
    hours = np.array([abs((r[3] - article.published_at).total_seconds()) / 3600 for r in rows])
    same_story = np.array([bool(article.story_id) and r[4] == article.story_id for r in rows])
    scores = similarity * 0.5 ** (hours / 48) + 0.05 * same_story
    duplicate = (similarity >= NEAR_DUPLICATE) | np.array(
        [bool(article.fingerprint) and r[5] == article.fingerprint for r in rows])
    scores[duplicate] = -1.0
    chosen_ids: list[tuple[float, int]] = []
    per_source: Counter[int] = Counter()
    for index in np.lexsort((np.array([r[0] for r in rows]), -scores)):
        score = float(scores[index])
        if score < 0.2:
            break
        pk, _, source_id = rows[index][:3]
        if per_source[source_id] >= PER_PUBLISHER:
            continue
        per_source[source_id] += 1
        chosen_ids.append((score, pk))
        if len(chosen_ids) == RELATED_LIMIT:
            break
    found = Article.objects.in_bulk([pk for _, pk in chosen_ids])
    return [(score, found[pk]) for score, pk in chosen_ids]


def relate(article: Article, vector: np.ndarray) -> None:
    """Store the article's related list and offer it to its neighbours' lists."""
    chosen = related_candidates(article, vector)
    with transaction.atomic():
        _lock_for_clustering()  # neighbours' lists are shared: one writer at a time
        RelatedArticle.objects.filter(article=article).delete()
        RelatedArticle.objects.bulk_create(
            [RelatedArticle(article=article, related=other, score=score)
             for score, other in chosen])
        for score, other in chosen:
            RelatedArticle.objects.update_or_create(article=other, related=article,
                                                    defaults={"score": score})
            keep = list(RelatedArticle.objects.filter(article=other)
                        .order_by("-score", "related_id").values_list("pk", flat=True)
                        [:RELATED_LIMIT])
            RelatedArticle.objects.filter(article=other).exclude(pk__in=keep).delete()

"""Enrichment, then story assignment and related articles, wired to the database.

Runs after an article is stored (live ingestion and bulk import alike); stories come from
the one story engine (`newsloom.news.stories`). A failure here never loses the article: it
stays readable and `enriched_at` stays empty, so `newsloom enrich` (or the next sweep) can
finish it."""

from __future__ import annotations

import logging

import numpy as np
from django.db import transaction
from django.utils import timezone

from newsloom.intel.cluster import ArticleFeatures
from newsloom.intel.embed import from_bytes, to_bytes
from newsloom.intel.features import ArticleInput, build_features
from newsloom.intel.language import detect_language
from newsloom.intel.summarize import summarize
from newsloom.intel.topics import topic_labels
from newsloom.news.models import Article
from newsloom.news.related import relate
from newsloom.news.stories import assign_story, forget_engine, lock_for_stories
from newsloom.news.topics import save_topics

log = logging.getLogger("newsloom.enrich")
_ENRICHED_FIELDS = ("language", "embedding", "names", "numbers", "summary", "key_points",
                    "keyphrases")  # written with the topics, by save_topics
SAME_TEXT = 0.999  # cosine of a stored embedding and a fresh one of the same text (float16)


def _same_vector(stored: bytes | None, vector: np.ndarray) -> bool:
    """Whether a stored embedding is the one the article's text gives now (batches of
    other sizes round the last bits differently, so not byte for byte)."""
    before = from_bytes(stored)
    return before is not None and float(before @ vector) >= SAME_TEXT * float(
        np.linalg.norm(before))


def enrich_articles(article_ids: list[int]) -> int:
    """Enrich, cluster and relate the given articles; returns how many. The models run
    on the whole batch (one embedding pass) and the enrichment is written in one bulk
    update; story and related lists then follow article by article in publication order,
    each under the story lock for a few queries."""
    articles = list(Article.objects.filter(pk__in=article_ids, duplicate_of__isnull=True)
                    .select_related("source").order_by("published_at", "pk"))
    if not articles:
        return 0
    stored = {a.pk: bytes(a.embedding) if a.embedding else None for a in articles}
    for article in articles:
        article.language = detect_language(f"{article.title}\n{article.text[:500]}",
                                           article.language or article.source.language)
    features = build_features([
        ArticleInput(str(a.pk), a.title, a.text, a.published_at, a.language, str(a.source_id))
        for a in articles])
    for article, feature in zip(articles, features, strict=True):
        summary = summarize(article.text, article.title)
        article.embedding = to_bytes(feature.vector)
        article.names = sorted(feature.names)
        article.numbers = sorted(feature.numbers)
        article.summary = summary.bullets
        article.key_points = summary.key_points
        article.keyphrases = summary.keyphrases
        article.topics = topic_labels(article.title, article.text)
    # the batch's writes in one transaction under the story lock, taken once: each
    # article's story and related list are still their own savepoints (assign_story,
    # relate), but the lock, the engine's catching up and the commit are paid per batch
    try:
        with transaction.atomic():
            lock_for_stories()
            # their stories as the last writer left them (they were read before the lock)
            current = dict(Article.objects.filter(pk__in=[a.pk for a in articles])
                           .values_list("pk", "story_id"))
            for article in articles:
                article.story_id = current.get(article.pk)
            save_topics(articles, _ENRICHED_FIELDS)
            done = [article.pk for article, feature in zip(articles, features, strict=True)
                    if _placed(article, feature, stored[article.pk])]
            # marked enriched only once its story and related list are stored: an article
            # left half-done is still found by `newsloom enrich` and the sweep
            Article.objects.filter(pk__in=done).update(enriched_at=timezone.now())
    except Exception:
        forget_engine()  # it holds the batch's assignments, which were rolled back
        raise
    return len(done)


def _placed(article: Article, feature: ArticleFeatures, stored: bytes | None) -> bool:
    """Put the article in its story and store its related list; False when that failed
    (logged: one article's failure never stops the rest of the batch)."""
    if article.story_id is not None and _same_vector(stored, feature.vector):
        # enriched again with its text unchanged (`newsloom enrich --all`): its story
        # and related list were decided among the articles of its own time, which the
        # engine's window no longer holds once the archive has moved on; `newsloom
        # recluster` is what rebuilds stories on purpose
        return True
    try:
        assign_story(article, feature)
        relate(article, feature.vector)
    except Exception:
        log.exception("story or related list failed for article %s", article.pk)
        return False
    return True


def enrich_batch_safely(article_ids: list[int]) -> None:
    """Enrichment for the live pipeline (`newsloom.news.enrich_batches`): log and carry
    on if anything goes wrong; a batch that fails as a whole (one article the models
    cannot take) is done again article by article, so its neighbours still get enriched."""
    try:
        enrich_articles(article_ids)
    except Exception:  # the articles are stored already; enrichment can be redone
        log.exception("enrichment failed for a batch of %d articles", len(article_ids))
        if len(article_ids) > 1:
            for article_id in article_ids:
                enrich_article_safely(article_id)


def enrich_article_safely(article_id: int) -> None:
    """Enrichment for the live pipeline: log and carry on if anything goes wrong."""
    try:
        enrich_articles([article_id])
    except Exception:  # the article is stored already; enrichment can be redone
        log.exception("enrichment failed for article %s", article_id)

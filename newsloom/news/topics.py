"""Writing articles' topics: the one place that changes `Article.topics`, so that the
topic rows topic listings read (`ArticleTopic`) always say the same, in the same
transaction."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from newsloom.news.models import TOPIC_LABEL_LENGTH, Article, ArticleTopic
from newsloom.news.rows import write_fields


def save_topics(articles: Sequence[Article], fields: Sequence[str] = ()) -> None:
    """Store the `topics` set on these (saved) articles, with any other `fields` of theirs
    (the enrichment's: one bulk update for all), and replace their topic rows: a few bulk
    statements for the whole batch (enrichment writes hundreds at once), whatever they had
    before (re-enrichment moves an article between topic listings)."""
    ids = [a.pk for a in articles]
    rows = [ArticleTopic(article_id=a.pk, topic=label, published_at=a.published_at)
            for a in articles for label in dict.fromkeys(a.topics)
            if isinstance(label, str) and len(label) <= TOPIC_LABEL_LENGTH]
    with transaction.atomic():
        write_fields(articles, ["topics", *fields])
        ArticleTopic.objects.filter(article_id__in=ids).delete()
        ArticleTopic.objects.bulk_create(rows, batch_size=500)


def follow_publication_time(article: Article) -> None:
    """Copy an article's (possibly moved) publication time to its topic rows, inside the
    transaction that saves it: processing may date an article from its page."""
    ArticleTopic.objects.filter(article_id=article.pk).update(published_at=article.published_at)

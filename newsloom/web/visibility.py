"""What readers see of the articles: the one filter every page, feed, For-you list, search
and sync API starts from, and the one topic test."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from newsloom.news.models import Article


def visible_articles() -> QuerySet[Article]:
    """Processed articles that are not copies of another one: what readers see anywhere
    (pages, feeds, For you, search, the sync APIs)."""
    return Article.objects.filter(status=Article.Status.READY, duplicate_of__isnull=True)


def has_topic(name: str) -> Q:
    """Articles labelled with topic `name`. Topics are stored as a JSON list of labels; the
    quoted label keeps "health" from matching "healthcare"."""
    return Q(topics__icontains=f'"{name}"')

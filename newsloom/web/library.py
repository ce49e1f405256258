"""Signed-in readers' own things: saved articles, follows, the "For you" page, history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from newsloom.news.models import Article
from newsloom.web.accounts import safe_next
from newsloom.web.models import Follow, ReadMark, SavedArticle
from newsloom.web.params import optional_id
from newsloom.web.read_marks import note_read
from newsloom.web.storage_errors import storage_problem
from newsloom.web.visibility import (
    edition_listings,
    listing_exists,
    newest_ids,
    topic_articles,
    visible_articles,
)

PAGE_SIZE = 30


@login_required
@require_POST
def toggle_save(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    saved, created = SavedArticle.objects.get_or_create(user=request.user, article=article)
    if not created:
        saved.delete()
    return redirect(safe_next(request, f"/a/{article.pk}/"))


@login_required
def saved(request: HttpRequest) -> HttpResponse:
    items = (SavedArticle.objects.filter(user=request.user)
             .select_related("article__source"))
    return render(request, "web/saved.html", {"items": items})


@login_required
@require_POST
def toggle_follow(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    value = (request.POST.get("value") or "").strip()[:200]
    if kind in Follow.Kind.values and value:
        follow = Follow.objects.filter(user=request.user, kind=kind, value=value).first()
        if follow is not None:
            follow.delete()  # unfollowing works even for what has gone since
        elif listing_exists(kind, value):
            Follow.objects.get_or_create(user=request.user, kind=kind, value=value)
        else:
            return HttpResponseBadRequest(f"There is no such {kind} to follow.",
                                          content_type="text/plain; charset=utf-8")
    return redirect(safe_next(request, reverse("for-you")))


def _followed(follow: Follow) -> list[QuerySet[Article]]:
    """The visible articles of one follow as listings newest first, each read as one index
    range (a publisher's, a topic's rows, an edition's publishers one by one); none for a
    follow that names nothing."""
    source_id = optional_id(follow.value)
    if follow.kind == Follow.Kind.SOURCE and source_id is not None:
        return [visible_articles().filter(source_id=source_id)]
    if follow.kind == Follow.Kind.REGION:
        return edition_listings(follow.value)
    if follow.kind == Follow.Kind.TOPIC:
        return [topic_articles(follow.value)]
    return []


@login_required
def for_you(request: HttpRequest) -> HttpResponse:
    follows = list(Follow.objects.filter(user=request.user))
    ids = newest_followed(follows, ReadMark.objects.filter(user=request.user)
                          .values("article_id"))
    found = Article.objects.select_related("source").in_bulk(ids)
    articles = [found[pk] for pk in ids]
    return render(request, "web/for_you.html", {"articles": articles, "follows": follows})


def newest_followed(follows: list[Follow], read: QuerySet[ReadMark]) -> list[int]:
    """The ids of the newest PAGE_SIZE visible articles of anything in `follows` that are
    not in `read` (article ids), newest first. Each follow's newest are read from its own
    listings, then merged (`newest_ids`): one walk over all articles testing every follow
    at once read the whole archive for a reader following a rare topic."""
    return newest_ids((listing.exclude(pk__in=read) for follow in follows
                       for listing in _followed(follow)), PAGE_SIZE)


@login_required
def history(request: HttpRequest) -> HttpResponse:
    marks = (ReadMark.objects.filter(user=request.user).select_related("article__source")
             .order_by("-read_at")[:100])
    return render(request, "web/history.html", {"marks": marks})


def mark_read(request: HttpRequest, article: Article) -> None:
    """Note the article in the reader's history. A data folder that takes no writes (read-only,
    full) loses the note but still shows the article."""
    if not request.user.is_authenticated:
        return
    try:
        note_read(request.user.pk, article.pk)
    except DatabaseError as exc:
        if not storage_problem(exc):
            raise

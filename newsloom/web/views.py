"""Reader pages over stored articles: home (latest), article, sources."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify

from newsloom.news.models import Article, Source

PAGE_SIZE = 30


def visible_articles():  # type: ignore[no-untyped-def]
    """Processed articles that are not copies of another one."""
    return Article.objects.filter(status=Article.Status.READY, duplicate_of__isnull=True)


def home(request: HttpRequest) -> HttpResponse:
    articles = visible_articles().select_related("source").order_by("-published_at")
    region = request.GET.get("region", "")
    language = request.GET.get("lang", "")
    if region:
        articles = articles.filter(source__region=region)
    if language:
        articles = articles.filter(language=language)
    return render(request, "web/home.html", {
        "articles": articles[:PAGE_SIZE], "region": region, "language": language,
    })


def article(request: HttpRequest, article_id: int, slug: str = "") -> HttpResponse:
    item = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    if item.duplicate_of_id:
        return redirect("article", article_id=item.duplicate_of_id)
    expected = slugify(item.title, allow_unicode=True)[:80]
    if slug and slug != expected:
        return redirect("article-slug", article_id=item.pk, slug=expected)
    copies = list(item.duplicates.select_related("source"))
    return render(request, "web/article.html", {"article": item, "copies": copies})


def sources(request: HttpRequest) -> HttpResponse:
    rows = Source.objects.annotate(
        article_count=Count("articles", filter=Q(articles__status=Article.Status.READY))
    ).order_by("category", "name")
    return render(request, "web/sources.html", {"sources": rows})


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True, "articles": Article.objects.count()})

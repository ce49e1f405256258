"""Reader pages over stored articles: home (latest), article, sources."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from newsloom.intel.llm import LLMConfig
from newsloom.intel.llm import ask as ask_llm
from newsloom.intel.story_digest import story_digest
from newsloom.news.models import Article, Source, Story

PAGE_SIZE = 30


def visible_articles():  # type: ignore[no-untyped-def]
    """Processed articles that are not copies of another one."""
    return Article.objects.filter(status=Article.Status.READY, duplicate_of__isnull=True)


def home(request: HttpRequest) -> HttpResponse:
    articles = visible_articles().select_related("source", "story").order_by("-published_at")
    region = request.GET.get("region", "")
    language = request.GET.get("lang", "")
    if region:
        articles = articles.filter(source__region=region)
    if language:
        articles = articles.filter(language=language)
    stories = (Story.objects.filter(article_count__gte=2, lead_article__isnull=False)
               .select_related("lead_article__source").order_by("-score")[:8])
    if region or language:
        stories = []
    return render(request, "web/home.html", {
        "articles": articles[:PAGE_SIZE], "region": region, "language": language,
        "stories": stories,
    })


def article(request: HttpRequest, article_id: int, slug: str = "") -> HttpResponse:
    item = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    if item.duplicate_of_id:
        return redirect("article", article_id=item.duplicate_of_id)
    expected = slugify(item.title, allow_unicode=True)[:80]
    if slug and slug != expected:
        return redirect("article-slug", article_id=item.pk, slug=expected)
    copies = list(item.duplicates.select_related("source"))
    related = [link.related for link in item.related_links.select_related(
        "related__source").order_by("-score")[:6]]
    return render(request, "web/article.html", {
        "article": item, "copies": copies, "related": related,
        "question": "", "answer": None,
    })


@require_POST
def ask(request: HttpRequest, article_id: int) -> HttpResponse:
    """Answer a question from the article's own sentences (or say it does not say)."""
    item = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    question = request.POST.get("q", "").strip()[:300]
    checked = ask_llm(question, item.text, LLMConfig.from_env()) if question else None
    answer = checked.extractive if checked else None
    context = {"article": item, "question": question, "answer": answer, "checked": checked}
    if request.headers.get("HX-Request"):
        return render(request, "web/_answer.html", context)
    context.update(copies=list(item.duplicates.select_related("source")),
                   related=[link.related for link in item.related_links.select_related(
                       "related__source").order_by("-score")[:6]])
    return render(request, "web/article.html", context)


def story(request: HttpRequest, story_id: int) -> HttpResponse:
    """Full coverage: every article of one story, by time, with who covered it."""
    item = get_object_or_404(Story, pk=story_id)
    members = list(item.articles.filter(duplicate_of__isnull=True)
                   .select_related("source").order_by("published_at"))
    publishers = sorted({(a.source.name, a.source.region) for a in members})
    return render(request, "web/story.html", {
        "story": item, "articles": members, "publishers": publishers,
        "digest": story_digest(members),
    })


def sources(request: HttpRequest) -> HttpResponse:
    rows = Source.objects.annotate(
        article_count=Count("articles", filter=Q(articles__status=Article.Status.READY))
    ).order_by("category", "name")
    return render(request, "web/sources.html", {"sources": rows})


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True, "articles": Article.objects.count()})

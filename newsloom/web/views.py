"""Reader pages: home and editions, article, story, source/topic/region listings, search."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from newsloom.intel.story_digest import story_digest
from newsloom.news.models import Article, Source, Story
from newsloom.news.stories import merged_into, publisher
from newsloom.web import questions
from newsloom.web.accounts import safe_next
from newsloom.web.ad_slots import with_ad_slots
from newsloom.web.caching import cache_for_anonymous
from newsloom.web.comments import can_moderate, visible_comments
from newsloom.web.headlines import Headline, headline, story_headlines
from newsloom.web.library import mark_read
from newsloom.web.models import Follow, ReadMark, SavedArticle
from newsloom.web.params import clean_text, optional_id, page_number
from newsloom.web.remote_images import allowed as remote_images_allowed
from newsloom.web.remote_images import without_remote_images
from newsloom.web.search import PER_PAGE, Filters, search
from newsloom.web.visibility import (
    REGIONS,
    edition_listings,
    language_name,
    merged_page,
    require_listing,
    topic_articles,
    visible_articles,
)

PAGE_SIZE = 30


class ListingPage:
    """One page of a listing without counting the whole table (a COUNT over 10^5 rows
    cost more than rendering the page): one extra row says whether there is a next page."""

    def __init__(self, query: QuerySet[Article] | list[QuerySet[Article]],
                 number: str | None) -> None:
        self.number = page_number(number)
        start = (self.number - 1) * PAGE_SIZE
        # several listings (an edition's publishers) are merged, newest first
        rows = (merged_page(query, start, PAGE_SIZE + 1) if isinstance(query, list)
                else list(query.select_related("source")[start:start + PAGE_SIZE + 1]))
        self.object_list = rows[:PAGE_SIZE]
        self.has_next = len(rows) > PAGE_SIZE
        self.has_previous = self.number > 1
        self.has_other_pages = self.has_next or self.has_previous

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.object_list)

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def _listing(request: HttpRequest, articles: QuerySet[Article] | list[QuerySet[Article]],
             heading: str, feed: str, follow: tuple[str, str] | None = None,
             stories: list[tuple[Story, Headline]] | None = None) -> HttpResponse:
    """One page of `articles`, in their own order: newest first (Article's default
    ordering, or a topic's rows, `visibility.topic_articles`), or of several listings
    merged newest first (`visibility.edition_listings`)."""
    page = ListingPage(articles, request.GET.get("page"))
    following = bool(follow and request.user.is_authenticated and Follow.objects.filter(
        user=request.user, kind=follow[0], value=follow[1]).exists())
    read_ids = set(ReadMark.objects.filter(
        user=request.user, article__in=[a.pk for a in page]).values_list("article_id", flat=True)
    ) if request.user.is_authenticated else set()
    return render(request, "web/home.html", {
        "page": page, "heading": heading, "feed": feed, "stories": stories or [],
        "follow": follow, "following": following, "read_ids": read_ids,
    })


@cache_for_anonymous
def home(request: HttpRequest) -> HttpResponse:
    stories = list(Story.objects.filter(article_count__gte=2, lead_article__isnull=False)
                   .select_related("lead_article__source").order_by("-score")[:8])
    return _listing(request, visible_articles(), "Latest", "/feeds/rss/",
                    stories=story_headlines(stories, get_language()))


@cache_for_anonymous
def edition(request: HttpRequest, region: str) -> HttpResponse:
    require_listing("region", region)
    name = REGIONS.get(region, region.upper())
    return _listing(request, edition_listings(region), name,
                    f"/feeds/rss/region/{region}/", follow=("region", region))


@cache_for_anonymous
def language(request: HttpRequest, code: str) -> HttpResponse:
    require_listing("language", code)
    return _listing(request, visible_articles().filter(language=code), language_name(code),
                    f"/feeds/rss/language/{code}/")


@cache_for_anonymous
def topic(request: HttpRequest, name: str) -> HttpResponse:
    require_listing("topic", name)
    return _listing(request, topic_articles(name),
                    name.capitalize(), f"/feeds/rss/topic/{name}/", follow=("topic", name))


@cache_for_anonymous
def source_page(request: HttpRequest, source_id: int) -> HttpResponse:
    item = get_object_or_404(Source, pk=source_id)
    return _listing(request, visible_articles().filter(source=item), item.name,
                    f"/feeds/rss/source/{item.pk}/", follow=("source", str(item.pk)))


@cache_for_anonymous
def article(request: HttpRequest, article_id: int, slug: str = "") -> HttpResponse:
    item = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    if item.duplicate_of_id:
        return redirect("article", article_id=item.duplicate_of_id)
    expected = slugify(item.title, allow_unicode=True)[:80]
    if slug and slug != expected:
        return redirect("article-slug", article_id=item.pk, slug=expected)
    mark_read(request, item)
    return render(request, "web/article.html", _article_context(request, item))


def other_coverage(item: Article, limit: int = 3) -> list[Article]:
    """Other publishers' articles of the same story, one each, earliest first."""
    seen = {publisher(item.source.name)}
    chosen: list[Article] = []
    for other in (Article.objects.filter(story=item.story_id, duplicate_of__isnull=True)
                  .exclude(pk=item.pk).select_related("source")
                  .order_by("published_at", "pk")[:50]):
        if publisher(other.source.name) not in seen:
            seen.add(publisher(other.source.name))
            chosen.append(other)
        if len(chosen) == limit:
            break
    return chosen


def _article_context(request: HttpRequest, item: Article, **extra: object) -> dict[str, object]:
    # a lazy queryset: the template's cached fragment only runs it on a cache miss
    related = Article.objects.filter(related_links_in__article=item)
    coverage: list[Article] = []
    if item.story_id:  # the story's own articles are shown apart, as its coverage
        related = related.exclude(story=item.story_id)
        coverage = other_coverage(item)
    related = related.select_related("source").order_by("-related_links_in__score")[:6]
    saved = request.user.is_authenticated and SavedArticle.objects.filter(
        user=request.user, article=item).exists()
    context: dict[str, object] = {
        "article": item, "copies": list(item.duplicates.select_related("source")),
        "related": related, "coverage": coverage,
        "comments": visible_comments(item, request.user),
        "moderator": can_moderate(request.user), "saved": saved,
        "remote_images": remote_images_allowed(),
        "body": with_ad_slots(without_remote_images(item.html), settings.NEWSLOOM_AD_SNIPPET,
                              settings.NEWSLOOM_AD_EVERY),
        "question": "", "answer": None, "refusal": "",
    }
    context.update(extra)
    return context


@require_GET
def ask(request: HttpRequest, article_id: int) -> HttpResponse:
    """Answer a question from the article's own sentences (or say it does not say). A GET:
    it changes no reader data (it only counts toward the client's limit), so the form needs
    no CSRF token and pages stay cacheable."""
    item = get_object_or_404(Article.objects.select_related("source"), pk=article_id)
    question = clean_text(request.GET.get("q"), 300)
    refusal, status, checked = "", 200, None
    if question:
        try:
            checked = questions.answer(request, item, question)
        except questions.TooManyQuestions:
            refusal, status = _("You are asking too fast. Please wait a minute."), 429
    context = {"question": question, "answer": checked.extractive if checked else None,
               "checked": checked, "refusal": refusal}
    if request.headers.get("HX-Request"):
        return render(request, "web/_answer.html", context, status=status)
    return render(request, "web/article.html", _article_context(request, item, **context),
                  status=status)


@cache_for_anonymous
def story(request: HttpRequest, story_id: int) -> HttpResponse:
    """Full coverage: every article of one story, by time, with who covered it. The
    address of a story merged into another leads there."""
    item = Story.objects.select_related("lead_article").filter(pk=story_id).first()
    if item is None:
        became = merged_into(story_id)
        if became is None:
            raise Http404("No such story")
        return redirect("story", story_id=became, permanent=True)
    members = list(item.articles.filter(duplicate_of__isnull=True)
                   .select_related("source").order_by("published_at", "pk"))
    publishers = sorted({(a.source.name, a.source.region) for a in members})
    title = headline(item.lead_article, members, get_language()) if item.lead_article \
        else None
    return render(request, "web/story.html", {
        "story": item, "headline": title, "articles": members, "publishers": publishers,
        "digest": story_digest(members),
    })


def _day(value: str | None) -> date | None:
    """A YYYY-MM-DD date from a form, or None for anything else (2026-02-30 included, and
    9999-12-31, whose next day, the exclusive end of a range, does not exist)."""
    try:
        day = parse_date(clean_text(value, 10))
    except ValueError:
        return None
    return day if day and day < date.max else None


def _midnight(day: date | None) -> datetime | None:
    """The start of a day in the portal's time zone."""
    return timezone.make_aware(datetime.combine(day, time())) if day else None


def _query_with(request: HttpRequest, **changes: str | None) -> str:
    """This page's query string with some parameters set or (None) removed."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode()


@cache_for_anonymous
def search_page(request: HttpRequest) -> HttpResponse:
    query = clean_text(request.GET.get("q"))
    since, until = _day(request.GET.get("since")), _day(request.GET.get("until"))
    filters = Filters(source=optional_id(request.GET.get("source")),
                      region=clean_text(request.GET.get("region"), 20),
                      language=clean_text(request.GET.get("lang"), 20),
                      since=_midnight(since),
                      before=_midnight(until + timedelta(days=1)) if until else None)
    page = page_number(request.GET.get("page"))
    order = "relevance" if request.GET.get("sort") == "relevance" else "date"
    results = search(query, filters, page, order) if query else None
    more = results is not None and page * PER_PAGE < results.total
    links = {"date": _query_with(request, sort=None, page=None),
             "relevance": _query_with(request, sort="relevance", page=None),
             "previous": _query_with(request, page=str(page - 1)) if page > 1 else "",
             "next": _query_with(request, page=str(page + 1)) if more else ""}
    return render(request, "web/search.html", {
        "query": query, "results": results, "order": order, "links": links,
        "filters": filters, "since": since, "until": until,
        "sources": Source.objects.order_by("name"), "regions": REGIONS,
    })


def sources(request: HttpRequest) -> HttpResponse:
    rows = Source.objects.annotate(
        article_count=Count("articles", filter=Q(articles__status=Article.Status.READY))
    ).order_by("category", "name")
    return render(request, "web/sources.html", {"sources": rows})


def switch_language(request: HttpRequest) -> HttpResponse:
    """Choose the interface language (a preference cookie, so a plain GET link/form:
    no CSRF token in every page)."""
    code = request.GET.get("language", "")
    response = redirect(safe_next(request))
    if code in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600,
                            samesite="Lax")
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and supervisors: 503 while no worker is alive or the
    queue cannot be read (newsloom.news.health)."""
    from newsloom.news.health import report

    health = report()
    return JsonResponse(health, status=200 if health["ok"] else 503)

"""newsloom's own API at /api/v1/ (django-ninja, OpenAPI at /api/v1/openapi.json): what no
other reader's API offers — stories across outlets, an article's summary, key points and
related articles, ask this article, search and editions. Readers authenticate with their
API password (X-Auth-Token header or Authorization: Bearer), like every other API here."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError
from ninja.security import APIKeyHeader, HttpBearer

from newsloom.api import passwords, throttle
from newsloom.intel.llm import LLMConfig
from newsloom.intel.llm import ask as ask_llm
from newsloom.news.models import Article, Source, Story
from newsloom.news.stories import merged_into, publisher
from newsloom.web.search import PER_PAGE, search
from newsloom.web.visibility import (
    REGIONS,
    edition_listings,
    merged_page,
    require_listing,
    visible_articles,
)


def _reader(request: HttpRequest, token: str) -> AbstractBaseUser | None:
    if not token:
        return None
    outcome = throttle.checked(request, "", lambda: passwords.user_for_token(token))
    if outcome.throttled:
        raise HttpError(429, "too many failed logins from this address; try again later")
    return outcome.user


class TokenHeader(APIKeyHeader):
    param_name = "X-Auth-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> AbstractBaseUser | None:
        return _reader(request, key or "")


class Bearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        return _reader(request, token)


api = NinjaAPI(title="newsloom", version="1", urls_namespace="newsloom-api",
               description="Stories across outlets, article intelligence, search, editions.",
               auth=[TokenHeader(), Bearer()])


class SourceOut(Schema):
    id: int
    name: str
    region: str
    language: str


class ArticleBrief(Schema):
    id: int
    title: str
    url: str
    published_at: datetime
    language: str
    source: SourceOut


class StoryBrief(Schema):
    id: int
    title: str
    article_count: int
    source_count: int
    languages: dict[str, int]
    first_seen: datetime
    last_seen: datetime


class StoryOut(StoryBrief):
    outlets: list[str]
    articles: list[ArticleBrief]


class RelatedOut(Schema):
    id: int
    title: str
    score: float


class ArticleOut(ArticleBrief):
    author: str
    text: str
    summary: list[str]
    key_points: list[str]
    keyphrases: list[str]
    topics: list[str]
    story_id: int | None
    related: list[RelatedOut]


class AnswerOut(Schema):
    question: str
    found: bool
    sentences: list[str]
    generated: str


class SearchHit(Schema):
    article: ArticleBrief
    snippet: str


class SearchOut(Schema):
    total: int
    capped: bool
    hits: list[SearchHit]


class EditionOut(Schema):
    region: str
    name: str


class Error(Schema):
    detail: str


class Invalid(Schema):
    detail: list[dict[str, object]]


MAX_ID = 2**53  # ids beyond any database row, and beyond what JSON clients read exactly


def answers(ok: object, *, missing: bool = False, moved: bool = False) -> dict[int, object]:
    """The documented responses of an operation: its own, the authentication ones every
    operation can give, and 422 for parameters that do not validate."""
    codes: dict[int, object] = {200: ok, 401: Error, 422: Invalid, 429: Error}
    if missing:
        codes[404] = Error
    if moved:
        codes[301] = None
    return codes


class Paging(Schema):
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=100_000)


def _window(query: QuerySet, paging: Paging) -> QuerySet:  # type: ignore[type-arg]
    return query[paging.offset:paging.offset + paging.limit]


def _texts(value: object) -> list[str]:
    """A JSON list field as strings (enrichment stores lists of strings or of pairs)."""
    if not isinstance(value, list):
        return []
    return [item if isinstance(item, str) else str(item[0]) if isinstance(item, list) and item
            else str(item) for item in value]


@api.get("/stories", response=answers(list[StoryBrief]), summary="Top stories, most outlets first")
def stories(request: HttpRequest, paging: Query[Paging]) -> list[Story]:
    return list(_window(Story.objects.filter(article_count__gte=1).order_by("-score", "pk"),
                        paging))


@api.get("/stories/{story_id}", response=answers(StoryOut, missing=True, moved=True),
         summary="One story with its articles and outlets",
         description="A story merged into another answers 301 with the other's address.")
def story(request: HttpRequest, story_id: int = Path(..., ge=1, le=MAX_ID)
          ) -> dict[str, object] | HttpResponse:
    item = Story.objects.filter(pk=story_id).first()
    if item is None:
        became = merged_into(story_id)
        if became is None:
            raise Http404("No such story")
        return HttpResponsePermanentRedirect(f"{request.path.rsplit('/', 1)[0]}/{became}")
    members = list(visible_articles().filter(story=item).select_related("source")
                   .order_by("published_at", "pk"))
    return {**StoryBrief.model_validate(item).model_dump(), "articles": members,
            "outlets": sorted({publisher(a.source.name) for a in members})}


@api.get("/articles/{article_id}", response=answers(ArticleOut, missing=True),
         summary="An article with its summary, key points and related articles")
def article(request: HttpRequest,
            article_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, object]:
    item = get_object_or_404(visible_articles().select_related("source"), pk=article_id)
    related = [{"id": link.related_id, "title": link.related.title, "score": link.score}
               for link in item.related_links.select_related("related")[:10]]
    return {**ArticleBrief.model_validate(item).model_dump(), "author": item.author,
            "text": item.text,
            "summary": _texts(item.summary), "key_points": _texts(item.key_points),
            "keyphrases": _texts(item.keyphrases), "topics": _texts(item.topics),
            "story_id": item.story_id, "related": related}


@api.get("/articles/{article_id}/ask", response=answers(AnswerOut, missing=True),
         summary="Ask this article: an answer quoted from its own sentences")
def ask(request: HttpRequest, q: str = Query(..., min_length=1, max_length=300),
        article_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, object]:
    item = get_object_or_404(visible_articles(), pk=article_id)
    question = q.strip()[:300]
    checked = ask_llm(question, item.text, LLMConfig.from_env())
    return {"question": question, "found": checked.extractive.found,
            "sentences": checked.extractive.sentences, "generated": checked.generated}


@api.get("/search", response=answers(SearchOut),
         summary=f"Full-text search, {PER_PAGE} hits a page")
def search_articles(request: HttpRequest, q: str = Query(..., max_length=200),
                    page: int = Query(1, ge=1, le=25)) -> dict[str, object]:
    results = search(q, page=page)
    return {"total": results.total, "capped": results.capped,
            "hits": [{"article": hit.article, "snippet": hit.snippet} for hit in results.hits]}


@api.get("/editions", response=answers(list[EditionOut]), summary="Regional editions")
def editions(request: HttpRequest) -> list[dict[str, str]]:
    regions = set(Source.objects.exclude(region="").values_list("region", flat=True))
    return [{"region": code, "name": REGIONS.get(code, code.upper())}
            for code in sorted(regions | set(REGIONS))]


@api.get("/editions/{region}", response=answers(list[ArticleBrief], missing=True),
         summary="An edition's latest articles")
def edition(request: HttpRequest, paging: Query[Paging],
            region: str = Path(..., max_length=16)) -> list[Article]:
    require_listing("region", region)
    return merged_page(edition_listings(region), paging.offset, paging.limit)

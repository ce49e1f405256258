"""A Miniflux-compatible REST API at /v1/ (https://miniflux.app/docs/api.html), enough for
the official `miniflux` client and newsboat's Miniflux backend: X-Auth-Token (the API
password) or HTTP basic auth (reader name and API password), JSON in and out, errors as
{"error_message": …}. Feeds are the reader's subscriptions, categories their folders."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from newsloom.api import passwords, state, throttle
from newsloom.api.content import (
    article_html,
    from_seconds,
    in_range,
    optional_number,
    subscriptions_opml,
)
from newsloom.news.models import Article, Source
from newsloom.news.sources import SourceError
from newsloom.news.tasks import refresh_source_task

MAX_LIMIT = 1000  # entries per page
ORDERS = {"id": "pk", "published_at": "published_at", "created_at": "created_at",
          "status": "pk", "category_title": "pk", "category_id": "pk"}


class MinifluxError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error_message": message}, status=status)


def _json(payload: object, status: int = 200) -> JsonResponse:
    return JsonResponse(payload, status=status, safe=False,
                        json_dumps_params={"ensure_ascii": False})


def _no_content() -> HttpResponse:
    return HttpResponse(status=204)


def _time(moment: datetime | None) -> str:
    return (moment or datetime.fromtimestamp(0, UTC)).astimezone(UTC).isoformat().replace(
        "+00:00", "Z")


def _authenticate(request: HttpRequest) -> AbstractBaseUser | None:
    token = request.META.get("HTTP_X_AUTH_TOKEN", "")
    if token:
        return passwords.user_for_token(token)
    scheme, _, encoded = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, _, password = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return passwords.user_for_password(username, password)


def _basic_username(request: HttpRequest) -> str:
    scheme, _, encoded = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    try:
        return base64.b64decode(encoded).decode().partition(":")[0] if scheme.lower() == \
            "basic" else ""
    except (binascii.Error, UnicodeDecodeError):
        return ""


View = Callable[..., HttpResponse]


def endpoint(**methods: View) -> View:
    """One URL with a handler per HTTP method; each request is authenticated first."""

    @csrf_exempt
    @wraps(next(iter(methods.values())))
    def view(request: HttpRequest, **kwargs: int) -> HttpResponse:
        if not all(in_range(v) for v in kwargs.values() if isinstance(v, int)):
            return _error("Not found", 404)
        username = _basic_username(request)
        if not {"HTTP_X_AUTH_TOKEN", "HTTP_AUTHORIZATION"} & set(request.META):
            return _error("Access Unauthorized", 401)
        outcome = throttle.checked(request, username, lambda: _authenticate(request))
        if outcome.throttled:
            return _error("Too many failed logins, try again later", 429)
        user = outcome.user
        if user is None:
            return _error("Access Unauthorized", 401)
        handler = methods.get(request.method.lower())
        if handler is None:
            return _error(f"{request.method} is not allowed here", 405)
        try:
            return handler(request, user, **kwargs)
        except MinifluxError as exc:
            return _error(str(exc), exc.status)
    return view


def _body(request: HttpRequest) -> dict[str, object]:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise MinifluxError(f"the request body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise MinifluxError("the request body must be a JSON object")
    return data


def _category(user: AbstractBaseUser, name: str) -> dict[str, object]:
    return {"id": state.folder_id(name), "title": name, "user_id": user.pk,
            "hide_globally": False}


def _feed(user: AbstractBaseUser, source: Source, folders: dict[int, str],
          titles: dict[int, str]) -> dict[str, object]:
    return {
        "id": source.pk, "user_id": user.pk, "feed_url": source.feed_url,
        "site_url": source.site_url, "title": state.title_of(source, titles),
        "checked_at": _time(source.last_fetched_at), "next_check_at": _time(source.next_fetch_at),
        "etag_header": "", "last_modified_header": "",
        "parsing_error_message": source.last_error if source.consecutive_errors else "",
        "parsing_error_count": source.consecutive_errors, "scraper_rules": "",
        "rewrite_rules": "", "crawler": True, "blocklist_rules": "", "keeplist_rules": "",
        "user_agent": "", "username": "", "password": "", "disabled": source.paused,
        "ignore_http_cache": False, "fetch_via_proxy": False, "no_media_player": False,
        "hide_globally": False, "category": _category(user, folders.get(source.pk,
                                                                        state.DEFAULT_FOLDER)),
        "icon": None,
    }


def _subscription(user: AbstractBaseUser, feed_id: int) -> Source:
    source = Source.objects.filter(pk=feed_id).first()
    if source is None or not state.is_subscribed(user, feed_id):
        raise MinifluxError("Feed not found", 404)
    return source


def _folder(user: AbstractBaseUser, category_id: object) -> str:
    if not isinstance(category_id, int) or isinstance(category_id, bool):
        raise MinifluxError("category_id must be a number")
    name = state.folder_by_id(user, category_id)
    if name is None:
        raise MinifluxError("Category not found", 404)
    return name


def me(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    return _json({"id": user.pk, "username": user.get_username(), "is_admin": user.is_staff,
                  "theme": "system_serif", "language": "en_US", "timezone": "UTC",
                  "entry_sorting_direction": "desc", "entry_sorting_order": "published_at",
                  "entries_per_page": 100, "keyboard_shortcuts": True,
                  "show_reading_time": True, "entry_swipe": True,
                  "last_login_at": _time(user.last_login)})


def version(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    return _json({"version": "2.2.0", "commit": "newsloom", "build_date": "",
                  "go_version": "", "compiler": "", "arch": "", "os": ""})


def categories(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    folders = state.folder_names(user)
    names = sorted(set(folders.values()))
    result = [_category(user, name) for name in names]
    if request.GET.get("counts") == "true":
        unread = dict(state.only_unread(state.reader_articles(user), user).order_by()
                      .values_list("source_id").annotate(n=Count("pk")))
        for item in result:
            members = [pk for pk, name in folders.items() if name == item["title"]]
            item.update(feed_count=len(members),
                        total_unread=sum(unread.get(pk, 0) for pk in members))
    return _json(result)


def category_feeds(request: HttpRequest, user: AbstractBaseUser,
                   category_id: int) -> HttpResponse:
    name = _folder(user, category_id)
    folders, titles = state.folder_names(user), state.titles(user)
    return _json([_feed(user, s, folders, titles) for s in state.subscriptions(user)
                  if folders.get(s.pk) == name])


def feeds(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    folders, titles = state.folder_names(user), state.titles(user)
    return _json([_feed(user, s, folders, titles) for s in state.subscriptions(user)])


def create_feed(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    data = _body(request)
    url = data.get("feed_url")
    if not isinstance(url, str) or not url.strip():
        raise MinifluxError("feed_url is required")
    folder = _folder(user, data["category_id"]) if data.get("category_id") else ""
    try:
        source = state.subscribe(user, url.strip(), folder)
    except SourceError as exc:
        raise MinifluxError(str(exc)) from exc
    return _json({"feed_id": source.pk}, status=201)


def feed(request: HttpRequest, user: AbstractBaseUser, feed_id: int) -> HttpResponse:
    return _json(_feed(user, _subscription(user, feed_id), state.folder_names(user),
                       state.titles(user)))


def update_feed(request: HttpRequest, user: AbstractBaseUser, feed_id: int) -> HttpResponse:
    """The category and the title are the reader's own; URL and fetch settings of a
    source are shared by every reader, and stay with the administrator."""
    source = _subscription(user, feed_id)
    data = _body(request)
    unknown = sorted(set(data) - {"category_id", "title"})
    if unknown:
        raise MinifluxError(f"only category_id and title can be changed here, not "
                            f"{', '.join(unknown)}")
    if "title" in data and not isinstance(data["title"], str):
        raise MinifluxError("title must be a string")
    if "category_id" in data:
        state.set_folder(user, source.pk, _folder(user, data["category_id"]))
    if "title" in data:
        state.set_title(user, source.pk, str(data["title"]))
    return _json(_feed(user, source, state.folder_names(user), state.titles(user)),
                 status=201)


def delete_feed(request: HttpRequest, user: AbstractBaseUser, feed_id: int) -> HttpResponse:
    state.unsubscribe(user, _subscription(user, feed_id).pk)
    return _no_content()


def refresh_feed(request: HttpRequest, user: AbstractBaseUser, feed_id: int) -> HttpResponse:
    refresh_source_task(_subscription(user, feed_id).pk)
    return _no_content()


def refresh_all(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    for source_id in state.subscribed_ids(user):
        refresh_source_task(source_id)
    return _no_content()


def feed_icon(request: HttpRequest, user: AbstractBaseUser, feed_id: int) -> HttpResponse:
    _subscription(user, feed_id)
    raise MinifluxError("This feed doesn't have any icon", 404)


def counters(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    rows = (state.reader_articles(user).order_by().values("source_id").annotate(
        total=Count("pk"), read=Count("pk", filter=Q(pk__in=state.read_ids(user)))))
    return _json({"reads": {str(r["source_id"]): r["read"] for r in rows},
                  "unreads": {str(r["source_id"]): r["total"] - r["read"] for r in rows}})


def _entries_of(request: HttpRequest, user: AbstractBaseUser,
                articles: QuerySet[Article]) -> tuple[QuerySet[Article], int, int]:
    """The list filters of GET /v1/entries; returns (ordered query, offset, limit)."""
    params = request.GET
    statuses = set(params.getlist("status"))
    if statuses - {"read", "unread", "removed"}:
        raise MinifluxError("status must be read, unread or removed")
    if statuses == {"unread"}:
        articles = state.only_unread(articles, user)
    elif statuses == {"read"}:
        articles = state.only_read(articles, user)
    elif statuses == {"removed"}:
        articles = articles.none()
    starred = _bool(params.get("starred"), "starred")
    if starred is True:
        articles = state.only_starred(articles, user)
    elif starred is False:
        articles = articles.exclude(pk__in=state.starred_ids(user))
    numbers = {name: _int(params.get(name), name) for name in (
        "feed_id", "category_id", "before", "after", "published_before", "published_after",
        "before_entry_id", "after_entry_id", "offset", "limit")}
    if numbers["feed_id"] is not None:
        articles = articles.filter(source_id=numbers["feed_id"])
    if numbers["category_id"] is not None:
        articles = state.only_labelled(articles, user, _folder(user, numbers["category_id"]))
    for name, lookup in (("before", "created_at__lt"), ("after", "created_at__gt"),
                         ("published_before", "published_at__lt"),
                         ("published_after", "published_at__gt")):
        if numbers[name] is not None:
            articles = articles.filter(**{lookup: from_seconds(numbers[name])})
    if numbers["before_entry_id"] is not None:
        articles = articles.filter(pk__lt=numbers["before_entry_id"])
    if numbers["after_entry_id"] is not None:
        articles = articles.filter(pk__gt=numbers["after_entry_id"])
    search = (params.get("search") or "").strip()
    if search:
        articles = articles.filter(Q(title__icontains=search) | Q(text__icontains=search))
    order = params.get("order", "published_at")
    if order not in ORDERS:
        raise MinifluxError(f"order must be one of {', '.join(ORDERS)}")
    direction = params.get("direction", "asc")
    if direction not in ("asc", "desc"):
        raise MinifluxError("direction must be asc or desc")
    sign = "-" if direction == "desc" else ""
    ordered = articles.order_by(f"{sign}{ORDERS[order]}", f"{sign}pk")
    limit = min(max(numbers["limit"] or 100, 1), MAX_LIMIT)
    return ordered, max(numbers["offset"] or 0, 0), limit


TRUE, FALSE = {"1", "t", "true"}, {"0", "f", "false"}  # as Go's strconv.ParseBool reads them


def _bool(raw: str | None, name: str) -> bool | None:
    if raw in (None, ""):
        return None
    if raw.lower() in TRUE | FALSE:
        return raw.lower() in TRUE
    raise MinifluxError(f"{name} must be true or false, not {raw[:40]!r}")


def _int(raw: str | None, name: str) -> int | None:
    return optional_number(raw, name, MinifluxError)


def _entry_rows(user: AbstractBaseUser, articles: list[Article]) -> list[dict[str, object]]:
    ids = [a.pk for a in articles]
    read, starred = state.flags(user, ids)
    folders, titles = state.folder_names(user), state.titles(user)
    labels = state.item_labels(user, ids)
    return [{
        "id": a.pk, "user_id": user.pk, "feed_id": a.source_id,
        "status": "read" if a.pk in read else "unread", "hash": a.fingerprint or str(a.pk),
        "title": a.title, "url": a.url, "comments_url": "",
        "published_at": _time(a.published_at), "created_at": _time(a.created_at),
        "changed_at": _time(a.updated_at or a.created_at), "content": article_html(a),
        "author": a.author, "share_code": "", "starred": a.pk in starred,
        "reading_time": a.reading_minutes, "enclosures": [], "tags": labels.get(a.pk, []),
        "feed": _feed(user, a.source, folders, titles),
    } for a in articles]


def _entry_list(request: HttpRequest, user: AbstractBaseUser,
                articles: QuerySet[Article]) -> HttpResponse:
    ordered, offset, limit = _entries_of(request, user, articles)
    page = list(ordered.select_related("source")[offset:offset + limit])
    return _json({"total": ordered.count(), "entries": _entry_rows(user, page)})


def entries(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    return _entry_list(request, user, state.reader_articles(user))


def feed_entries(request: HttpRequest, user: AbstractBaseUser, feed_id: int) -> HttpResponse:
    source = _subscription(user, feed_id)
    return _entry_list(request, user, state.reader_articles(user).filter(source=source))


def category_entries(request: HttpRequest, user: AbstractBaseUser,
                     category_id: int) -> HttpResponse:
    name = _folder(user, category_id)
    return _entry_list(request, user,
                       state.only_labelled(state.reader_articles(user), user, name))


def _one(user: AbstractBaseUser, entry_id: int, articles: QuerySet[Article]) -> HttpResponse:
    article = (articles | state.starred_articles(user)).filter(
        pk=entry_id).select_related("source").first()
    if article is None:
        raise MinifluxError("Entry not found", 404)
    return _json(_entry_rows(user, [article])[0])


def entry(request: HttpRequest, user: AbstractBaseUser, entry_id: int) -> HttpResponse:
    return _one(user, entry_id, state.reader_articles(user))


def feed_entry(request: HttpRequest, user: AbstractBaseUser, feed_id: int,
               entry_id: int) -> HttpResponse:
    _subscription(user, feed_id)
    return _one(user, entry_id, state.reader_articles(user).filter(source_id=feed_id))


def update_entries(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    data = _body(request)
    ids, status = data.get("entry_ids"), data.get("status")
    if not isinstance(ids, list) or not ids or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise MinifluxError("entry_ids must be a non-empty list of numbers")
    if status not in ("read", "unread"):
        raise MinifluxError("status must be read or unread")
    state.set_read(user, ids, status == "read")
    return _no_content()


def toggle_bookmark(request: HttpRequest, user: AbstractBaseUser, entry_id: int) -> HttpResponse:
    if not state.existing([entry_id]):
        raise MinifluxError("Entry not found", 404)
    state.set_starred(user, [entry_id], not state.is_starred(user, entry_id))
    return _no_content()


def mark_feed_read(request: HttpRequest, user: AbstractBaseUser, feed_id: int) -> HttpResponse:
    source = _subscription(user, feed_id)
    state.mark_all_read(state.reader_articles(user).filter(source=source), user)
    return _no_content()


def export(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    body = subscriptions_opml(list(state.subscriptions(user)), state.folder_names(user),
                              state.titles(user))
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def not_found(request: HttpRequest, user: AbstractBaseUser, rest: str = "") -> HttpResponse:
    raise MinifluxError(f"no such endpoint: /v1/{rest[:100]}", 404)

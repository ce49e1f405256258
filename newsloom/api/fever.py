"""The Fever API at /api/fever.php (https://feedafever.com/api, as FreshRSS serves it):
api_key = md5("name:API password"). Every answer carries api_version and auth; a bad key
gets auth 0, as the spec asks, and counts as a failed login for the client's address."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from newsloom.api import passwords, state, throttle
from newsloom.api.content import (
    ITEM_FIELDS,
    article_html,
    from_seconds,
    in_range,
    optional_number,
    seconds,
)
from newsloom.news.models import Article

API_VERSION = 3
PAGE = 50  # items per call, as the spec says
# Fever wants icon bytes; newsloom keeps only icon URLs, so every feed shares one blank
# icon (a 1x1 transparent GIF) and apps fall back to their own.
BLANK_ICON = "image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


class FeverError(ValueError):
    """A malformed argument; answered with 400 and the message."""


def _ids(raw: str) -> list[int]:
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()][:PAGE]
    except ValueError:
        ids = [-1]
    if not all(pk > 0 and in_range(pk) for pk in ids):
        raise FeverError(f"not a comma-separated list of ids: {raw[:80]!r}")
    return ids


def _number(request: HttpRequest, name: str) -> int | None:
    return optional_number(request.GET.get(name) or request.POST.get(name), name, FeverError)


def _feeds_groups(user: AbstractBaseUser) -> tuple[list[dict], list[dict]]:
    folders = state.folder_names(user)
    members: dict[str, list[int]] = {}
    for source_id, name in folders.items():
        members.setdefault(name, []).append(source_id)
    groups = [{"id": state.folder_id(name), "title": name} for name in sorted(members)]
    links = [{"group_id": state.folder_id(name), "feed_ids": ",".join(map(str, ids))}
             for name, ids in sorted(members.items())]
    return groups, links


def _items(request: HttpRequest, user: AbstractBaseUser) -> dict[str, object]:
    articles = state.reader_articles(user)
    with_ids = request.GET.get("with_ids") or request.POST.get("with_ids")
    since, before = _number(request, "since_id"), _number(request, "max_id")
    if with_ids is not None:
        chosen: QuerySet[Article] = state.readable(user).filter(pk__in=_ids(with_ids)).order_by(
            "pk")
    elif before is not None:
        chosen = articles.filter(pk__lt=before).order_by("-pk")
    else:
        chosen = articles.filter(pk__gt=since or 0).order_by("pk")
    rows = list(chosen.select_related("source").only(*ITEM_FIELDS)[:PAGE])
    read, saved = state.flags(user, [a.pk for a in rows])
    return {
        "total_items": articles.count(),
        "items": [{"id": a.pk, "feed_id": a.source_id, "title": a.title, "author": a.author,
                   "html": article_html(a), "url": a.url, "is_saved": int(a.pk in saved),
                   "is_read": int(a.pk in read), "created_on_time": seconds(a.published_at)}
                  for a in rows],
    }


def _id_list(articles: QuerySet[Article]) -> str:
    return ",".join(map(str, articles.order_by("pk").values_list("pk", flat=True)))


def _mark(request: HttpRequest, user: AbstractBaseUser) -> dict[str, object]:
    """mark=item|feed|group, as=read|unread|saved|unsaved, id=N (before=seconds)."""
    kind = request.GET.get("mark") or request.POST.get("mark")
    action = request.GET.get("as") or request.POST.get("as")
    target = _number(request, "id")
    if target is None or action not in ("read", "unread", "saved", "unsaved"):
        raise FeverError("mark needs as=read|unread|saved|unsaved and id=N")
    if kind == "item":
        if action in ("read", "unread"):
            state.set_read(user, [target], action == "read")
        else:
            state.set_starred(user, [target], action == "saved")
        return {}
    if kind not in ("feed", "group") or action != "read":
        raise FeverError("feeds and groups can only be marked read")
    articles = state.reader_articles(user)
    if kind == "feed":
        articles = articles.filter(source_id=target)
    elif target:  # group 0 is every subscription ("Kindling")
        name = state.folder_by_id(user, target)
        if name is None:
            raise FeverError(f"unknown group {target}")
        articles = state.only_labelled(articles, user, name)
    before = _number(request, "before")
    state.mark_all_read(articles, user, from_seconds(before) if before else None)
    return {}


@csrf_exempt
def fever(request: HttpRequest) -> JsonResponse:
    answer: dict[str, object] = {"api_version": API_VERSION, "auth": 0}
    key = request.POST.get("api_key") or request.GET.get("api_key") or ""
    if not key:
        return JsonResponse(answer)
    outcome = throttle.checked(request, "", lambda: passwords.user_for_fever_key(key))
    if outcome.throttled:
        return JsonResponse({**answer, "error": "too many failed logins"}, status=429)
    user = outcome.user
    if user is None:
        return JsonResponse(answer)
    answer.update(auth=1, last_refreshed_on_time=seconds(timezone.now()))
    wants = set(request.GET) | set(request.POST)
    try:
        if "mark" in wants:
            answer.update(_mark(request, user))
        if "groups" in wants:
            answer["groups"], answer["feeds_groups"] = _feeds_groups(user)
        if "feeds" in wants:
            titles = state.titles(user)
            answer["feeds"] = [{
                "id": s.pk, "favicon_id": 1, "title": state.title_of(s, titles), "url": s.feed_url,
                "site_url": s.site_url, "is_spark": 0,
                "last_updated_on_time": seconds(s.last_success_at or s.created_at),
            } for s in state.subscriptions(user)]
            answer["feeds_groups"] = _feeds_groups(user)[1]
        if "favicons" in wants:
            answer["favicons"] = [{"id": 1, "data": BLANK_ICON}]
        if "items" in wants:
            answer.update(_items(request, user))
        if "links" in wants:
            answer["links"] = []
        if "unread_item_ids" in wants or ("mark" in wants and "as" in wants):
            answer["unread_item_ids"] = _id_list(
                state.only_unread(state.reader_articles(user), user))
        if "saved_item_ids" in wants or ("mark" in wants and "as" in wants):
            answer["saved_item_ids"] = _id_list(state.starred_articles(user))
    except FeverError as exc:
        return JsonResponse({**answer, "error": str(exc)}, status=400)
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})

"""The Google Reader API under /api/greader, as FreshRSS and Miniflux serve it to Reeder,
NetNewsWire, Read You, FeedMe, Fluent Reader and the like. Item ids are article ids, in the
long form (tag:google.com,2005:reader/item/<16 hex digits>) in contents and the short
decimal form in id lists; both are accepted everywhere. Streams are ordered by article id,
that is by arrival: a continuation is the last id sent, so paging never skips or repeats an
item while new articles arrive (they get larger ids)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from newsloom.api import passwords, state, throttle
from newsloom.api.content import (
    ITEM_FIELDS,
    MAX_NUMBER,
    article_html,
    from_seconds,
    in_range,
    seconds,
    subscriptions_opml,
    usec,
)
from newsloom.feeds.opml import OpmlError, parse_opml
from newsloom.news.models import Article, Source
from newsloom.news.sources import SourceError

ITEM_PREFIX = "tag:google.com,2005:reader/item/"
READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
KEPT_UNREAD = ("user/-/state/com.google/kept-unread",
               "user/-/state/com.google/tracking-kept-unread")
LABEL = "user/-/label/"
MAX_IDS = 10_000       # stream/items/ids: a whole unread list in one call
MAX_CONTENTS = 1_000   # stream/contents and items/contents: full bodies


class ApiError(Exception):
    """A request the client got wrong: answered with `status` and the message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


def _normal_stream(stream: str) -> str:
    """user/<any id>/… is the same as user/-/… (clients use both)."""
    if stream.startswith("user/"):
        _, _, rest = stream[5:].partition("/")
        return "user/-/" + rest
    return stream


def item_id(value: str) -> int:
    """An article id from the long or the short item id form."""
    value = value.strip()
    try:
        if value.startswith(ITEM_PREFIX):
            return int(value[len(ITEM_PREFIX):], 16)
        number = int(value)
    except ValueError:
        raise ApiError(f"not an item id: {value[:80]!r}") from None
    number = number if number >= 0 else number + 2**64  # signed 64-bit form of a long id
    if not 0 < number <= MAX_NUMBER:
        raise ApiError(f"not an item id: {value[:80]!r}")
    return number


def long_id(pk: int) -> str:
    return f"{ITEM_PREFIX}{pk:016x}"


def _int(request: HttpRequest, name: str, default: int, low: int = 0,
         high: int = MAX_NUMBER) -> int:
    raw = request.GET.get(name) or request.POST.get(name)
    if raw in (None, ""):
        return default
    try:
        return min(max(int(raw), low), high)
    except ValueError:
        raise ApiError(f"{name} must be a number, not {raw[:40]!r}") from None


def _params(request: HttpRequest, name: str) -> list[str]:
    return request.GET.getlist(name) + request.POST.getlist(name)


def _source_of(stream: str, user: AbstractBaseUser) -> Source:
    """The subscription a feed/… stream id names (feed/<id> or feed/<feed URL>)."""
    ref = stream[len("feed/"):]
    source = (Source.objects.filter(pk=int(ref)).first() if ref.isdigit()
              else Source.objects.filter(feed_url=ref).first())
    if source is None:
        raise ApiError(f"unknown feed: {ref[:200]}", 404)
    return source


def stream_articles(user: AbstractBaseUser, stream: str) -> QuerySet[Article]:
    """The articles of a stream id: reading-list, starred, read, a feed or a label."""
    stream = _normal_stream(stream)
    articles = state.reader_articles(user)
    if stream == READING_LIST:
        return articles
    if stream == STARRED:
        return state.starred_articles(user)
    if stream == READ:
        return state.only_read(articles, user)
    if stream.startswith("feed/"):
        return articles.filter(source=_source_of(stream, user))
    if stream.startswith(LABEL) and len(stream) > len(LABEL):
        return state.only_labelled(articles, user, stream[len(LABEL):])
    raise ApiError(f"unknown stream: {stream[:200]}", 404)


def _filtered(request: HttpRequest, user: AbstractBaseUser) -> tuple[QuerySet[Article], str]:
    """A stream with the xt/it/ot/nt filters applied, and its id."""
    stream = (request.GET.get("s") or request.POST.get("s") or "").strip()
    if not stream:
        raise ApiError("missing stream id (s)")
    articles = stream_articles(user, stream)
    for target in _params(request, "xt"):
        target = _normal_stream(target)
        if target == READ:
            articles = state.only_unread(articles, user)
        elif target == STARRED:
            articles = articles.exclude(pk__in=state.starred_ids(user))
    for target in _params(request, "it"):
        target = _normal_stream(target)
        if target == READ:
            articles = state.only_read(articles, user)
        elif target == STARRED:
            articles = state.only_starred(articles, user)
    oldest, newest = _int(request, "ot", 0), _int(request, "nt", 0)
    if oldest:
        articles = articles.filter(created_at__gte=from_seconds(oldest))
    if newest:
        articles = articles.filter(created_at__lte=from_seconds(newest))
    return articles, stream


def _page(request: HttpRequest, articles: QuerySet[Article]) -> QuerySet[Article]:
    """Ordered by id (newest arrival first, oldest first with r=o), after continuation c."""
    oldest_first = (request.GET.get("r") or request.POST.get("r")) == "o"
    after = request.GET.get("c") or request.POST.get("c")
    if after:
        if not after.isdigit() or not in_range(int(after)):
            raise ApiError(f"invalid continuation: {after[:40]!r}")
        articles = articles.filter(**{"pk__gt" if oldest_first else "pk__lt": int(after)})
    return articles.order_by("pk" if oldest_first else "-pk")


def _items(user: AbstractBaseUser, articles: list[Article]) -> list[dict[str, object]]:
    ids = [a.pk for a in articles]
    read, starred = state.flags(user, ids)
    folders = state.folder_names(user)
    titles = state.titles(user)
    labels = state.item_labels(user, ids)
    items = []
    for a in articles:
        categories = [READING_LIST]
        if a.pk in read:
            categories.append(READ)
        if a.pk in starred:
            categories.append(STARRED)
        if a.source_id in folders:
            categories.append(LABEL + folders[a.source_id])
        categories += [LABEL + name for name in labels.get(a.pk, [])]
        items.append({
            "id": long_id(a.pk),
            "crawlTimeMsec": str(usec(a.created_at) // 1000),
            "timestampUsec": str(usec(a.created_at)),
            "published": seconds(a.published_at),
            "updated": seconds(a.updated_at or a.published_at),
            "title": a.title,
            "author": a.author,
            "canonical": [{"href": a.url}],
            "alternate": [{"href": a.url, "type": "text/html"}],
            "categories": categories,
            "origin": {"streamId": f"feed/{a.source_id}",
                       "title": state.title_of(a.source, titles),
                       "htmlUrl": a.source.site_url},
            "summary": {"direction": "ltr", "content": article_html(a)},
            "enclosure": ([{"url": a.image_url, "type": "image/jpeg"}] if a.image_url else []),
        })
    return items


def _contents(user: AbstractBaseUser, stream: str, articles: list[Article],
              continuation: str = "") -> JsonResponse:
    payload: dict[str, object] = {
        "direction": "ltr", "id": stream, "title": stream, "author": user.get_username(),
        "updated": seconds(timezone.now()), "self": [{"href": ""}],
        "items": _items(user, articles),
    }
    if continuation:
        payload["continuation"] = continuation
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


def stream_contents(request: HttpRequest, user: AbstractBaseUser,
                    stream: str = "") -> HttpResponse:
    if stream and not request.GET.get("s"):
        request.GET = request.GET.copy()
        request.GET["s"] = stream
    articles, stream_id = _filtered(request, user)
    limit = _int(request, "n", 20, 1, MAX_CONTENTS)
    ordered = _page(request, articles)
    rows = list(ordered.select_related("source").only(*ITEM_FIELDS)[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return _contents(user, stream_id, rows, str(rows[-1].pk) if more else "")


def items_ids(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    articles, _ = _filtered(request, user)
    limit = _int(request, "n", 20, 1, MAX_IDS)
    ordered = _page(request, articles)
    rows = list(ordered.values_list("pk", "created_at")[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    payload: dict[str, object] = {"itemRefs": [
        {"id": str(pk), "directStreamIds": [], "timestampUsec": str(usec(created))}
        for pk, created in rows]}
    if more:
        payload["continuation"] = str(rows[-1][0])
    return JsonResponse(payload)


def items_contents(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    wanted = [item_id(v) for v in _params(request, "i")][:MAX_CONTENTS]
    if not wanted:
        raise ApiError("missing item ids (i)")
    found = state.readable(user).select_related("source").only(*ITEM_FIELDS).in_bulk(wanted)
    return _contents(user, READING_LIST, [found[pk] for pk in dict.fromkeys(wanted)
                                          if pk in found])


def token(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    return _text(passwords.session_token(user, "edit") + "\n")


def user_info(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    return JsonResponse({"userId": str(user.pk), "userName": user.get_username(),
                         "userProfileId": str(user.pk), "userEmail": user.email or "",
                         "isBloggerUser": False, "signupTimeSec": seconds(user.date_joined),
                         "isMultiLoginEnabled": False})


def tag_list(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    tags: list[dict[str, str]] = [{"id": STARRED}]
    folders = sorted(set(state.folder_names(user).values()))
    tags += [{"id": LABEL + name, "label": name, "type": "folder"} for name in folders]
    labels = sorted(set(state.ItemLabel.objects.filter(user=user).values_list("name", flat=True))
                    - set(folders))
    tags += [{"id": LABEL + name, "label": name, "type": "tag"} for name in labels]
    return JsonResponse({"tags": tags}, json_dumps_params={"ensure_ascii": False})


def subscription_list(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    folders, titles = state.folder_names(user), state.titles(user)
    return JsonResponse({"subscriptions": [{
        "id": f"feed/{s.pk}", "title": state.title_of(s, titles), "url": s.feed_url,
        "htmlUrl": s.site_url,
        "iconUrl": s.icon_url, "firstitemmsec": str(usec(s.created_at) // 1000),
        "categories": [{"id": LABEL + folders[s.pk], "label": folders[s.pk]}],
    } for s in state.subscriptions(user)]}, json_dumps_params={"ensure_ascii": False})


def _feed_url(stream: str) -> str:
    if not stream.startswith("feed/"):
        raise ApiError(f"not a feed stream id: {stream[:200]!r}")
    return stream[len("feed/"):]


def _label(value: str) -> str:
    value = _normal_stream(value)
    return value[len(LABEL):] if value.startswith(LABEL) else value


def subscription_edit(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    action = request.POST.get("ac", "")
    streams = request.POST.getlist("s")
    if action not in ("subscribe", "unsubscribe", "edit") or not streams:
        raise ApiError("subscription/edit needs ac=subscribe|unsubscribe|edit and s=feed/…")
    add, remove = request.POST.get("a", ""), request.POST.get("r", "")
    title = request.POST.get("t")
    for stream in streams:
        ref = _feed_url(stream)
        if action == "subscribe":
            try:
                source = state.subscribe(user, ref if not ref.isdigit() else
                                         _source_of(stream, user).feed_url,
                                         _label(add) if add else "")
            except SourceError as exc:
                raise ApiError(str(exc)) from exc
            if title:
                state.set_title(user, source.pk, title)
            continue
        source = _source_of(stream, user)
        if action == "unsubscribe":
            state.unsubscribe(user, source.pk)
        elif not state.is_subscribed(user, source.pk):
            raise ApiError(f"not subscribed to {stream[:200]}", 404)
        else:
            if title is not None:
                state.set_title(user, source.pk, title)
            if add:
                state.set_folder(user, source.pk, _label(add))
            elif remove:
                state.set_folder(user, source.pk, source.category)
    return _text("OK")


def quickadd(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    url = (request.POST.get("quickadd") or request.GET.get("quickadd") or "").strip()
    if url.startswith("feed/"):
        url = url[len("feed/"):]
    if not url:
        raise ApiError("missing quickadd URL")
    try:
        source = state.subscribe(user, url)
    except SourceError as exc:
        return JsonResponse({"numResults": 0, "query": url, "error": str(exc)}, status=400)
    return JsonResponse({"numResults": 1, "query": url, "streamId": f"feed/{source.pk}",
                         "streamName": source.name}, json_dumps_params={"ensure_ascii": False})


def subscription_export(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    body = subscriptions_opml(list(state.subscriptions(user)), state.folder_names(user),
                              state.titles(user))
    response = HttpResponse(body, content_type="text/x-opml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="subscriptions.opml"'
    return response


def subscription_import(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    """OPML in the body (or an `opml` form field or file): each feed is subscribed through
    the same guarded path as quickadd; a feed that fails is listed and the rest go on."""
    data = request.FILES["opml"].read() if "opml" in request.FILES else (
        request.POST.get("opml", "").encode() or request.body)
    try:
        feeds = parse_opml(data)
    except OpmlError as exc:
        raise ApiError(str(exc)) from exc
    failed = []
    for feed in feeds:
        try:
            source = state.subscribe(user, feed.feed_url, feed.category)
        except SourceError as exc:
            failed.append(f"{feed.feed_url}: {exc}")
            continue
        if feed.title and feed.title != source.name:
            state.set_title(user, source.pk, feed.title)
    return _text("\n".join([f"OK {len(feeds) - len(failed)} subscribed, {len(failed)} failed",
                            *failed]) + "\n")


def unread_count(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    rows = (state.only_unread(state.reader_articles(user), user).order_by()
            .values("source_id").annotate(count=Count("pk"), newest=Max("created_at")))
    folders = state.folder_names(user)
    counts: list[dict[str, object]] = []
    by_folder: dict[str, list[int | datetime]] = {}
    total, newest_all = 0, None
    for row in rows:
        counts.append({"id": f"feed/{row['source_id']}", "count": row["count"],
                       "newestItemTimestampUsec": str(usec(row["newest"]))})
        folder = by_folder.setdefault(folders.get(row["source_id"], state.DEFAULT_FOLDER),
                                      [0, row["newest"]])
        folder[0] = int(folder[0]) + row["count"]
        folder[1] = max(folder[1], row["newest"])  # type: ignore[type-var]
        total += row["count"]
        newest_all = max(newest_all or row["newest"], row["newest"])
    counts += [{"id": LABEL + name, "count": n, "newestItemTimestampUsec": str(usec(newest))}
               for name, (n, newest) in by_folder.items()]  # type: ignore[arg-type]
    counts.append({"id": READING_LIST, "count": total,
                   "newestItemTimestampUsec": str(usec(newest_all)) if newest_all else "0"})
    return JsonResponse({"max": total, "unreadcounts": counts},
                        json_dumps_params={"ensure_ascii": False})


def edit_tag(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    ids = [item_id(v) for v in request.POST.getlist("i")]
    if not ids:
        raise ApiError("missing item ids (i)")
    for tags, on in ((request.POST.getlist("a"), True), (request.POST.getlist("r"), False)):
        for tag in map(_normal_stream, tags):
            if tag == READ:
                state.set_read(user, ids, on)
            elif tag in KEPT_UNREAD:
                state.set_read(user, ids, not on)
            elif tag == STARRED:
                state.set_starred(user, ids, on)
            elif tag.startswith(LABEL) and len(tag) > len(LABEL):
                state.set_labels(user, ids, tag[len(LABEL):], on)
            elif not tag.startswith("user/-/state/"):
                raise ApiError(f"unknown tag: {tag[:200]}")
    return _text("OK")


def rename_tag(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    old = _label(request.POST.get("s") or request.POST.get("t") or "")
    new = _label(request.POST.get("dest") or "")
    if not old or not new:
        raise ApiError("rename-tag needs s=user/-/label/OLD and dest=user/-/label/NEW")
    state.rename_folder(user, old, new)
    return _text("OK")


def disable_tag(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    name = _label(request.POST.get("s") or request.POST.get("t") or "")
    if not name:
        raise ApiError("disable-tag needs s=user/-/label/NAME")
    state.delete_folder(user, name)
    return _text("OK")


def mark_all_as_read(request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
    stream = (request.POST.get("s") or "").strip()
    if not stream:
        raise ApiError("missing stream id (s)")
    before_usec = _int(request, "ts", 0)
    before = from_seconds(before_usec / 1_000_000) if before_usec else None
    articles = stream_articles(user, stream)
    if before is not None:
        articles = articles.filter(created_at__lt=before)
    state.mark_all_read(articles, user)
    return _text("OK")


Handler = Callable[[HttpRequest, AbstractBaseUser], HttpResponse]
READS: dict[str, Handler] = {
    "token": token, "user-info": user_info, "tag/list": tag_list,
    "subscription/list": subscription_list, "subscription/export": subscription_export,
    "unread-count": unread_count, "stream/items/ids": items_ids,
    "stream/items/contents": items_contents, "stream/contents": stream_contents,
}
WRITES: dict[str, Handler] = {
    "subscription/edit": subscription_edit, "subscription/quickadd": quickadd,
    "subscription/import": subscription_import, "edit-tag": edit_tag,
    "rename-tag": rename_tag, "disable-tag": disable_tag,
    "mark-all-as-read": mark_all_as_read,
}


def _authenticated(request: HttpRequest) -> AbstractBaseUser | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, rest = header.partition(" ")
    if scheme != "GoogleLogin" or not rest.strip().startswith("auth="):
        return None
    return passwords.user_for_session_token(rest.strip()[len("auth="):], "auth")


@csrf_exempt
def client_login(request: HttpRequest) -> HttpResponse:
    """accounts/ClientLogin: Email and Passwd (the API password), POSTed (a password in a
    query string would end up in access logs), give an Auth token."""
    if request.method != "POST":
        return _text("Error=BadRequest\nPOST Email and Passwd\n", 405)
    username = (request.POST.get("Email") or "").strip()
    password = request.POST.get("Passwd") or ""
    outcome = throttle.checked(request, username,
                               lambda: passwords.user_for_password(username, password))
    if outcome.throttled:
        return _text("Error=TooManyAttempts\n", 429)
    user = outcome.user
    if user is None:
        return _text("Error=BadAuthentication\n", 401)
    auth = passwords.session_token(user, "auth")
    return _text(f"SID={auth}\nLSID=null\nAuth={auth}\n")


@csrf_exempt
def dispatch(request: HttpRequest, endpoint: str) -> HttpResponse:
    """/api/greader/reader/api/0/<endpoint>: authenticate, then route; an unknown
    endpoint is an error, never an empty success."""
    stream = ""
    if endpoint.startswith("stream/contents/"):
        endpoint, stream = "stream/contents", endpoint[len("stream/contents/"):]
    handler = READS.get(endpoint) or WRITES.get(endpoint)
    if handler is None:
        return _text(f"Error: unknown endpoint {endpoint[:100]}", 404)
    if "HTTP_AUTHORIZATION" not in request.META:
        return _text("Unauthorized!", 401)
    outcome = throttle.checked(request, "", lambda: _authenticated(request))
    if outcome.throttled:
        return _text("Error: too many failed logins from this address", 429)
    user = outcome.user
    if user is None:
        return _text("Unauthorized!", 401)
    if endpoint in WRITES:
        if request.method != "POST":
            return _text(f"Error: {endpoint} needs POST", 405)
        edit = request.POST.get("T")
        if edit and passwords.user_for_session_token(edit, "edit") != user:
            return _text("Error: invalid edit token T", 401)
    try:
        if stream:
            return stream_contents(request, user, stream)
        return handler(request, user)
    except ApiError as exc:
        return _text(f"Error: {exc}", exc.status)



@csrf_exempt
def unknown(request: HttpRequest, endpoint: str) -> HttpResponse:
    return _text(f"Error: unknown endpoint {endpoint[:100]}", 404)

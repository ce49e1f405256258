"""A reader's subscriptions, folders and read/starred state, for every API. The state is
the web's own (Follow, ReadMark, SavedArticle in newsloom.web.models): what an app marks
read is read on the web page, and the other way round. Every change is idempotent (unique
constraints, ignore_conflicts), so a client that sends a request twice changes nothing
the second time."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from newsloom.api.content import MAX_NUMBER
from newsloom.api.models import ItemLabel, SubscriptionSettings
from newsloom.news.models import Article, Source
from newsloom.news.sources import SourceSpec, add_source, resolve_feed
from newsloom.news.tasks import refresh_source_task
from newsloom.web.models import Follow, ReadMark, SavedArticle
from newsloom.web.visibility import visible_articles

DEFAULT_FOLDER = "News"  # the folder of a subscription that has neither its own nor a category
BATCH = 500  # rows per bulk insert: SQLite's variable limit stays far away


def subscribed_ids(user: AbstractBaseUser) -> list[int]:
    """Ids of the sources the reader follows (a subscription is a follow of a source)."""
    values = Follow.objects.filter(user=user, kind=Follow.Kind.SOURCE).values_list("value",
                                                                                    flat=True)
    return sorted(int(v) for v in values if v.isdigit())


def subscriptions(user: AbstractBaseUser) -> QuerySet[Source]:
    return Source.objects.filter(pk__in=subscribed_ids(user)).order_by("name", "pk")


def reader_articles(user: AbstractBaseUser) -> QuerySet[Article]:
    """Articles of the reader's subscriptions that the web would show."""
    return visible_articles().filter(source_id__in=subscribed_ids(user))


def starred_articles(user: AbstractBaseUser) -> QuerySet[Article]:
    """Every article the reader starred (saved), from their subscriptions or not: the web
    saves any article page, and apps show the same list."""
    return visible_articles().filter(pk__in=starred_ids(user))


def readable(user: AbstractBaseUser) -> QuerySet[Article]:
    """What an app may fetch by id: the subscriptions' articles and the starred ones."""
    return reader_articles(user) | starred_articles(user)


def read_ids(user: AbstractBaseUser) -> QuerySet[ReadMark]:
    return ReadMark.objects.filter(user=user).values("article_id")


def starred_ids(user: AbstractBaseUser) -> QuerySet[SavedArticle]:
    return SavedArticle.objects.filter(user=user).values("article_id")


def only_unread(articles: QuerySet[Article], user: AbstractBaseUser) -> QuerySet[Article]:
    return articles.exclude(pk__in=read_ids(user))


def only_read(articles: QuerySet[Article], user: AbstractBaseUser) -> QuerySet[Article]:
    return articles.filter(pk__in=read_ids(user))


def only_starred(articles: QuerySet[Article], user: AbstractBaseUser) -> QuerySet[Article]:
    return articles.filter(pk__in=starred_ids(user))


def only_labelled(articles: QuerySet[Article], user: AbstractBaseUser,
                  label: str) -> QuerySet[Article]:
    """Articles the reader labelled `label`, or, when it names a folder, that folder's."""
    in_folder = [pk for pk, name in folder_names(user).items() if name == label]
    labelled = ItemLabel.objects.filter(user=user, name=label).values("article_id")
    return articles.filter(source_id__in=in_folder) | articles.filter(pk__in=labelled)


def existing(ids: Iterable[int]) -> list[int]:
    """The ids that name a visible article (anything else is ignored, not an error)."""
    wanted = sorted({pk for pk in ids if 0 < pk <= MAX_NUMBER})
    found: list[int] = []
    for start in range(0, len(wanted), BATCH):
        found += visible_articles().filter(pk__in=wanted[start:start + BATCH]).values_list(
            "pk", flat=True)
    return found


def _add(model: type[ReadMark] | type[SavedArticle], user: AbstractBaseUser,
         ids: list[int]) -> None:
    rows = [model(user=user, article_id=pk) for pk in ids]
    model.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)


def _remove(model: type[ReadMark] | type[SavedArticle], user: AbstractBaseUser,
            ids: list[int]) -> None:
    for start in range(0, len(ids), BATCH):
        model.objects.filter(user=user, article_id__in=ids[start:start + BATCH]).delete()


def set_read(user: AbstractBaseUser, ids: Iterable[int], read: bool = True) -> list[int]:
    """Mark articles read (or unread); returns the ids that exist."""
    found = existing(ids)
    (_add if read else _remove)(ReadMark, user, found)
    return found


def set_starred(user: AbstractBaseUser, ids: Iterable[int], starred: bool = True) -> list[int]:
    """Star (save, as the web calls it) or unstar articles; returns the ids that exist."""
    found = existing(ids)
    (_add if starred else _remove)(SavedArticle, user, found)
    return found


def is_starred(user: AbstractBaseUser, article_id: int) -> bool:
    return SavedArticle.objects.filter(user=user, article_id=article_id).exists()


def set_labels(user: AbstractBaseUser, ids: Iterable[int], label: str, on: bool) -> None:
    found = existing(ids)
    if on:
        ItemLabel.objects.bulk_create([ItemLabel(user=user, article_id=pk, name=label[:200])
                                       for pk in found], ignore_conflicts=True)
    else:
        ItemLabel.objects.filter(user=user, article_id__in=found, name=label).delete()


def mark_all_read(articles: QuerySet[Article], user: AbstractBaseUser,
                  before: datetime | None = None) -> int:
    """Mark every unread article of `articles` read (those published before `before`)."""
    if before is not None:
        articles = articles.filter(published_at__lt=before)
    ids = list(only_unread(articles, user).values_list("pk", flat=True))
    _add(ReadMark, user, ids)
    return len(ids)


def subscribe(user: AbstractBaseUser, url: str, folder: str = "") -> Source:
    """Follow the feed at `url` (a feed or a site that announces one), adding it as a new
    source first through the same guarded path as `newsloom add-source` (SSRF guard,
    autodiscovery). Raises newsloom.news.sources.SourceError with a message for the user."""
    source = Source.objects.filter(feed_url=url).first()
    if source is None:
        feed_url, _ = resolve_feed(url)
        source = Source.objects.filter(feed_url=feed_url).first()
        if source is None:
            source = add_source(feed_url, SourceSpec(category=folder))
            refresh_source_task(source.pk)  # its articles arrive now, not at the next round
    Follow.objects.get_or_create(user=user, kind=Follow.Kind.SOURCE, value=str(source.pk))
    if folder:
        set_folder(user, source.pk, folder)
    return source


def unsubscribe(user: AbstractBaseUser, source_id: int) -> bool:
    """Stop following a source (the source itself stays for other readers)."""
    with transaction.atomic():
        SubscriptionSettings.objects.filter(user=user, source_id=source_id).delete()
        return Follow.objects.filter(user=user, kind=Follow.Kind.SOURCE,
                                     value=str(source_id)).delete()[0] > 0


def is_subscribed(user: AbstractBaseUser, source_id: int) -> bool:
    return Follow.objects.filter(user=user, kind=Follow.Kind.SOURCE,
                                 value=str(source_id)).exists()


def folder_names(user: AbstractBaseUser) -> dict[int, str]:
    """Subscription source id -> its folder: the reader's own, else the source's category."""
    own = dict(SubscriptionSettings.objects.filter(user=user).exclude(folder="")
               .values_list("source_id", "folder"))
    return {source.pk: own.get(source.pk) or source.category or DEFAULT_FOLDER
            for source in subscriptions(user).only("pk", "category")}


def set_folder(user: AbstractBaseUser, source_id: int, name: str) -> None:
    SubscriptionSettings.objects.update_or_create(
        user=user, source_id=source_id,
        defaults={"folder": name.strip()[:200] or DEFAULT_FOLDER})


def titles(user: AbstractBaseUser) -> dict[int, str]:
    """Source id -> the title the reader gave it (only where they gave one)."""
    return dict(SubscriptionSettings.objects.filter(user=user).exclude(title="")
                .values_list("source_id", "title"))


def title_of(source: Source, own: dict[int, str]) -> str:
    return own.get(source.pk) or source.name


def set_title(user: AbstractBaseUser, source_id: int, title: str) -> None:
    """Rename a subscription for this reader; a blank title brings back the source's."""
    SubscriptionSettings.objects.update_or_create(
        user=user, source_id=source_id, defaults={"title": title.strip()[:200]})


def rename_folder(user: AbstractBaseUser, old: str, new: str) -> int:
    """Move every subscription in folder `old` to `new` (labels on items follow)."""
    moved = [pk for pk, name in folder_names(user).items() if name == old]
    for pk in moved:
        set_folder(user, pk, new)
    ItemLabel.objects.filter(user=user, name=old).update(name=new[:200])
    return len(moved)


def delete_folder(user: AbstractBaseUser, name: str) -> None:
    """Forget folder `name`: its subscriptions go back to their default folder."""
    in_folder = [pk for pk, folder in folder_names(user).items() if folder == name]
    SubscriptionSettings.objects.filter(user=user, source_id__in=in_folder).update(folder="")
    ItemLabel.objects.filter(user=user, name=name).delete()


def item_labels(user: AbstractBaseUser, ids: list[int]) -> dict[int, list[str]]:
    labels: dict[int, list[str]] = {}
    for pk, name in ItemLabel.objects.filter(user=user, article_id__in=ids).values_list(
            "article_id", "name"):
        labels.setdefault(pk, []).append(name)
    return labels


def flags(user: AbstractBaseUser, ids: list[int]) -> tuple[set[int], set[int]]:
    """(read ids, starred ids) among `ids`, in two queries for a page of items."""
    read = set(ReadMark.objects.filter(user=user, article_id__in=ids).values_list(
        "article_id", flat=True))
    starred = set(SavedArticle.objects.filter(user=user, article_id__in=ids).values_list(
        "article_id", flat=True))
    return read, starred


def folder_id(name: str) -> int:
    """A folder's number for the APIs that name folders by number (Fever groups, Miniflux
    categories): derived from the name, so it stays the same across requests and
    processes without a table of its own."""
    return zlib.crc32(name.encode()) & 0x7FFFFFFF or 1


def folder_by_id(user: AbstractBaseUser, number: int) -> str | None:
    return next((name for name in set(folder_names(user).values())
                 if folder_id(name) == number), None)

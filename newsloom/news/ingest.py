"""The ingestion pipeline wired to the database: refresh a source (fetch, parse, store new
entries), then process each article (fetch page, extract, clean, sanitize, dedupe).

Every step is idempotent and safe to run twice at once: unique constraints decide races,
articles are claimed with a lease before their page is fetched, and a killed worker's
lease simply expires so the sweep hands the article to someone else.

Every stage boundary contains failures: an entry that cannot be stored is skipped and
recorded on its source (the rest of the feed is stored), an unexpected error while
refreshing a source is recorded on the source, and one while processing an article on the
article, so one bad input never stops its neighbours and never fails silently.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from newsloom.articles.clean import clean_html, clean_text
from newsloom.articles.dates import not_in_future
from newsloom.articles.derive import derive
from newsloom.articles.extract import Extracted, extract_article
from newsloom.articles.sanitize import html_to_text, sanitize_html
from newsloom.articles.urls import InvalidURLError, canonicalize_url, same_site
from newsloom.feeds.model import FeedEntry, FeedParseError, ParsedFeed, entry_problem
from newsloom.feeds.parse import parse_feed
from newsloom.fetch.client import Fetcher, FetchError, FetchResult
from newsloom.fetch.politeness import HostLimiter
from newsloom.fetch.ssrf import AllowList
from newsloom.news import cpu, enrich_batches
from newsloom.news.models import Article, Source
from newsloom.news.retries import claim_article, record_failure
from newsloom.news.schedule import adapt_interval, next_delay
from newsloom.news.topics import follow_publication_time

log = logging.getLogger("newsloom.ingest")

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
SOURCE_LEASE = timedelta(minutes=10)
# New entries stored per refresh, newest first: a 100k-entry feed would otherwise queue
# 100k page fetches at once. The rest come on the next refresh (which then skips the
# conditional GET, so the feed is read again).
MAX_NEW_ENTRIES = 200
# How many skipped-entry reasons a source keeps for the admin (the count keeps growing).
_SKIP_LINES = 10

_fetcher_lock = threading.Lock()
_fetcher: Fetcher | None = None


def conf(name: str) -> float:
    """A fetch/scheduling knob from settings.NEWSLOOM."""
    return settings.NEWSLOOM[name]


def get_fetcher() -> Fetcher:
    """The process-wide fetcher, built from settings and NEWSLOOM_FETCH_ALLOW on first use."""
    global _fetcher
    with _fetcher_lock:
        if _fetcher is None:
            _fetcher = Fetcher(
                allow=AllowList.from_env(),
                max_bytes=int(conf("MAX_BYTES")),
                connect_timeout=conf("CONNECT_TIMEOUT"),
                read_timeout=conf("READ_TIMEOUT"),
                limiter=HostLimiter(int(conf("PER_HOST")), conf("HOST_SPACING")),
            )
        return _fetcher


@dataclass
class RefreshOutcome:
    """What one refresh of one source did."""

    source_id: int
    status: str  # "ok", "not_modified" or "error"
    new_article_ids: list[int] = field(default_factory=list)
    updated_article_ids: list[int] = field(default_factory=list)
    error: str = ""


# ----------------------------------------------------------------------------- sources

def claim_due_sources(now: datetime | None = None) -> list[int]:
    """Claim every due, active source for one refresh. The compare-and-set on next_fetch_at
    means two schedulers (or a scheduler and a CLI refresh) never both claim one source."""
    now = now or timezone.now()
    claimed = []
    due = Source.objects.filter(paused=False, next_fetch_at__lte=now).values_list(
        "id", "next_fetch_at")
    for source_id, scheduled in due:
        won = Source.objects.filter(pk=source_id, next_fetch_at=scheduled).update(
            next_fetch_at=now + SOURCE_LEASE)
        if won:
            claimed.append(source_id)
    return claimed


def _record_error(source: Source, message: str, retry_after: float | None = None) -> None:
    now = timezone.now()
    source.consecutive_errors += 1
    source.last_error = message[:2000]
    source.last_error_at = now
    source.last_fetched_at = now
    delay = next_delay(source.refresh_interval, source.consecutive_errors, retry_after,
                       int(conf("BACKOFF_CAP")))
    source.next_fetch_at = now + timedelta(seconds=delay)
    source.save(update_fields=["consecutive_errors", "last_error", "last_error_at",
                               "last_fetched_at", "next_fetch_at"])
    log.warning("source %s: %s", source.feed_url, message)


def _record_success(source: Source, result: FetchResult, new_items: int) -> None:
    now = timezone.now()
    source.consecutive_errors = 0
    source.last_error = ""
    source.last_fetched_at = now
    source.last_success_at = now
    source.etag = result.etag[:500] if result.etag else source.etag
    source.last_modified = result.last_modified[:100] if result.last_modified else (
        source.last_modified)
    source.refresh_interval = adapt_interval(
        source.refresh_interval, new_items, int(conf("REFRESH_FLOOR")),
        int(conf("REFRESH_CEILING")))
    source.next_fetch_at = now + timedelta(seconds=source.refresh_interval)
    source.save()


def _update_source_meta(source: Source, feed: ParsedFeed) -> None:
    if not source.name and feed.title:
        source.name = feed.title[:200]
    if not source.site_url and feed.site_url.startswith(("http://", "https://")):
        source.site_url = feed.site_url[:2000]
    if not source.icon_url and feed.icon.startswith(("http://", "https://")):
        source.icon_url = feed.icon[:2000]
    if not source.language and feed.language:
        source.language = feed.language.split("-")[0].lower()[:16]


def _record_skipped(source: Source, problems: list[str]) -> None:
    """Count and keep the reasons of entries that could not be stored (admin, stats)."""
    if not problems:
        return
    kept = (problems + source.last_skipped.splitlines())[:_SKIP_LINES]
    source.last_skipped = "\n".join(kept)
    source.entries_skipped += len(problems)  # (the source is claimed: no other writer)
    source.save(update_fields=["entries_skipped", "last_skipped"])
    for problem in problems:
        log.warning("source %s: skipped %s", source.feed_url, problem)


def _newest_first(entries: list[FeedEntry]) -> list[FeedEntry]:
    """Entries by date, newest first; undated ones keep their feed order after the dated."""
    dated = [(entry.published or entry.updated, entry) for entry in entries]
    ordered = sorted(((when, entry) for when, entry in dated if when is not None),
                     key=lambda pair: pair[0], reverse=True)
    return [entry for _, entry in ordered] + [entry for when, entry in dated if when is None]


def refresh_source(source_id: int, fetcher: Fetcher | None = None) -> RefreshOutcome:
    """Fetch and parse one source's feed and store its new entries as pending articles.
    A failing feed records a readable error and keeps every article it already had; an
    unexpected error is recorded the same way (and logged with its traceback)."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return RefreshOutcome(source_id, "error", error=f"source {source_id} no longer exists")
    try:
        return _refresh(source, fetcher or get_fetcher())
    except Exception as exc:  # the boundary: record it, never lose it
        log.exception("refreshing source %s failed", source.feed_url)
        message = f"unexpected error while refreshing: {type(exc).__name__}: {exc}"
        _record_error(source, message)
        return RefreshOutcome(source_id, "error", error=message)


def _refresh(source: Source, fetcher: Fetcher) -> RefreshOutcome:
    try:
        result = fetcher.fetch(source.feed_url, source.etag, source.last_modified, FEED_ACCEPT)
    except FetchError as exc:
        _record_error(source, str(exc))
        return RefreshOutcome(source.pk, "error", error=str(exc))
    if result.not_modified:
        _record_success(source, result, 0)
        return RefreshOutcome(source.pk, "not_modified")
    if not result.ok:
        message = f"HTTP {result.status} from {result.final_url}"
        if result.retry_after is not None:
            message += f" (retry after {int(result.retry_after)} s)"
        _record_error(source, message, result.retry_after)
        return RefreshOutcome(source.pk, "error", error=message)
    try:
        feed = parse_feed(result.body, result.final_url, result.content_type)
    except FeedParseError as exc:
        _record_error(source, str(exc))
        return RefreshOutcome(source.pk, "error", error=str(exc))
    outcome = RefreshOutcome(source.pk, "ok")
    skipped = list(feed.skipped)
    truncated = False
    fetched_at = timezone.now()
    # the feed's entries in one transaction, each in a savepoint of its own: one wait for
    # SQLite's write lock a feed instead of one an entry (each wait could oversleep the
    # lock's release by tens of ms), and a failing entry still costs only itself
    with transaction.atomic():
        for index, entry in enumerate(_newest_first(feed.entries)):
            if len(outcome.new_article_ids) >= MAX_NEW_ENTRIES:
                truncated = True
                break
            try:
                with transaction.atomic():
                    stored = store_entry(source, entry, fetched_at)
            except Exception as exc:  # one bad entry must not cost the others
                skipped.append(entry_problem(index, entry.guid or entry.url, exc))
                continue
            if stored is None:
                continue
            article_id, created = stored
            (outcome.new_article_ids if created else outcome.updated_article_ids).append(
                article_id)
    _record_skipped(source, skipped)
    _update_source_meta(source, feed)
    if truncated:  # read the whole feed again next time for the entries left out now
        result.etag = result.last_modified = ""
        source.etag = source.last_modified = ""
    if feed.problem:  # keep what could be recovered, but tell the user the feed is broken
        _record_error(source, feed.problem)
        outcome.status, outcome.error = "error", feed.problem
    else:
        _record_success(source, result, len(outcome.new_article_ids))
    return outcome


# ----------------------------------------------------------------------------- entries

def _feed_fields(entry: FeedEntry, base_url: str) -> dict[str, object]:
    """Article fields taken from the feed alone: shown until (or unless) the page is read."""
    raw_html = entry.content or entry.summary
    html = sanitize_html(clean_html(raw_html, entry.title), base_url)
    summary = html_to_text(sanitize_html(entry.summary, base_url))
    return {
        "title": entry.title.strip()[:1000],
        "author": entry.author.strip()[:500],
        "description": summary[:5000],
        "html": html,
        "text": clean_text(html_to_text(html), entry.title),
        "image_url": entry.image[:2000],
    }


class EntryRefusedError(ValueError):
    """A feed entry that cannot become an article (the message says why)."""


def first_with_url(url: str, before_pk: int | None = None) -> int | None:
    """The id of the earliest original article stored under canonical `url` (optionally
    only ones older than `before_pk`): what a later copy with the same URL is linked to.
    Asked for every entry stored, so only the id is read, not the row."""
    found = Article.objects.filter(url=url, duplicate_of__isnull=True)
    if before_pk is not None:
        found = found.filter(pk__lt=before_pk)
    return found.order_by("pk").values_list("pk", flat=True).first()


def store_entry(source: Source, entry: FeedEntry,
                fetched_at: datetime | None = None) -> tuple[int, bool] | None:
    """Store one feed entry, identified by (source, guid). Returns (article id, created),
    or None when it is stored already and unchanged. Updated entries are updated in place
    and sent back for processing. An entry whose canonical URL another article already has
    is stored too, linked to it as a duplicate (distinct articles must never be dropped
    because their URLs look alike). Raises EntryRefusedError or InvalidURLError for an
    entry that cannot be stored."""
    if not entry.url.startswith(("http://", "https://")):
        raise EntryRefusedError(f"no http(s) link ({entry.url[:200]!r})")
    fetched_at = fetched_at or timezone.now()
    url = canonicalize_url(entry.url)
    guid = entry.guid[:1000]
    updated = entry.updated  # a version marker only (never shown), so kept as given: clamped,
    # a future value would look newer at every refresh and re-process the entry each time
    # most entries are new: an id alone says so, the whole row is read only for an update
    stored = Article.objects.filter(source=source, guid=guid).values_list("pk", flat=True).first()
    if stored is not None:
        existing = Article.objects.get(pk=stored)
        previous = existing.updated_at
        if not updated or (previous is not None and updated <= previous):
            return None
        for name, value in _feed_fields(entry, entry.url).items():
            setattr(existing, name, value)
        existing.updated_at = updated
        if existing.status != Article.Status.PENDING:
            existing.lease_until = None  # a ready article's is its enrichment's start stamp
        existing.status = Article.Status.PENDING
        existing.attempts = 0  # a new version: its own attempts
        existing.save()
        return existing.pk, False
    published = not_in_future(entry.published or entry.updated, fetched_at)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                source=source,
                guid=guid,
                url=url[:2000],
                entry_url=entry.url[:2000],
                published_at=published or fetched_at,
                date_known=published is not None,
                updated_at=updated,
                language=source.language,
                duplicate_of_id=first_with_url(url),
                **_feed_fields(entry, entry.url),
            )
    except IntegrityError:
        return None  # another worker stored this (source, guid) first
    return article.pk, True


# ----------------------------------------------------------------------------- articles

def _fetch_page(article: Article, fetcher: Fetcher) -> tuple[Extracted | None, str, str]:
    """Fetch and extract the article page: (extracted or None, final URL, error text)."""
    target = article.entry_url or article.url
    try:
        result = fetcher.fetch(target, accept=PAGE_ACCEPT)
    except FetchError as exc:
        return None, target, str(exc)
    if not result.ok:
        return None, result.final_url, f"HTTP {result.status} from {result.final_url}"
    kind = result.content_type.lower()
    if kind and "html" not in kind and "xml" not in kind:
        return None, result.final_url, f"not an HTML page ({kind})"
    # page metadata only where the feed lacks it: the feed's date and title win, and
    # trafilatura's metadata step is a fifth of extraction's cost
    extracted = cpu.run(partial(extract_article, want_date=not article.date_known,
                                feed_title=article.title), result.body, result.final_url)
    if extracted is None:
        return None, result.final_url, "no article text found on the page"
    return extracted, result.final_url, ""


def _apply_page(article: Article, page: Extracted) -> None:
    article.title = article.title or page.title[:1000]
    article.author = article.author or page.author[:500]
    article.html = page.html
    article.text = page.text
    article.image_url = article.image_url or page.image[:2000]
    article.site_name = page.site_name[:200]
    article.description = article.description or page.description[:5000]
    article.origin = Article.Origin.PAGE
    if page.date and not article.date_known:  # the feed had no date of its own
        article.published_at = not_in_future(page.date, article.created_at)
        article.date_known = True
    article.language = page.language[:16] or article.language


def _finalize(article: Article) -> None:
    """Derived fields, and the link to an earlier copy of the same text."""
    derived = derive(article.text, article.title, article.language, article.source.language)
    article.text = derived.text
    article.word_count = derived.word_count
    article.reading_minutes = derived.reading_minutes
    article.language = derived.language
    article.fingerprint = derived.fingerprint
    if article.fingerprint and article.duplicate_of_id is None:
        _lock_fingerprint(article.fingerprint)  # the check below and the save: one writer
        article.duplicate_of_id = (
            Article.objects.filter(fingerprint=article.fingerprint, duplicate_of__isnull=True)
            .exclude(pk=article.pk).order_by("pk").values_list("pk", flat=True).first()
        )


def _lock_fingerprint(fingerprint: str) -> None:
    """Serialise workers storing the same text until the transaction ends. SQLite's
    IMMEDIATE transactions already serialise all writers; PostgreSQL gets an advisory lock
    keyed by the fingerprint."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(fingerprint[:15], 16)])


def _settle_url(article: Article, final_url: str, page: Extracted | None) -> None:
    """Move the article to its canonical URL after redirects (and the page's own
    rel=canonical within the same site), or link it to the article that already has it."""
    candidate = canonicalize_url(final_url)
    if page and page.canonical_url and same_site(page.canonical_url, final_url):
        with contextlib.suppress(InvalidURLError):  # a broken rel=canonical loses nothing
            candidate = canonicalize_url(page.canonical_url)
    if candidate == article.url:
        return
    article.url = candidate[:2000]
    holder = first_with_url(article.url, before_pk=article.pk)
    if holder is not None and article.duplicate_of_id is None:
        article.duplicate_of_id = holder


def process_article(article_id: int, fetcher: Fetcher | None = None) -> bool:
    """Fetch, extract and store one pending article. Returns False when there was nothing
    to do (already processed, or another worker holds it) or the attempt failed; a failure
    is recorded on the article (newsloom.news.retries decides when it is tried again)."""
    if not claim_article(article_id):
        return False
    try:
        _process_claimed(article_id, fetcher or get_fetcher())
    except Exception as exc:  # one article's failure must never stop its neighbours
        log.exception("processing article %s failed", article_id)
        record_failure(article_id, f"{type(exc).__name__}: {exc}")
        return False
    try:
        enrich_batches.enrich(article_id)  # with whatever else is ready
    except BrokenProcessPool:  # stored already: the sweep finds it unenriched and retries
        log.exception("enrichment of article %s crashed its process", article_id)
    return True


def _process_claimed(article_id: int, fetcher: Fetcher) -> None:
    article = Article.objects.select_related("source").get(pk=article_id)
    published = article.published_at
    page, final_url, error = _fetch_page(article, fetcher)
    if page is not None:
        _apply_page(article, page)
        article.fetch_error = ""
    else:
        article.origin = Article.Origin.FEED
        article.fetch_error = error[:2000]
    _settle_url(article, final_url, page)
    article.status = Article.Status.READY
    article.processed_at = timezone.now()
    article.lease_until = None
    article.next_attempt_at = None
    article.failure = ""
    with transaction.atomic():
        _finalize(article)
        article.save()
        if article.published_at != published:  # the page's date moved it
            follow_publication_time(article)

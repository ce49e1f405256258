"""Bulk loading of articles from a JSON-lines dump (url, title, text or html, published,
source, language): the fast path for archives and benchmarks, through the same cleaning,
sanitizing and dedupe rules as live ingestion. Re-running an import adds nothing twice."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html import escape

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from newsloom.articles.chars import strip_unsafe_chars
from newsloom.articles.dates import not_in_future
from newsloom.articles.derive import derive
from newsloom.articles.sanitize import html_to_text, sanitize_html
from newsloom.articles.urls import InvalidURLError, canonicalize_url
from newsloom.jsonl import json_objects, parse_timestamp
from newsloom.news.enrich import enrich_articles
from newsloom.news.models import Article, Source
from newsloom.news.rows import write_fields
from newsloom.news.statistics import refresh_statistics

BATCH = 500


class ImportLineError(ValueError):
    """One line of the dump is unusable; the message names the line and the problem."""


@dataclass
class ImportReport:
    created: int = 0
    skipped_existing: int = 0
    duplicates_linked: int = 0
    errors: list[str] = field(default_factory=list)


def _source_for(name: str, language: str, cache: dict[str, Source]) -> Source:
    """Imported articles belong to a paused pseudo-source per publisher name."""
    if name not in cache:
        key = slugify(name, allow_unicode=True) or hashlib.sha1(name.encode()).hexdigest()[:12]
        cache[name], _ = Source.objects.get_or_create(
            feed_url=f"import:{key}",
            defaults={"name": name[:200], "paused": True, "language": language[:16]},
        )
    return cache[name]


def _build(record: dict[str, object], line_no: int, sources: dict[str, Source]) -> Article:
    record = {key: strip_unsafe_chars(value) if isinstance(value, str) else value
              for key, value in record.items()}
    url = record.get("url")
    title = record.get("title")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ImportLineError(f"line {line_no}: 'url' must be an http(s) URL")
    if not isinstance(title, str) or not title.strip():
        raise ImportLineError(f"line {line_no}: 'title' is required")
    raw_html = record.get("html") if isinstance(record.get("html"), str) else ""
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    html = sanitize_html(str(raw_html), url) if raw_html else ""
    if not text and html:
        text = html_to_text(html)
    if not text:
        raise ImportLineError(f"line {line_no}: one of 'text' or 'html' is required")
    language = str(record.get("language") or "")
    source = _source_for(str(record.get("source") or "Imported"), language, sources)
    now = timezone.now()
    published = not_in_future(parse_timestamp(record.get("published")), now)
    derived = derive(str(text), title, language, source.language)
    if not html:
        html = "".join(f"<p>{escape(p, quote=False)}</p>" for p in derived.text.split("\n"))
    try:
        canonical = canonicalize_url(url)
    except InvalidURLError as exc:
        raise ImportLineError(f"line {line_no}: {exc}") from exc
    return Article(
        source=source, guid=canonical[:1000], url=canonical[:2000], entry_url=url[:2000],
        title=title.strip()[:1000], author=str(record.get("author") or "")[:500],
        published_at=published or now, date_known=published is not None, html=html,
        text=derived.text, word_count=derived.word_count,
        reading_minutes=derived.reading_minutes, language=derived.language,
        fingerprint=derived.fingerprint, status=Article.Status.READY,
        origin=Article.Origin.IMPORT, created_at=now, processed_at=now,
    )


def _records(lines: Iterable[str], report: ImportReport) -> Iterator[tuple[int, dict[str, object]]]:
    for line_no, record in json_objects(lines):
        if isinstance(record, str):
            report.errors.append(record)
        else:
            yield line_no, record


def _store_batch(batch: list[Article], report: ImportReport, enrich: bool) -> None:
    urls = [a.url for a in batch]
    existing = set(Article.objects.filter(url__in=urls).values_list("url", flat=True))
    fresh: dict[str, Article] = {}
    for article in batch:
        if article.url in existing or article.url in fresh:
            report.skipped_existing += 1
        else:
            fresh[article.url] = article
    prints = {a.fingerprint for a in fresh.values() if a.fingerprint}
    originals = dict(
        Article.objects.filter(fingerprint__in=prints, duplicate_of__isnull=True)
        .order_by("-pk").values_list("fingerprint", "pk")
    )
    created = _insert(list(fresh.values()))
    links: list[Article] = []
    for article in created:
        original = originals.get(article.fingerprint) if article.fingerprint else None
        if original:
            article.duplicate_of_id = original
            links.append(article)
        elif article.fingerprint:
            originals[article.fingerprint] = article.pk
    if links:
        write_fields(links, ["duplicate_of"])
        report.duplicates_linked += len(links)
    report.created += len(created)
    report.skipped_existing += len(fresh) - len(created)
    if enrich:
        enrich_articles([a.pk for a in created if a.duplicate_of_id is None])


def _insert(articles: list[Article]) -> list[Article]:
    """Insert in one statement; if a concurrent import won a race on some URL, fall back
    to one insert per article and skip the ones already there."""
    try:
        with transaction.atomic():
            return Article.objects.bulk_create(articles)
    except IntegrityError:
        stored = []
        for article in articles:
            article.pk = None
            try:
                with transaction.atomic():
                    article.save(force_insert=True)
            except IntegrityError:
                continue
            stored.append(article)
        return stored


def import_jsonl(
    lines: Iterable[str], progress: Callable[[int], None] | None = None, enrich: bool = True
) -> ImportReport:
    """Import articles from JSON lines; bad lines are reported and skipped, never fatal."""
    report = ImportReport()
    sources: dict[str, Source] = {}
    batch: list[Article] = []
    for line_no, record in _records(lines, report):
        try:
            batch.append(_build(record, line_no, sources))
        except ImportLineError as exc:
            report.errors.append(str(exc))
            continue
        if len(batch) >= BATCH:
            _store_batch(batch, report, enrich)
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        _store_batch(batch, report, enrich)
        if progress:
            progress(len(batch))
    refresh_statistics()
    return report

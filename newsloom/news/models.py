"""Sources and articles. The unique constraint on (source, guid) is what makes every
ingestion step idempotent: a retried task or a racing worker hits the constraint instead of
creating a second row. The canonical URL is indexed but not unique: it is a dedupe signal
that links a second copy to the first (`duplicate_of`), never a reason to drop an entry."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Source(models.Model):
    """A publisher feed and its fetch state."""

    name = models.CharField(max_length=200)
    feed_url = models.URLField(max_length=2000, unique=True)
    site_url = models.URLField(max_length=2000, blank=True)
    icon_url = models.URLField(max_length=2000, blank=True)
    region = models.CharField(max_length=16, blank=True, db_index=True,
                              help_text="e.g. hk, cn, tw, world")
    language = models.CharField(max_length=16, blank=True, db_index=True)
    topics = models.JSONField(default=list, blank=True)
    category = models.CharField(max_length=200, blank=True, help_text="OPML folder")
    paused = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    # fetch state
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    next_fetch_at = models.DateTimeField(default=timezone.now, db_index=True)
    refresh_interval = models.PositiveIntegerField(default=30 * 60, help_text="seconds")
    consecutive_errors = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    entries_skipped = models.PositiveIntegerField(
        default=0, help_text="feed entries left out as unreadable, in all")
    last_skipped = models.TextField(blank=True, help_text="the latest skipped entries and why")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.feed_url


class Story(models.Model):
    """One event as covered by several articles, across outlets and languages."""

    title = models.CharField(max_length=1000, blank=True)
    lead_article = models.ForeignKey("Article", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    first_seen = models.DateTimeField(db_index=True)
    last_seen = models.DateTimeField(db_index=True)
    # counted from the members whenever the story changes (newsloom.news.stories)
    article_count = models.PositiveIntegerField(default=0)
    source_count = models.PositiveIntegerField(default=0, db_index=True,
                                               help_text="distinct publishers")
    region_count = models.PositiveIntegerField(default=0)
    languages = models.JSONField(default=dict, blank=True, help_text="language -> articles")
    score = models.FloatField(default=0.0, db_index=True, help_text="ranking: outlets, recency")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title or f"story {self.pk}"


class StoryRedirect(models.Model):
    """A story merged into another (newsloom.news.stories): its address, linked and
    shared while it stood alone, leads to the story it became. Story ids are never reused
    (AUTOINCREMENT on SQLite, a sequence on PostgreSQL), so an old id cannot clash."""

    old_id = models.PositiveBigIntegerField(primary_key=True)
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"story {self.old_id} -> {self.story_id}"


class Article(models.Model):
    """One article. `duplicate_of` links syndicated copies to the first one seen, so they
    are kept (for provenance) but not shown twice."""

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for page fetch"
        READY = "ready", "processed"
        FAILED = "failed", "gave up after repeated errors"

    class Origin(models.TextChoices):
        PAGE = "page", "extracted from the article page"
        FEED = "feed", "taken from the feed (page unavailable)"
        IMPORT = "import", "bulk import"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="articles")
    guid = models.CharField(max_length=1000)
    url = models.URLField(max_length=2000, db_index=True, help_text="canonical URL")
    entry_url = models.URLField(max_length=2000, blank=True, help_text="link as the feed gave it")
    title = models.CharField(max_length=1000, blank=True)
    author = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    date_known = models.BooleanField(default=False, help_text="the feed or page gave a date")
    updated_at = models.DateTimeField(null=True, blank=True)
    image_url = models.URLField(max_length=2000, blank=True)
    site_name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=16, blank=True, db_index=True)
    description = models.TextField(blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    word_count = models.PositiveIntegerField(default=0)
    reading_minutes = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=40, blank=True, db_index=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="duplicates")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.FEED)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="times a worker claimed it (counted at the claim)")
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, db_index=True,
        help_text="not queued again before then: it is queued, held, or backing off")
    failure = models.TextField(blank=True, help_text="the last error while processing it")
    lease_until = models.DateTimeField(null=True, blank=True,
                                       help_text="a worker holds this article until then")
    fetch_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    # enrichment (newsloom.intel)
    embedding = models.BinaryField(null=True, blank=True, help_text="float16 USE vector")
    names = models.JSONField(default=list, blank=True)
    numbers = models.JSONField(default=list, blank=True)
    keyphrases = models.JSONField(default=list, blank=True)
    topics = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=list, blank=True, help_text="extractive bullets")
    key_points = models.JSONField(default=list, blank=True)
    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="articles")
    story_seq = models.BigIntegerField(
        null=True, blank=True, db_index=True,
        help_text="order of story assignments: workers catch up on each other's with it")
    enriched_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="article_source_guid_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # Listings and search walk ready articles newest first and test the other
            # columns in the index itself: on SQLite, reading duplicate_of_id from the
            # row means following the overflow pages of the long text columns before it.
            # Topics too (topic pages, For-you): a walk that read each row's topics, stored
            # after the text, read the whole row of every article it passed.
            models.Index(fields=["status", "published_at", "duplicate_of", "source", "language",
                                 "topics"], name="article_listing"),
            # A story's own articles (story page, other coverage, home headlines). With
            # only the single-column indexes, SQLite (no statistics) read "duplicate_of IS
            # NULL" through the duplicate_of index, i.e. every original article: 16.8 s a
            # story page at 10^6 articles, against 2 ms through this one.
            models.Index(fields=["story", "duplicate_of", "published_at"],
                         name="article_story_members"),
            # One publisher's articles (its page, its feed, a For-you follow) newest first:
            # along the listing index a quiet publisher meant walking every newer article
            # of all the others (0.1-0.25 s at 10^6). Only what readers may see, and
            # covering the For-you query (published_at and id from the index alone).
            models.Index(fields=["source", "published_at", "status", "duplicate_of"],
                         name="article_source_listing",
                         condition=models.Q(status="ready", duplicate_of__isnull=True)),
            # A language's articles (its page and feed), for the same reason: a language
            # few articles are written in is a range, not a walk past all the others.
            models.Index(fields=["language", "published_at", "status", "duplicate_of"],
                         name="article_language_listing",
                         condition=models.Q(status="ready", duplicate_of__isnull=True)),
            # Search (SQLite) asks whether each of a batch of index matches is listed and
            # passes the filters, by id: from this index alone, without following the
            # rows' text columns (626 matches: 2-8 ms against 60-90 ms at 10^5 articles).
            models.Index(fields=["id", "status", "duplicate_of", "source", "language",
                                 "published_at"], name="article_search_check"),
        ]
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title or self.url


class ArticleSearch(models.Model):
    """PostgreSQL's search rows (migration 0018): an article's search tokens (Han bigrams
    and words of title and text) with the columns search filters on, copied from the
    article by a trigger on every change. Not a table on SQLite, whose search tables are
    FTS5 (migration 0013), so not managed by Django.

    Why a table of its own: at 10^6 articles the GIN index's matches were read from the
    article table's heap (1.3 GB) to be sorted by date and filtered, and under 100 readers
    searches waited on the disk for those pages (docs/benchmarks.md, eleventh session).
    These rows are about a tenth of an article row (the tokens themselves are kept out of
    line), so a search's matches are read from pages that stay in memory."""

    id = models.BigIntegerField(primary_key=True, help_text="the article's id")
    published_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Article.Status.choices)
    duplicate_of = models.ForeignKey(Article, null=True, on_delete=models.DO_NOTHING,
                                     db_constraint=False, related_name="+")
    source = models.ForeignKey(Source, on_delete=models.DO_NOTHING, db_constraint=False,
                               related_name="+")
    language = models.CharField(max_length=16)

    class Meta:
        managed = False
        db_table = "news_article_search"
        ordering = ["-published_at"]


TOPIC_LABEL_LENGTH = 50  # a longer label is no topic (intel/topics.py: a few short words)


class ArticleTopic(models.Model):
    """One topic label of an article (a row per label of `Article.topics`), with the
    article's publication time copied, so a topic's newest articles are a range of the
    (topic, published_at) index: a topic page, feed or follow reads its own rows only,
    however rare the topic, instead of walking every article newest first to test each
    one's labels. Written only by `newsloom.news.topics.save_topics` (and the article's
    processing, which may move its publication time); readers still test visibility on the
    article itself (`web.visibility.visible_articles`)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="topic_rows",
                                db_index=False)  # the unique constraint leads with it
    topic = models.CharField(max_length=TOPIC_LABEL_LENGTH)
    published_at = models.DateTimeField(help_text="the article's, copied")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "topic"],
                                               name="article_topic_unique")]
        indexes = [models.Index(fields=["topic", "published_at", "article"],
                                name="article_topic_listing")]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.topic}"


class RelatedArticle(models.Model):
    """Precomputed related articles, so an article page reads them in one indexed query."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(Article, on_delete=models.CASCADE,
                                related_name="related_links_in")
    score = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "related"],
                                               name="related_article_unique")]
        ordering = ["-score"]


class PeriodicTurn(models.Model):
    """Who runs a periodic job this time: every worker's scheduler fires it, the first to
    move `due_at` on does the work (one scheduler across any number of workers, with no
    lock a dead worker could keep)."""

    name = models.CharField(max_length=100, unique=True)
    due_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """A running worker, seen by `/healthz`: it writes `beat_at` every few seconds."""

    name = models.CharField(max_length=200, unique=True, help_text="host:pid")
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.name

"""Admin for sources (health at a glance) and articles."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from newsloom.news.models import Article, Source, Story
from newsloom.news.topics import save_topics


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "language", "paused", "health", "entries_skipped",
                    "last_success_at", "next_fetch_at", "refresh_interval")
    list_filter = ("paused", "region", "language", "category")
    search_fields = ("name", "feed_url", "site_url")
    readonly_fields = ("etag", "last_modified", "last_fetched_at", "last_success_at",
                       "consecutive_errors", "last_error", "last_error_at", "entries_skipped",
                       "last_skipped", "created_at")
    actions = ("pause", "resume", "refresh_now")

    @admin.display(description="health")
    def health(self, source: Source) -> str:
        if source.paused:
            return "paused"
        if source.consecutive_errors:
            return f"{source.consecutive_errors} error(s): {source.last_error[:80]}"
        return "ok" if source.last_success_at else "not fetched yet"

    @admin.action(description="Pause selected sources")
    def pause(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        queryset.update(paused=True)

    @admin.action(description="Resume selected sources")
    def resume(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        queryset.update(paused=False)

    @admin.action(description="Refresh at the next scheduler tick")
    def refresh_now(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        queryset.update(next_fetch_at=timezone.now())


class ProcessingErrorFilter(admin.SimpleListFilter):
    """Articles whose page could not be used, or whose processing failed."""

    title = "processing error"
    parameter_name = "error"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return (("yes", "with an error"), ("no", "without"))

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        if self.value() == "yes":
            return queryset.exclude(fetch_error="")
        if self.value() == "no":
            return queryset.filter(fetch_error="")
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "source", "language", "published_at", "status", "origin",
                    "word_count", "attempts", "duplicate_of")
    list_filter = ("status", "origin", "language", "source", ProcessingErrorFilter)
    search_fields = ("title", "url")
    raw_id_fields = ("duplicate_of",)
    readonly_fields = ("fingerprint", "created_at", "processed_at", "attempts", "fetch_error",
                       "failure", "lease_until", "next_attempt_at")
    date_hierarchy = "published_at"
    actions = ("retry",)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        """An edit of the topics or the date moves the article's topic rows with it."""
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            save_topics([obj])

    @admin.action(description="Retry selected failed articles now")
    def retry(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        from newsloom.news.tasks import queue_retried

        count = queue_retried(queryset)
        self.message_user(request, f"{count} failed article(s) queued again.")


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ("title", "article_count", "source_count", "region_count", "first_seen",
                    "last_seen", "score")
    search_fields = ("title",)
    readonly_fields = ("languages", "created_at")
    raw_id_fields = ("lead_article",)
    date_hierarchy = "last_seen"

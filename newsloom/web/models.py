"""Reader data: comments (one level of replies, reports, moderation), saved articles,
follows and reading history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from newsloom.news.models import Article


class Comment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="replies")
    body = models.TextField(max_length=4000)
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False, help_text="hidden by a moderator")

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [("moderate_comment", "Can hide and unhide comments")]

    def __str__(self) -> str:
        return f"{self.user} on {self.article_id}: {self.body[:40]}"


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"],
                                               name="one_report_per_user")]


class SavedArticle(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="saved")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="save_once")]
        ordering = ["-saved_at"]


class Follow(models.Model):
    class Kind(models.TextChoices):
        SOURCE = "source", "source"
        TOPIC = "topic", "topic"
        REGION = "region", "region"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="follows")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "value"],
                                               name="follow_once")]


class ReadMark(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="reads")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="read_once")]


class Throttle(models.Model):
    """One counter of a fixed-window limit (sign-in attempts, comments, resets, questions).
    Kept in the database rather than the cache because the embedded default's file cache
    cannot increment atomically across processes: one INSERT ... ON CONFLICT statement
    counts and reads back in a single step, on SQLite and PostgreSQL alike."""

    bucket = models.CharField(max_length=200, help_text="what is limited, e.g. signin-ip:1.2.3.4")
    period = models.BigIntegerField(help_text="window number: unix time // window length")
    hits = models.PositiveIntegerField(default=0)
    expires = models.BigIntegerField(db_index=True, help_text="unix time the window ends")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bucket", "period"],
                                               name="throttle_once")]

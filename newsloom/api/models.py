"""What reader apps need beyond the web's reading state (which lives in newsloom.web.models
and is shared, not copied): the API password, per-reader subscription settings (folder,
title) and item labels."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from newsloom.news.models import Article, Source


class ApiPassword(models.Model):
    """One API password per reader, separate from the web password so a phone app never
    holds the password that can change the account. The password is 32 random bytes, so
    a SHA-256 digest is as safe to keep as a slow hash and lets X-Auth-Token find its
    reader in one indexed query. `fever_key` is md5("name:password"), which the Fever
    protocol sends instead of the password."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="api_password")
    digest = models.CharField(max_length=64, unique=True)
    fever_key = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"API password of {self.user}"


class SubscriptionSettings(models.Model):
    """A reader's own folder (Google Reader label, Miniflux category, Fever group) and
    title for one of their subscriptions; blank means the source's category and name. The
    subscription itself is the web's Follow; the source is shared, so renaming it in an
    app renames it for that reader only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    folder = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "source"],
                                               name="one_folder_per_subscription")]


class ItemLabel(models.Model):
    """A reader's own label on one article (Google Reader user/-/label/NAME on an item)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "article", "name"],
                                               name="label_once")]
        indexes = [models.Index(fields=["user", "name"])]

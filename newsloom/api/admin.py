"""API passwords in the admin: who has one and since when; deleting a row revokes it (the
digests are never shown, and a password can only be issued by its reader or the CLI)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from newsloom.api.models import ApiPassword


@admin.register(ApiPassword)
class ApiPasswordAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    search_fields = ("user__username",)
    fields = ("user", "created_at")
    readonly_fields = ("user", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

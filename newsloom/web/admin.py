"""Comment moderation in the admin: reported comments first, hide or unhide in bulk. The
admin's sign-in form gets the same throttle as the reader's."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count

from newsloom.web.models import Comment, CommentReport
from newsloom.web.signin_throttle import ThrottledAdminAuthenticationForm

admin.site.login_form = ThrottledAdminAuthenticationForm


class ReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    readonly_fields = ("user", "reason", "created_at")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("short_body", "user", "article", "created_at", "report_count", "hidden",
                    "deleted")
    list_filter = ("hidden", "deleted")
    search_fields = ("body", "user__username")
    raw_id_fields = ("article", "parent", "user")
    readonly_fields = ("body_html", "created_at", "edited_at")
    inlines = [ReportInline]
    actions = ("hide", "unhide")

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).annotate(reports_n=Count("reports")).order_by(
            "-reports_n", "-created_at")

    @admin.display(description="reports", ordering="reports_n")
    def report_count(self, comment: Comment) -> int:
        return comment.reports_n  # type: ignore[attr-defined]

    @admin.display(description="comment")
    def short_body(self, comment: Comment) -> str:
        return comment.body[:80]

    @admin.action(description="Hide selected comments")
    def hide(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        queryset.update(hidden=True)

    @admin.action(description="Unhide selected comments")
    def unhide(self, request, queryset) -> None:  # type: ignore[no-untyped-def]
        queryset.update(hidden=False)

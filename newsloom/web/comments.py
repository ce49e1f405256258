"""Comments: post, reply (one level), edit and delete your own, report, moderator hide.
Signed-in readers only, rate-limited, double submissions collapse into one comment."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from newsloom.news.models import Article
from newsloom.web.markdown_lite import render as render_markdown
from newsloom.web.models import Comment, CommentReport
from newsloom.web.params import optional_id
from newsloom.web.ratelimit import hit

MAX_LENGTH = 4000
PER_MINUTE = 5
PER_HOUR = 30
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)


def can_moderate(user) -> bool:  # type: ignore[no-untyped-def]
    return user.is_authenticated and (user.is_staff or user.has_perm("web.moderate_comment"))


def visible_comments(article: Article, user) -> list[Comment]:  # type: ignore[no-untyped-def]
    """Top-level comments with their replies; hidden ones only for moderators."""
    query = article.comments.select_related("user").filter(deleted=False)
    if not can_moderate(user):
        query = query.filter(hidden=False)
    comments = list(query)
    by_parent: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id:
            by_parent.setdefault(comment.parent_id, []).append(comment)
    top = [c for c in comments if c.parent_id is None]
    for comment in top:
        comment.thread = by_parent.get(comment.pk, [])  # type: ignore[attr-defined]
    return top


def _back(article: Article, anchor: str = "comments") -> HttpResponse:
    return redirect(f"/a/{article.pk}/#{anchor}")


def _error(request: HttpRequest, article: Article, message: str, status: int) -> HttpResponse:
    return render(request, "web/comment_error.html", {"article": article, "message": message},
                  status=status)


@login_required
@require_POST
def post_comment(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    body = (request.POST.get("body") or "").strip()
    if not body:
        return _error(request, article, _("A comment cannot be empty."), 400)
    if len(body) > MAX_LENGTH:
        return _error(request, article, _("Comments are limited to 4,000 characters."), 400)
    parent = None
    if request.POST.get("parent"):
        parent_id = optional_id(request.POST["parent"])
        if parent_id is None:
            return _error(request, article, _("That reply does not belong to a comment."), 400)
        parent = get_object_or_404(Comment, pk=parent_id, article=article)
        parent = parent.parent or parent  # replies stay one level deep
    recent = Comment.objects.filter(user=request.user, article=article, body=body,
                                    created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW)
    if recent.exists():  # a double click or a resubmitted form: keep one comment
        return _back(article, f"c{recent.first().pk}")
    user_key = f"comment:{request.user.pk}"
    if not (hit(user_key + ":m", PER_MINUTE, 60) and hit(user_key + ":h", PER_HOUR, 3600)):
        return _error(request, article,
                      _("You are commenting too fast. Please wait a minute and try again."), 429)
    comment = Comment.objects.create(article=article, user=request.user, parent=parent,
                                     body=body, body_html=render_markdown(body))
    return _back(article, f"c{comment.pk}")


def _own(request: HttpRequest, comment_id: int) -> Comment:
    return get_object_or_404(Comment, pk=comment_id, user=request.user, deleted=False)


@login_required
@require_POST
def edit_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _own(request, comment_id)
    body = (request.POST.get("body") or "").strip()
    if not body or len(body) > MAX_LENGTH:
        return _error(request, comment.article, _("A comment needs 1 to 4,000 characters."), 400)
    comment.body, comment.body_html = body, render_markdown(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    return _back(comment.article, f"c{comment.pk}")


@login_required
@require_POST
def delete_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _own(request, comment_id)
    comment.deleted = True
    comment.save(update_fields=["deleted"])
    return _back(comment.article)


@login_required
@require_POST
def report_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=comment_id, deleted=False)
    CommentReport.objects.get_or_create(  # a second report by the same reader is a no-op
        comment=comment, user=request.user,
        defaults={"reason": (request.POST.get("reason") or "")[:200]})
    return _back(comment.article, f"c{comment.pk}")


@login_required
@require_POST
def hide_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    if not can_moderate(request.user):
        return HttpResponseForbidden(_("Only moderators can hide comments."))
    comment = get_object_or_404(Comment, pk=comment_id)
    comment.hidden = request.POST.get("hidden", "1") == "1"
    comment.save(update_fields=["hidden"])
    return _back(comment.article, f"c{comment.pk}")

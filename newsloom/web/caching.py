"""Whole-page caching for anonymous readers: the pages they see carry no per-visitor data
(no CSRF token, no session), so one rendering serves everyone with the same language for a
minute. Signed-in readers always get a fresh page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_page

View = Callable[..., HttpResponse]
ANONYMOUS_SECONDS = 60


def cache_for_anonymous(view: View) -> View:
    cached = cache_page(ANONYMOUS_SECONDS, key_prefix="anon")(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method == "GET" and not request.user.is_authenticated:
            return cached(request, *args, **kwargs)
        return view(request, *args, **kwargs)
    return wrapper

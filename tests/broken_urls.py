"""A URL configuration with one view that fails, to see what a server error leaves in the
log (no real page of the portal should fail)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


urlpatterns = [path("broken/", broken), path("", include("newsloom.urls"))]

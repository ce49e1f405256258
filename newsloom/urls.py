"""URL routes: admin, the reader-app APIs and the reader web."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("newsloom.api.urls")),
    path("", include("newsloom.web.urls")),
]

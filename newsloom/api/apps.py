from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Reader-app APIs: Google Reader, Fever, Miniflux-compatible and newsloom's own."""

    name = "newsloom.api"
    label = "api"
    verbose_name = "reader apps"

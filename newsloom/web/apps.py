from django.apps import AppConfig


class WebConfig(AppConfig):
    """The reader-facing pages."""

    name = "newsloom.web"
    label = "web"

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The reader-facing pages, accounts, comments and reader data."""

    name = "newsloom.web"
    label = "web"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class NewsConfig(AppConfig):
    """Sources and articles: the stored result of the ingestion pipeline."""

    name = "newsloom.news"
    label = "news"
    default_auto_field = "django.db.models.BigAutoField"

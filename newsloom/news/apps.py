from django.apps import AppConfig


class NewsConfig(AppConfig):
    """Sources and articles: the stored result of the ingestion pipeline."""

    name = "newsloom.news"
    label = "news"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from newsloom.news.sqlite_functions import register

        connection_created.connect(register, dispatch_uid="newsloom-sqlite-functions")

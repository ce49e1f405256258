"""`newsloom migrate`: Django's migrate under the migration lock (newsloom.news.schema), so
any number of them, or a `serve` starting beside them, run one after another."""

from __future__ import annotations

from django.core.management.commands import migrate

from newsloom.news.schema import migration_lock


class Command(migrate.Command):
    def handle(self, *args: object, **options: object) -> None:
        with migration_lock(str(options["database"])):
            super().handle(*args, **options)

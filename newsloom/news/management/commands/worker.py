"""`newsloom worker`: a Huey consumer for refresh and article tasks. Start any number, on
any machines, against the same DATABASE_URL and REDIS_URL."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from newsloom.news.management.base import ensure_schema


class Command(BaseCommand):
    help = "Run a background worker (Huey consumer with the periodic scheduler)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", "-w", type=int, default=4, help="worker threads")
        parser.add_argument("--no-periodic", action="store_true",
                            help="do not run the scheduler in this worker")

    def handle(self, *args: object, **options: object) -> None:
        ensure_schema()
        call_command("run_huey", workers=options["workers"], worker_type="thread",
                     periodic=not options["no_periodic"])

"""`newsloom sources list|pause|resume|delete`: manage subscriptions."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsloom.news.management.base import ensure_schema
from newsloom.news.models import Source


class Command(BaseCommand):
    help = "List, pause, resume or delete sources."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "pause", "resume", "delete"])
        parser.add_argument("ids", nargs="*", type=int)

    def handle(self, *args: object, **options: object) -> None:
        ensure_schema()
        action = options["action"]
        ids: list[int] = options["ids"]  # type: ignore[assignment]
        if action == "list":
            for s in Source.objects.order_by("pk"):
                state = "paused" if s.paused else "active"
                error = f"  error: {s.last_error}" if s.last_error else ""
                self.stdout.write(f"{s.pk:>5}  {state:<6}  {s.region or '-':<5}  "
                                  f"{s.language or '-':<3}  {s.name}  <{s.feed_url}>{error}")
            return
        if not ids:
            raise CommandError(f"'{action}' needs one or more source ids")
        sources = Source.objects.filter(pk__in=ids)
        missing = set(ids) - set(sources.values_list("pk", flat=True))
        if missing:
            raise CommandError(f"no source with id {', '.join(map(str, sorted(missing)))}")
        if action == "delete":
            count = sources.count()
            sources.delete()
            self.stdout.write(f"deleted {count} source(s) and their articles")
        else:
            sources.update(paused=action == "pause")
            self.stdout.write(f"{action}d {len(ids)} source(s)")

"""`newsloom demo`: the portal with the bundled demo corpus, offline, in one command."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsloom.demo.server import DemoServer
from newsloom.news import schema
from newsloom.news.management.base import refresh_with_progress
from newsloom.news.management.commands.serve import run_portal
from newsloom.news.models import Source
from newsloom.news.sources import import_opml


class Command(BaseCommand):
    help = "Ingest the bundled demo corpus from a local server, then run the portal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--fixtures-port", type=int, default=8799,
                            help="port of the local server that plays the publishers")
        parser.add_argument("--no-serve", action="store_true", help="ingest, then exit")

    def handle(self, *args: object, **options: object) -> None:
        try:
            server = DemoServer(port=int(options["fixtures_port"])).start()  # type: ignore[arg-type]
        except OSError as exc:
            raise CommandError(f"cannot start the demo publisher server: {exc}") from exc
        allow = os.environ.get("NEWSLOOM_FETCH_ALLOW", "")
        os.environ["NEWSLOOM_FETCH_ALLOW"] = ",".join(filter(None, [allow, "127.0.0.1/32"]))
        schema.migrate()
        import_opml(server.opml())
        ids = list(Source.objects.filter(feed_url__startswith=server.base, paused=False)
                   .values_list("pk", flat=True))
        summary, _ = refresh_with_progress(ids)
        for error in summary.errors:
            self.stderr.write(f"error: {error}")
        self.stdout.write(f"demo corpus: {summary.sources_ok} source(s), "
                          f"{summary.new_articles} new article(s)")
        if not options["no_serve"]:
            run_portal(str(options["host"]), int(options["port"]),  # type: ignore[arg-type]
                       with_worker=True, stdout=self.stdout)
        server.stop()

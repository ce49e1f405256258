"""`newsloom worker`: a Huey consumer for refresh and article tasks. Start any number, on
any machines, against the same DATABASE_URL and REDIS_URL: each periodic job runs in one of
them at a time (newsloom.news.tasks.take_turn), and none of them migrates.

The worker and its pipeline processes run at a lower CPU priority (NEWSLOOM_WORKER_NICE,
10 by default): beside the web server on the same cores, a reader's page then waits for
no extraction or enrichment, and the ingest still gets every cycle the readers leave
(benchmarks/busy_readers.py measures both). Alone on a machine, niceness changes nothing."""

from __future__ import annotations

import os
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from newsloom import config
from newsloom.news import cpu
from newsloom.news.health import start_heartbeat
from newsloom.news.management.arguments import count, positive
from newsloom.news.management.base import ensure_schema


class Command(BaseCommand):
    help = "Run a background worker (Huey consumer with the periodic scheduler)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", "-w", type=positive, default=4,
                            help="task threads (fetching; they share one politeness limit)")
        parser.add_argument("--processes", "-p", type=count, default=cpu.default_processes(),
                            help="extraction processes, plus one for enrichment "
                                 "(default: one per core; 0: both on the task threads)")
        parser.add_argument("--no-periodic", action="store_true",
                            help="do not run the scheduler in this worker")

    def handle(self, *args: object, **options: object) -> None:
        ensure_schema()
        connections.close_all()
        os.nice(config.current().worker_nice)  # before the pipeline processes: they inherit it
        cpu.configure(int(options["processes"]))  # type: ignore[arg-type]
        stop = threading.Event()
        start_heartbeat(stop)
        try:
            call_command("run_huey", workers=options["workers"], worker_type="thread",
                         periodic=not options["no_periodic"])
        finally:
            stop.set()
            cpu.configure(0)  # let the pipeline processes go

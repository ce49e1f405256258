"""`newsloom serve [--port]`: the web server and a background worker in one process tree,
on the embedded default (SQLite database, SQLite queue): nothing else to start."""

from __future__ import annotations

import signal
import socket

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsloom.news import schema
from newsloom.news.management.arguments import count, port
from newsloom.news.supervisor import WorkerSupervisor


def listen(host: str, port: int) -> socket.socket:
    """The portal's listening socket, or a one-line CommandError (port taken or invalid)."""
    from newsloom.web.server import ServerError, bind

    try:
        return bind(host, port)
    except ServerError as exc:
        raise CommandError(str(exc)) from exc


class Command(BaseCommand):
    help = "Run the portal: web server plus a background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=port, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-worker", action="store_true",
                            help="web only (workers run elsewhere)")
        parser.add_argument("--web-workers", type=count, default=0,
                            help="web server processes (default: cores + 1)")

    def handle(self, *args: object, **options: object) -> None:
        host, port_number = str(options["host"]), int(options["port"])  # type: ignore[arg-type]
        listener = listen(host, port_number)  # a taken port fails before any work
        schema.migrate()
        run_portal(listener, host, port_number, with_worker=not options["no_worker"],
                   stdout=self.stdout, web_workers=int(options["web_workers"]))  # type: ignore[arg-type]


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the portal the way Ctrl-C does, so the worker is stopped too."""
    raise KeyboardInterrupt


def run_portal(listener: socket.socket, host: str, port: int, with_worker: bool,
               stdout: object, web_workers: int = 0) -> None:
    """Serve on `listener` until Ctrl-C or SIGTERM, then stop the worker too (restarted
    if it dies)."""
    from newsloom.web.server import serve

    worker = WorkerSupervisor() if with_worker else None
    signal.signal(signal.SIGTERM, _interrupt)
    stdout.write(f"newsloom is serving on http://{host}:{port}/ (Ctrl-C to stop)")  # type: ignore[attr-defined]
    try:
        serve(listener, web_workers)
    except KeyboardInterrupt:
        pass  # a server that fails exits non-zero (SystemExit): that passes through
    finally:
        if worker is not None:
            worker.stop()

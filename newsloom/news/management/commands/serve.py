"""`newsloom serve [--port]`: the web server and a background worker in one process tree,
on the embedded default (SQLite database, SQLite queue): nothing else to start."""

from __future__ import annotations

import os
import signal

from django.core.management.base import BaseCommand, CommandParser

from newsloom.news import schema
from newsloom.news.supervisor import WorkerSupervisor


def default_workers() -> int:
    return max(2, (os.cpu_count() or 1) + 1)


def serve_http(host: str, port: int, workers: int = 0, threads: int = 4) -> None:
    """Serve the WSGI app until interrupted: gunicorn processes on POSIX (Python runs one
    thread at a time per process, so a single process cannot use two cores), waitress
    elsewhere."""
    from django.db import connections

    from newsloom.wsgi import application

    connections.close_all()  # never share a database connection across fork()
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:
        from waitress import serve

        serve(application, host=host, port=port, threads=threads * 2, ident="newsloom",
              clear_untrusted_proxy_headers=True)
        return

    class Portal(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in {"bind": f"{host}:{port}", "workers": workers or default_workers(),
                               "worker_class": "gthread", "threads": threads,
                               "accesslog": None, "errorlog": "-", "loglevel": "warning",
                               "graceful_timeout": 10}.items():
                self.cfg.set(key, value)

        def load(self):  # type: ignore[no-untyped-def]
            return application

    Portal().run()


class Command(BaseCommand):
    help = "Run the portal: web server plus a background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-worker", action="store_true",
                            help="web only (workers run elsewhere)")
        parser.add_argument("--web-workers", type=int, default=0,
                            help="web server processes (default: cores + 1)")

    def handle(self, *args: object, **options: object) -> None:
        schema.migrate()
        run_portal(str(options["host"]), int(options["port"]),  # type: ignore[arg-type]
                   with_worker=not options["no_worker"], stdout=self.stdout,
                   web_workers=int(options["web_workers"]))  # type: ignore[arg-type]


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM stops the portal the way Ctrl-C does, so the worker is stopped too."""
    raise KeyboardInterrupt


def run_portal(host: str, port: int, with_worker: bool, stdout: object,
               web_workers: int = 0) -> None:
    """Serve until Ctrl-C or SIGTERM, then stop the worker too (restarted if it dies)."""
    worker = WorkerSupervisor() if with_worker else None
    signal.signal(signal.SIGTERM, _interrupt)
    stdout.write(f"newsloom is serving on http://{host}:{port}/ (Ctrl-C to stop)")  # type: ignore[attr-defined]
    try:
        serve_http(host, port, web_workers)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if worker is not None:
            worker.stop()

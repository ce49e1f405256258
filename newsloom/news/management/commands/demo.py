"""`newsloom demo`: the portal with the bundled demo corpus, offline, in one command.

The demo is a separate installation for the length of the run: its own data folder (a
temporary one, removed on exit) with its own SQLite database and queue, so the demo's
sources never land among the reader's own, whatever DATABASE_URL or REDIS_URL say. Its
steps are the real commands (`migrate`, `import-opml`, `refresh --all --wait`, `serve`) run
as child processes with that configuration, and the only address they may fetch beyond
public ones is the demo's publisher server, named explicitly in their configuration.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsloom.config import child_environment
from newsloom.demo.server import DemoServer
from newsloom.news.management.arguments import ensure_can_listen, port, port_or_any

PUBLISHERS_HOST = "127.0.0.1"


class Command(BaseCommand):
    help = "Ingest the bundled demo corpus from a local server, then run the portal."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=port, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--fixtures-port", type=port_or_any, default=0,
                            help="port of the local server that plays the publishers "
                                 "(default: any free one)")
        parser.add_argument("--no-serve", action="store_true", help="ingest, then exit")

    def handle(self, *args: object, **options: object) -> None:
        host, web_port = str(options["host"]), int(options["port"])  # type: ignore[arg-type]
        if not options["no_serve"]:
            ensure_can_listen(host, web_port)
        try:
            server = DemoServer(port=int(options["fixtures_port"]),  # type: ignore[arg-type]
                                host=PUBLISHERS_HOST).start()
        except OSError as exc:
            raise CommandError(f"cannot start the demo publisher server: {exc}") from exc
        folder = Path(tempfile.mkdtemp(prefix="newsloom-demo-"))
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            self.stdout.write(f"demo data in {folder}, removed on exit (an admin meanwhile: "
                              f"NEWSLOOM_DATA_DIR={folder} newsloom createsuperuser)")
            opml = folder / "demo-sources.opml"
            opml.write_bytes(server.opml())
            steps = [["migrate", "-v", "0"], ["import-opml", str(opml)],
                     ["refresh", "--all", "--wait"]]
            if not options["no_serve"]:
                steps.append(["serve", "--host", host, "--port", str(web_port)])
            environment = child_environment({
                "NEWSLOOM_DATA_DIR": str(folder), "DATABASE_URL": None, "REDIS_URL": None,
                "NEWSLOOM_FETCH_ALLOW": PUBLISHERS_HOST})
            for step in steps:
                _run_step(step, environment)
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
            shutil.rmtree(folder, ignore_errors=True)


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM ends the demo the way Ctrl-C does: steps stopped, folder removed."""
    raise KeyboardInterrupt


def _run_step(args: list[str], environment: dict[str, str]) -> None:
    """Run `newsloom ARGS` in the demo's configuration; on Ctrl-C or SIGTERM give it time to
    stop its own children (the portal's worker) before it is killed."""
    child = subprocess.Popen([sys.executable, "-m", "newsloom.cli", *args], env=environment)
    try:
        status = child.wait()
    except KeyboardInterrupt:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
        raise
    if status != 0:
        raise CommandError(f"demo step `newsloom {' '.join(args)}` failed (exit {status})")

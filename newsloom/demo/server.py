"""A local HTTP server for the bundled demo corpus, so `newsloom demo` ingests real feeds and
pages through the real pipeline with no internet. Feeds are templates: `{base}` becomes the
server's address and `{ago:2h}` / `{iso:2h}` become dates relative to now, so the demo
always shows fresh stories. `*.big5.xml` files are served Big5-encoded with no declared
charset, the way some Hong Kong publishers do."""

from __future__ import annotations

import email.utils
import re
import threading
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

_PLACEHOLDER = re.compile(r"\{(ago|iso):(\d+)([mhd])\}")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_TYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
}


def data_path() -> Path:
    return Path(str(resources.files("newsloom.demo").joinpath("data")))


def render_template(text: str, base: str, now: datetime | None = None) -> str:
    """Fill `{base}` and the relative-date placeholders."""
    now = now or datetime.now(UTC)

    def date(match: re.Match[str]) -> str:
        when = now - timedelta(**{_UNITS[match.group(3)]: int(match.group(2))})
        if match.group(1) == "ago":
            return email.utils.format_datetime(when, usegmt=True)
        return when.replace(microsecond=0).isoformat()

    return _PLACEHOLDER.sub(date, text.replace("{base}", base))


class _Handler(SimpleHTTPRequestHandler):
    base = ""

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path.split("?", 1)[0]))
        root = Path(self.directory).resolve()
        if not path.resolve().is_relative_to(root) or not path.is_file():
            self.send_error(404, "Not Found")
            return
        text = render_template(path.read_text(encoding="utf-8"), self.base)
        if path.name.endswith(".big5.xml"):
            body, ctype = text.encode("big5hkscs"), "application/rss+xml"
        else:
            body = text.encode("utf-8")
            ctype = _TYPES.get(path.suffix, "text/html; charset=utf-8")
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class DemoServer:
    """The demo corpus on http://127.0.0.1:PORT/, served from a background thread."""

    def __init__(self, port: int = 8799, host: str = "127.0.0.1") -> None:
        handler = type("DemoHandler", (_Handler,), {})
        self.httpd = ThreadingHTTPServer((host, port), partial(handler, directory=str(data_path())))
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        handler.base = self.base
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> DemoServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def opml(self) -> bytes:
        """The demo source list pointing at this server."""
        text = (data_path() / "sources.opml").read_text(encoding="utf-8")
        return render_template(text, self.base).encode("utf-8")

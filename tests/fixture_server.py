"""A programmable HTTP server on 127.0.0.1 for tests: each path maps to a handler that
writes the response, so tests can serve feeds, pages, slow, huge, broken or redirecting
responses without touching the internet."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: bytes = b""


def respond(status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8",
            headers: dict[str, str] | None = None) -> Handler:
    """A handler that sends a fixed response."""
    def handle(req: BaseHTTPRequestHandler) -> None:
        req.send_response(status)
        req.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            req.send_header(name, value)
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.write(body)
    return handle


def redirect(location: str, status: int = 302) -> Handler:
    return respond(status, b"", headers={"Location": location})


@dataclass
class FixtureServer:
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self

        class _Req(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                return

            def do_GET(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.requests.append(Recorded(self.path, {k.lower(): v for k, v in
                                                            self.headers.items()}, body))
                handler = server.routes.get(self.path) or server.routes.get(
                    self.path.split("?", 1)[0])
                if handler is None:
                    respond(404, b"not found", "text/plain")(self)
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    handler(self)

            do_POST = do_GET

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Req)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

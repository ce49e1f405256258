"""A real demo portal (`newsloom serve` + worker, demo corpus ingested, SQLite in a data
folder of its own) on a free port, with two readers who have API passwords, and a local
publisher with a feed the portal does not know yet. Used by the reader-app API tests."""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.fixture_server import FixtureServer, respond
from tests.serve_process import demo_ready

NEW_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Kowloon Ledger</title><link>http://127.0.0.1/</link>
<language>en</language>
<item><title>Ferry timetable changes on the harbour</title><guid>kl-1</guid>
<link>http://127.0.0.1/kl-1</link><pubDate>Mon, 23 Nov 2026 08:00:00 GMT</pubDate>
<description>&lt;p&gt;The Star Ferry changes its evening timetable from next week, the operator
said, adding two late sailings between Central and Tsim Sha Tsui on weekends to serve
the growing number of night visitors to the harbourfront.&lt;/p&gt;</description></item>
</channel></rss>"""


@dataclass
class Portal:
    base: str
    env: dict[str, str]
    publisher: FixtureServer
    demo_base: str
    passwords: dict[str, str] = field(default_factory=dict)

    def newsloom(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "newsloom.cli", *args], input=stdin,
                              env=self.env, capture_output=True, text=True, timeout=120)

    def add_reader(self, name: str) -> str:
        """Create a reader (web password "<name>-web-pass-1") and return its API password."""
        made = self.newsloom("users", "create", name, "--password-stdin",
                             stdin=f"{name}-web-pass-1\n")
        assert made.returncode == 0, made.stderr
        issued = self.newsloom("users", "api-password", name)
        assert issued.returncode == 0, issued.stderr
        self.passwords[name] = issued.stdout.strip().splitlines()[-1]
        return self.passwords[name]

    def forget_failed_logins(self) -> None:
        """Clear the portal's throttle counters (newsloom.web.ratelimit), so each test starts
        as a client with no failed logins behind it: all tests connect from 127.0.0.1."""
        database = Path(self.env["NEWSLOOM_DATA_DIR"]) / "newsloom.sqlite3"
        with sqlite3.connect(database, timeout=30) as connection:
            connection.execute("DELETE FROM web_throttle")

    def demo_feed(self, name: str) -> str:
        """The feed URL of a demo publisher (already a source of the portal)."""
        return f"{self.demo_base}/feeds/{name}"

    def new_feed_url(self) -> str:
        return f"http://127.0.0.1:{self.publisher.port}/ledger.xml"

    def web_session(self, name: str) -> requests.Session:
        """A browser-like session signed in to the web with the reader's web password."""
        session = requests.Session()
        page = session.get(f"{self.base}/accounts/login/", timeout=10).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the login page"
        answer = session.post(f"{self.base}/accounts/login/", timeout=10, data={
            "csrfmiddlewaretoken": token.group(1), "username": name,
            "password": f"{name}-web-pass-1"}, headers={"Referer": f"{self.base}/"})
        assert answer.ok and "sessionid" in session.cookies, answer.status_code
        return session


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_portal() -> Iterator[Portal]:
    """The demo's steps (`newsloom demo` runs the same ones in a temporary folder of its
    own) in a data folder the tests can reach with `newsloom users`."""
    from newsloom.demo.server import DemoServer

    publisher = FixtureServer()
    publisher.routes["/ledger.xml"] = respond(200, NEW_FEED, "application/rss+xml")
    demo = DemoServer(port=0, host="127.0.0.1").start()
    port = _free_port()
    folder = Path(tempfile.mkdtemp(prefix="newsloom-apps-"))
    env = dict(os.environ, NEWSLOOM_DATA_DIR=str(folder), NEWSLOOM_FETCH_ALLOW="127.0.0.1/32")
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    (folder / "demo.opml").write_bytes(demo.opml())
    for step in (["migrate", "-v", "0"], ["import-opml", str(folder / "demo.opml")],
                 ["refresh", "--all", "--wait"]):
        subprocess.run([sys.executable, "-m", "newsloom.cli", *step], env=env, check=True,
                       capture_output=True, timeout=300)
    process = subprocess.Popen(
        [sys.executable, "-m", "newsloom.cli", "serve", "--port", str(port)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    if not demo_ready(base, 180):
        os.killpg(process.pid, 9)
        demo.stop()
        raise RuntimeError("the demo portal did not come up")
    try:
        yield Portal(base, env, publisher, demo.base)
    finally:
        os.killpg(process.pid, 15)
        process.wait(30)
        publisher.close()
        demo.stop()
        shutil.rmtree(folder, ignore_errors=True)

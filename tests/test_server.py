"""The embedded web server (`newsloom serve`, newsloom.web.server): slow clients do not take
it down, a web process that dies is replaced, a port it cannot use is a one-line error, and
the forwarded address of a trusted proxy reaches the application. Speeds are measured in
benchmarks/slow_clients.py, not here."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.serve_process import data_env, serving

SLOW_CLIENTS = 200


def _trickling(port: int, count: int) -> list[socket.socket]:
    """`count` connections that started a request and send one more header byte now and
    then, never finishing it."""
    sockets = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        sockets.append(s)
    return sockets


def test_a_reader_gets_pages_while_slow_clients_hold_connections(tmp_path: Path) -> None:
    with serving(tmp_path, tmp_path / "serve.log") as portal:
        slow = _trickling(portal.port, SLOW_CLIENTS)
        try:
            for round_ in range(3):
                for s in slow:
                    s.send(b"a")
                for path in ("/", "/sources/"):
                    with urllib.request.urlopen(portal.base + path, timeout=20) as response:
                        assert response.status == 200, (round_, path)
        finally:
            for s in slow:
                s.close()


def _web_processes(parent: int) -> set[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return {int(pid) for pid in children}


def test_a_web_process_that_dies_is_replaced(tmp_path: Path) -> None:
    with serving(tmp_path, tmp_path / "serve.log", "--web-workers", "2") as portal:
        before = _web_processes(portal.process.pid)
        assert len(before) == 2
        os.kill(min(before), signal.SIGKILL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            now = _web_processes(portal.process.pid)
            if len(now) == 2 and now != before:
                break
            time.sleep(0.2)
        assert len(now) == 2 and min(before) not in now
        for _ in range(6):  # whichever process takes the connection answers
            with urllib.request.urlopen(portal.base + "/sources/", timeout=20) as response:
                assert response.status == 200


def _failed_sign_in(base: str, forwarded_for: str) -> int:
    """Status of one wrong-password sign-in through the login form, from a browser the
    proxy reports at `forwarded_for`."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    headers = {"X-Forwarded-For": forwarded_for}
    with opener.open(urllib.request.Request(base + "/accounts/login/", headers=headers),
                     timeout=20) as page:
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.read())
    assert token
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1).decode(),
                                   "username": "alice", "password": "wrong"}).encode()
    try:
        with opener.open(urllib.request.Request(base + "/accounts/login/", data=form,
                                                headers=headers), timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


@pytest.mark.parametrize("trusted", [True, False])
def test_the_sign_in_throttle_tells_readers_apart_only_behind_a_trusted_proxy(
        tmp_path: Path, trusted: bool) -> None:
    settings = {"NEWSLOOM_TRUSTED_PROXIES": "127.0.0.1/32"} if trusted else {}
    with serving(tmp_path, tmp_path / "serve.log", settings=settings) as portal:
        assert [_failed_sign_in(portal.base, "192.0.2.1") for _ in range(5)] == [200] * 5
        assert _failed_sign_in(portal.base, "192.0.2.1") == 429
        # another reader behind the proxy has tries of its own; a forged header sent
        # straight to the server does not buy an attacker fresh ones
        assert _failed_sign_in(portal.base, "192.0.2.2") == (200 if trusted else 429)


def test_a_busy_or_invalid_port_is_a_one_line_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for bad in (str(port), "99999"):
            result = subprocess.run(
                [sys.executable, "-m", "newsloom.cli", "serve", "--no-worker", "--port", bad],
                env=data_env(tmp_path), capture_output=True, text=True, timeout=120)
            assert result.returncode == 1, result
            assert "Traceback" not in result.stderr
            assert len(result.stderr.strip().splitlines()) == 1 and bad in result.stderr

"""`newsloom serve --no-worker` as a subprocess on a data folder of its own, for tests that
need the real server (its process model, its handling of sockets and of the disk)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def data_env(folder: Path) -> dict[str, str]:
    """The environment with `folder` as the data folder and the embedded defaults."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["NEWSLOOM_DATA_DIR"] = str(folder)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Portal:
    base: str
    port: int
    process: subprocess.Popen[bytes]


def _answers(url: str) -> bool:
    """The server answers HTTP (/healthz says 503 without a worker: still up)."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def demo_ready(base: str, timeout: float) -> bool:
    """Wait until the portal at `base` reports the demo corpus's 11 articles."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if b'"articles": 11' in response.read():
                    return True
        except OSError:
            time.sleep(0.5)
    return False


@contextlib.contextmanager
def serving(folder: Path, log: Path, *args: str,
            settings: dict[str, str] | None = None) -> Iterator[Portal]:
    """The portal on a free port until the block ends (`settings`: extra NEWSLOOM_*
    variables); fails the test if it never answers."""
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "newsloom.cli", "serve", "--no-worker", "--port", str(port),
             *args], env={**data_env(folder), **(settings or {})}, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            if _answers(base + "/healthz"):
                break
            time.sleep(0.3)
        else:
            pytest.fail(f"server did not come up:\n{log.read_text()}")
        yield Portal(base, port, server)
    finally:
        os.killpg(server.pid, 15)
        server.wait(20)

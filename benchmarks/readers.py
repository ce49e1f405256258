"""Simulated readers for the web benchmarks (web.py, busy_readers.py): real HTTP on loopback,
open loop with think time, anonymous or signed in through the login form as a browser does.

"100 concurrent readers" means 100 people each opening a page and then reading it for a
while (exponential, mean 5 s), not 100 clients firing back to back (wrk measures that
saturation separately). Signed-in readers each have their own account, cookie jar and
address: behind the documented reverse proxy (a trusted proxy sending X-Forwarded-For) the
sign-in throttle counts each reader's address apart, as it would for real readers.
"""

from __future__ import annotations

import http.cookiejar
import random
import re
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

PathChooser = Callable[[random.Random], str]
THINK_SECONDS = 5.0
TRUSTED_PROXY = "127.0.0.1/32"  # NEWSLOOM_TRUSTED_PROXIES for a server signed-in readers use


class SignInError(RuntimeError):
    """The login form did not let a reader in (throttled, wrong password, no token)."""


@dataclass
class Reader:
    """One browser: a cookie jar and the address the proxy reports for it."""

    opener: urllib.request.OpenerDirector
    address: str

    def get(self, url: str, timeout: float = 10) -> bytes:
        request = urllib.request.Request(url, headers={"X-Forwarded-For": self.address})
        with self.opener.open(request, timeout=timeout) as response:
            return response.read()


def new_reader(index: int) -> Reader:
    """A browser with an empty cookie jar, at an address of its own (10.x.y.z)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    return Reader(opener, f"10.{index // 65536 % 256}.{index // 256 % 256}.{index % 256 + 1}")


def sign_in(base: str, reader: Reader, username: str, password: str) -> None:
    """Open the login page, then post its form with the CSRF token it carries, as a
    browser does; raises SignInError unless the reader ends up signed in."""
    page = reader.get(f"{base}/accounts/login/").decode("utf-8", "replace")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not token:
        raise SignInError("the login page has no CSRF token")
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1),
                                   "username": username, "password": password}).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=form, headers={
        "X-Forwarded-For": reader.address, "Referer": f"{base}/accounts/login/"})
    with reader.opener.open(request, timeout=60) as response:
        landed = response.geturl()
        response.read()
    if "/accounts/login/" in landed:
        raise SignInError(f"{username} was not signed in (throttled or wrong password)")


def percentiles(latencies: list[float], seconds: float, errors: int) -> dict[str, float]:
    ordered = sorted(latencies)
    n = len(ordered)
    return {"p50_ms": ordered[n // 2] if n else float("nan"),
            "p99_ms": ordered[min(n - 1, int(n * 0.99))] if n else float("nan"),
            "rps": n / seconds, "non_2xx": errors, "requests": n}


def read_for(base: str, readers: list[Reader], choose: PathChooser, seconds: float,
             think: float = THINK_SECONDS) -> dict[str, float]:
    """Each reader opens `choose(rng)` pages with think time until `seconds` have passed;
    latency percentiles of every page opened (errors and timeouts counted apart)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(index: int, reader: Reader) -> None:
        rng = random.Random(index)
        time.sleep(rng.uniform(0, think))
        while time.monotonic() < stop:
            path = choose(rng)
            started = time.perf_counter()
            try:
                reader.get(base + path)
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
            except OSError:
                with lock:
                    errors[0] += 1
            time.sleep(rng.expovariate(1 / think))

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return percentiles(latencies, seconds, errors[0])

"""Slow clients against candidate web-server designs, one command:
`python benchmarks/slow_clients.py [--attackers 200] [--designs a,b] [--budget 60]`.

Every design serves a fresh data folder on loopback, all at once; for each in turn:
1. a normal reader loads six pages (home, sources, search, RSS, sign-in, health) with no
   attack: the baseline;
2. `--attackers` connections each send the start of a request and then one more header
   byte every 2 s, never finishing it (the "slowloris" attack);
3. with them all connected, the normal reader tries the six pages again within
   `--budget` seconds.
Before the attacks, also the throughput of an uncached page (/sources/) with 16 keep-alive
clients, 5 s per design in three rounds of turns (median shown), so that surviving slow
clients is not bought with speed.
Prints a table: pages loaded, median and slowest page time, with and without the attack.

Designs: `gunicorn-gthread` (the previous `newsloom serve`: 3 processes x 4 threads),
`waitress` (one process, its defaults: 4 threads, 100 connections), `uvicorn` (ASGI, event
loop, 3 processes; skipped where uvicorn is not installed) and `newsloom` (what
`newsloom serve` runs now: newsloom.web.server).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.backends import isolated_env  # noqa: E402
from benchmarks.results import save  # noqa: E402

PAGES = ["/", "/sources/", "/search?q=harbour", "/feeds/rss/", "/accounts/login/", "/healthz"]
DESIGNS = ["gunicorn-gthread", "waitress", "uvicorn", "newsloom"]
TRICKLE_EVERY = 2.0


def asgi_application():  # type: ignore[no-untyped-def]
    """uvicorn's factory: Django's ASGI handler for the portal."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsloom.settings")
    from django.core.asgi import get_asgi_application

    return get_asgi_application()


def serve(design: str, port: int) -> None:
    """Run one design in this process until killed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsloom.settings")
    import django

    django.setup()
    import logging

    from newsloom.wsgi import application

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # a line per queued request

    if design == "gunicorn-gthread":
        from gunicorn.app.base import BaseApplication

        class Portal(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in {"bind": f"127.0.0.1:{port}", "workers": 3,
                                   "worker_class": "gthread", "threads": 4,
                                   "accesslog": None, "loglevel": "warning"}.items():
                    self.cfg.set(key, value)

            def load(self):  # type: ignore[no-untyped-def]
                return application

        Portal().run()
    elif design == "waitress":
        from waitress import serve as waitress_serve

        waitress_serve(application, host="127.0.0.1", port=port, _quiet=True)
    elif design == "uvicorn":
        import uvicorn

        uvicorn.run("benchmarks.slow_clients:asgi_application", factory=True,
                    host="127.0.0.1", port=port, workers=3, log_level="warning")
    elif design == "newsloom":
        from newsloom.web.server import bind
        from newsloom.web.server import serve as newsloom_serve

        newsloom_serve(bind("127.0.0.1", port))


def available(design: str) -> bool:
    module = {"gunicorn-gthread": "gunicorn", "uvicorn": "uvicorn"}.get(design)
    if module is None:
        return True
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server at {base} did not come up")


def read_pages(base: str, budget: float) -> list[float]:
    """Load each page in turn within `budget` seconds; the times of those that loaded."""
    times: list[float] = []
    deadline = time.monotonic() + budget
    for path in PAGES:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        started = time.monotonic()
        try:
            with urllib.request.urlopen(base + path, timeout=left) as response:
                response.read()
            times.append(time.monotonic() - started)
        except OSError:
            continue
    return times


def throughput(port: int, clients: int = 16, seconds: float = 5.0) -> float:
    """Requests per second for /sources/ from `clients` keep-alive connections."""
    import http.client

    deadline = time.monotonic() + seconds
    counts = [0] * clients

    def run(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            connection.request("GET", "/sources/")
            connection.getresponse().read()
            counts[index] += 1
        connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(sum(counts) / seconds, 1)


class Trickle:
    """`count` connections that never finish their request headers."""

    def __init__(self, port: int, count: int) -> None:
        self.sockets: list[socket.socket] = []
        self.stop = threading.Event()
        for _ in range(count):
            s = socket.socket()
            s.settimeout(5)
            try:
                s.connect(("127.0.0.1", port))
                s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            except OSError:
                s.close()
                continue
            s.setblocking(False)
            self.sockets.append(s)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(TRICKLE_EVERY):
            for s in list(self.sockets):
                try:
                    s.send(b"a")
                except OSError:  # closed by the server: count it and open no other
                    self.sockets.remove(s)

    def close(self) -> int:
        """Stop; how many connections the server had kept open to the end."""
        self.stop.set()
        self.thread.join()
        alive = len(self.sockets)
        for s in self.sockets:
            s.close()
        return alive


def start(design: str) -> tuple[str, int, subprocess.Popen[bytes]]:
    """`design` serving a fresh data folder on a free port."""
    port = free_port()
    env = isolated_env("newsloom-slow-", PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "newsloom.cli", "migrate", "-v", "0"], env=env,
                   check=True)
    server = subprocess.Popen([sys.executable, __file__, "--serve", design, "--port",
                               str(port)], env=env, cwd=ROOT, start_new_session=True)
    wait_up(f"http://127.0.0.1:{port}", time.monotonic() + 60)
    return design, port, server


def measure(designs: list[str], attackers: int, budget: float,
            rounds: int = 3) -> list[dict[str, object]]:
    """Every design served at once; throughput measured in turns (this machine's load from
    other work changes from minute to minute, and turns spread it evenly), then each design
    attacked alone while the others sit idle."""
    servers = [start(design) for design in designs]
    rows: dict[str, dict[str, object]] = {}
    try:
        for design, port, _ in servers:
            calm = read_pages(f"http://127.0.0.1:{port}", budget)
            rows[design] = {"design": design, "calm_pages": len(calm),
                            "calm_median_s": _median(calm), "rates": []}
        for _ in range(rounds):
            for design, port, _ in servers:
                rows[design]["rates"].append(throughput(port))  # type: ignore[attr-defined]
        for design, port, _ in servers:
            attack = Trickle(port, attackers)
            time.sleep(3)
            loaded = read_pages(f"http://127.0.0.1:{port}", budget)
            rows[design].update({
                "sources_per_s": statistics.median(rows[design]["rates"]),  # type: ignore[arg-type]
                "attack_pages": len(loaded), "attack_median_s": _median(loaded),
                "attack_slowest_s": round(max(loaded), 3) if loaded else None,
                "attackers_still_open": attack.close()})
    finally:
        for _, _, server in servers:
            os.killpg(server.pid, 15)
            server.wait(20)
    return list(rows.values())


def _median(times: list[float]) -> float | None:
    return round(statistics.median(times), 3) if times else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attackers", type=int, default=200)
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--designs", default=",".join(DESIGNS))
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    designs = []
    for design in args.designs.split(","):
        if available(design):
            designs.append(design)
        else:
            print(f"{design}: not installed, skipped")
    rows = measure(designs, args.attackers, args.budget)
    for row in rows:
        print(f"{row['design']:18} calm {row['calm_pages']}/{len(PAGES)} "
              f"(median {row['calm_median_s']} s, /sources/ per s {row['rates']}); "
              f"under {args.attackers} slow clients: "
              f"{row['attack_pages']}/{len(PAGES)} pages, median {row['attack_median_s']} s, "
              f"slowest {row['attack_slowest_s']} s; {row['attackers_still_open']} slow clients "
              "still connected")
    print(f"\n| design | pages, calm | median, calm | /sources/ per s, calm "
          f"| pages, {args.attackers} slow clients | median | slowest |\n"
          "|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['design']} | {row['calm_pages']}/{len(PAGES)} | {row['calm_median_s']} s "
              f"| {row['sources_per_s']} "
              f"| {row['attack_pages']}/{len(PAGES)} | {row['attack_median_s']} s "
              f"| {row['attack_slowest_s']} s |")
    print(f"\nsaved {save('slow_clients', rows)}")


if __name__ == "__main__":
    main()

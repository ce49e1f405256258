"""`newsloom serve`'s background worker, kept alive: restarted whenever it exits.

A thread of the serving process watches the child; a worker that dies is started again
after a pause that doubles while it keeps dying quickly (a crash loop does not spin the
CPU) and resets once it has run for a while. `/healthz` reports the worker's heartbeat, so
a dead worker is visible until the restart beats again."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time

log = logging.getLogger("newsloom.supervisor")
FIRST_PAUSE = 1.0
MAX_PAUSE = 60.0
# a worker that ran this long before dying is restarted after FIRST_PAUSE again
STABLE_AFTER = 120.0


def start_worker() -> subprocess.Popen[bytes]:
    """The Huey consumer as a child process (its own process: no GIL contention with the
    web server, and it can be killed and restarted on its own), leading a process group of
    its own so that stopping it stops its pipeline processes too."""
    return subprocess.Popen([sys.executable, "-m", "newsloom.cli", "worker"],
                            env=os.environ.copy(), start_new_session=True)


class WorkerSupervisor:
    """Runs `newsloom worker` and restarts it until `stop()`."""

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self.restarts = 0
        self.process = start_worker()
        self._thread = threading.Thread(target=self._watch, name="newsloom-supervisor",
                                        daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        pause = FIRST_PAUSE
        started = time.monotonic()
        while not self._stopping.is_set():
            code = self.process.poll()
            if code is None:
                self._stopping.wait(0.5)
                continue
            lived = time.monotonic() - started
            pause = FIRST_PAUSE if lived >= STABLE_AFTER else min(MAX_PAUSE, pause * 2)
            log.warning("the worker (pid %d) exited with %s after %.0f s; restarting in %.0f s",
                        self.process.pid, code, lived, pause)
            if self._stopping.wait(pause):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self.process = start_worker()
                self.restarts += 1
            started = time.monotonic()

    def stop(self) -> None:
        """Stop watching, then stop the worker and its processes (SIGTERM, then SIGKILL
        after 10 s)."""
        with self._lock:
            self._stopping.set()
        self._thread.join(timeout=5)
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def _signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

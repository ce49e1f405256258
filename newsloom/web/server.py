"""The embedded web server: waitress, cores + 1 processes on POSIX, sharing one socket.

Why waitress (measured in benchmarks/slow_clients.py, figures in docs/benchmarks.md): it
reads requests on an event loop and hands a request to a worker thread only once it has
fully arrived, so a client trickling its headers costs a socket, not a thread. gunicorn's
gthread worker gives a thread to every connection that sends a first byte; 200 such
clients left a normal reader with 0 of 6 pages in 60 s. Python runs one thread at a time
per process, so on POSIX the parent binds the socket and forks cores + 1 waitress processes
on it (the kernel spreads connections over them), and replaces any that dies.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable

THREADS = 6  # request threads per process; slow clients do not occupy them
CONNECTIONS = 4000  # open connections per process, idle or trickling included
CHANNEL_TIMEOUT = 60  # seconds a connection may stay silent before it is closed
RESTART_PAUSE = 1.0  # seconds between checks that every web process is alive


class ServerError(Exception):
    """The server cannot start (the address is taken, the port is invalid...)."""


def default_processes() -> int:
    """One per core plus one, so a core is not left idle while a process waits on the
    database (the same count gunicorn ran before)."""
    return (os.cpu_count() or 1) + 1


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, or a ServerError that says why not."""
    if not 0 < port < 65536:
        raise ServerError(f"port {port} is not a TCP port (1-65535)")
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        listener = socket.socket(info[0], socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # inherited by accepted connections: small responses go out at once rather than
        # waiting for the client's delayed acknowledgement (waitress sets this only on the
        # sockets it creates itself)
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        listener.bind(info[4])
        listener.listen(1024)
        listener.setblocking(False)  # each process's event loop accepts; none may block
    except OSError as exc:
        raise ServerError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return listener


def _open_file_allowance() -> int:
    """Raise the open-file limit as far as allowed: each connection is a file descriptor
    (POSIX; elsewhere the limit is left as it is)."""
    try:
        import resource
    except ImportError:
        return CONNECTIONS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


def _run_waitress(listener: socket.socket, threads: int) -> None:
    from waitress import serve

    # "Task queue depth is N" on every queued request: requests waiting for a thread is
    # how the design works under load, not a fault worth a log line each
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)

    from newsloom.wsgi import application

    connections = max(100, min(CONNECTIONS, _open_file_allowance() - 100))
    # waitress by default deletes X-Forwarded-For/-Proto from every request (it trusts no
    # proxy of its own), which silently turned NEWSLOOM_TRUSTED_PROXIES and
    # NEWSLOOM_BEHIND_HTTPS_PROXY off: every reader behind the proxy shared one sign-in
    # throttle. The application decides which proxies to believe (web/client_address.py).
    serve(application, sockets=[listener], threads=threads, connection_limit=connections,
          channel_timeout=CHANNEL_TIMEOUT, asyncore_use_poll=True, ident="newsloom",
          clear_untrusted_proxy_headers=False, _quiet=True)


def _fork(run: Callable[[], None]) -> int:
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        try:
            run()
        finally:
            os._exit(0)
    return pid


def serve(listener: socket.socket, processes: int = 0, threads: int = THREADS) -> None:
    """Serve the portal on `listener` until SIGTERM or Ctrl-C."""
    from django.db import connections

    connections.close_all()  # never share a database connection across fork()
    processes = processes or default_processes()
    if processes == 1 or not hasattr(os, "fork"):
        _run_waitress(listener, threads)
        return
    children = {_fork(lambda: _run_waitress(listener, threads)) for _ in range(processes)}
    try:
        while True:  # only our own children: the caller may supervise others (the worker)
            time.sleep(RESTART_PAUSE)
            for pid in list(children):
                if os.waitpid(pid, os.WNOHANG)[0]:
                    children.discard(pid)
                    print(f"web process {pid} exited; starting another", file=sys.stderr)
                    children.add(_fork(lambda: _run_waitress(listener, threads)))
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                continue

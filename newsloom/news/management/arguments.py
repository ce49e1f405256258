"""Checks on command-line values that must hold before a command starts its work, so a
typo costs a one-line error at once rather than a traceback after minutes of clustering
(`--output` into a missing folder) or a server that never listens (`--port 99999`, a busy
port)."""

from __future__ import annotations

import argparse
import os
import socket
from pathlib import Path

from django.core.management.base import CommandError


def output_file(value: str) -> str:
    """argparse type: a file path whose folder exists and is writable."""
    path = Path(value)
    folder = path.parent
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{value} is a folder, not a file")
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"cannot write {value}: no folder {folder}")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise argparse.ArgumentTypeError(f"cannot write {value}: permission denied")
    return value


def count(value: str) -> int:
    """argparse type: a whole number of things, 0 or more (threads, processes, articles)."""
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"invalid count {value!r}: expected 0 or more")
    return number


def positive(value: str) -> int:
    """argparse type: a whole number of 1 or more (a pool of fetching threads)."""
    number = count(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"invalid count {value!r}: expected 1 or more")
    return number


def port(value: str) -> int:
    """argparse type: a TCP port to listen on (1-65535)."""
    return _port(value, lowest=1)


def port_or_any(value: str) -> int:
    """argparse type: a TCP port, or 0 for any free one."""
    return _port(value, lowest=0)


def _port(value: str, lowest: int) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if not lowest <= number <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port {value!r}: expected {lowest} to 65535")
    return number


def ensure_can_listen(host: str, port: int) -> None:
    """Raise a CommandError unless a server could listen on host:port now (the address is
    this machine's and nothing else listens there), checked before any work starts."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do
            probe.bind(address)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CommandError(f"cannot listen on {host}:{port}: {reason} (another server "
                           "there? choose another with --port / --host)") from None

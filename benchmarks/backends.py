"""Databases and environments for benchmark subprocesses: each backend runs in a fresh
data folder and database, whatever the caller's own environment says."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def fresh_database(name: str) -> str:
    """Drop and create PostgreSQL database `name`; return its URL."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(name)


def database_url(name: str) -> str:
    """The URL of PostgreSQL database `name` on the benchmark server."""
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def drop_database(name: str) -> None:
    """Drop PostgreSQL database `name` (a benchmark's, once its figures are taken)."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def isolated_env(prefix: str, **settings: str) -> dict[str, str]:
    """This process's environment with a new data folder and no inherited DATABASE_URL or
    REDIS_URL (so the embedded default is what runs unless `settings` names others)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["NEWSLOOM_DATA_DIR"] = tempfile.mkdtemp(prefix=prefix)
    env.update(settings)
    return env


def open_kept(folder: Path) -> dict[str, object]:
    """Set Django up in this process on an archive kept by `benchmarks/web.py --keep` (or
    built by `web.py --load N`): its data folder, and its PostgreSQL database when
    archive.json names one. Returns archive.json's facts."""
    info: dict[str, object] = json.loads((folder / "archive.json").read_text())
    os.environ["NEWSLOOM_DATA_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)
    if info.get("database_url"):
        os.environ["DATABASE_URL"] = str(info["database_url"])
    from newsloom.startup import start_django

    start_django()
    return info

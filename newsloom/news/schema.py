"""Schema changes in one place, one process at a time.

Only `newsloom migrate`, `serve` and `demo` apply migrations, each under a lock held for the
whole run, so N workers or web servers started together never migrate PostgreSQL (or one
SQLite file) concurrently; every other command only checks and says what to run."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

# any fixed 64-bit number: the PostgreSQL advisory lock all newsloom migrations share
PG_MIGRATE_LOCK = 0x6E65_7773_6C6F_6F6D >> 1


@contextmanager
def migration_lock(alias: str = "default") -> Iterator[None]:
    """Hold the database's migration lock: a session advisory lock on PostgreSQL, an
    exclusive transaction on a lock file beside the database on SQLite (portable, and
    released by the operating system if the process dies)."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [PG_MIGRATE_LOCK])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [PG_MIGRATE_LOCK])
        return
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" or name == ":memory:" or name.startswith("file:"):
        yield  # one process owns an in-memory database
        return
    lock = sqlite3.connect(Path(name).with_name(Path(name).name + ".migrate-lock"),
                           timeout=3600, isolation_level=None)
    try:
        lock.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        lock.close()


def unapplied(alias: str = "default") -> list[str]:
    """Migrations not yet applied, as app.name."""
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def migrate() -> None:
    """Apply pending migrations under the lock (`newsloom migrate` takes the same lock)."""
    call_command("migrate", interactive=False, verbosity=0)


def require_current() -> None:
    """Stop with one clear line when the database needs migrating."""
    missing = unapplied()
    if missing:
        raise CommandError(f"the database needs {len(missing)} migration(s) "
                           f"(first: {missing[0]}): run `newsloom migrate`")

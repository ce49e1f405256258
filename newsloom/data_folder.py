"""Whether the data folder can be written, decided once at start-up.

A data folder on a read-only disk (a restored backup, a read-only container volume, a
mirror) should still serve every page: only SQLite's WAL bookkeeping, the page cache and the
queue write there when nobody changes anything. So when the folder is not writable the
database is opened read-only and immutable (no -wal/-shm files), the queue creates no
tables, and every change a reader asks for gets a clear refusal (newsloom.web.storage_errors)
instead of a traceback.
"""

from __future__ import annotations

import tempfile
from pathlib import Path


def writable(folder: Path) -> bool:
    """True when a file can be created in `folder` (permissions, read-only mounts, quotas)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def read_only_sqlite_name(database: Path) -> str:
    """An SQLite URI that reads `database` without writing anything next to it."""
    return f"file:{database.as_posix()}?mode=ro&immutable=1"

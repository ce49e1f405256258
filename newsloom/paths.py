"""Where newsloom keeps its files: NEWSLOOM_DATA_DIR or the per-user data folder."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """The data folder (created on first use): SQLite database, Huey queue, secret key."""
    configured = os.environ.get("NEWSLOOM_DATA_DIR")
    path = Path(configured) if configured else Path(platformdirs.user_data_dir("newsloom"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key() -> str:
    """NEWSLOOM_SECRET_KEY, or a random key generated once and kept in the data folder, so
    no secret ever lives in the repository and sessions survive restarts."""
    configured = os.environ.get("NEWSLOOM_SECRET_KEY")
    if configured:
        return configured
    key_file = data_dir() / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()

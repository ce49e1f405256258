"""Loaded with `-p tests.bootstrap` before Django starts: points newsloom at a throwaway data
folder, and, with NEWSLOOM_TEST_SCALE=1, at this machine's PostgreSQL and Redis."""

import os
import tempfile
import uuid

os.environ.setdefault("NEWSLOOM_DATA_DIR", tempfile.mkdtemp(prefix="newsloom-test-"))
os.environ.setdefault("NEWSLOOM_HOST_SPACING", "0")
os.environ.setdefault("NEWSLOOM_PER_HOST", "8")
os.environ.setdefault("NEWSLOOM_READ_TIMEOUT", "3")
os.environ.setdefault("NEWSLOOM_CONNECT_TIMEOUT", "3")
if os.environ.get("NEWSLOOM_TEST_SCALE") == "1":
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ.setdefault("NEWSLOOM_QUEUE_NAME", f"newsloom-test-{uuid.uuid4().hex[:8]}")

from newsloom.config import current, prepare_data_folder

prepare_data_folder(current())  # what the `newsloom` command does before Django starts

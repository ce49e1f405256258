"""The `newsloom` command's own surface, run as a user runs it (real subprocesses): the
command list, help, version, Django's commands kept apart, one-line errors with exit
status 1 for every kind of bad input, checked before any work starts."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def run(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`newsloom ARGS` on its own data folder (SQLite), with extra environment variables."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "REDIS_URL", "NEWSLOOM_QUEUE_NAME")}
    return subprocess.run([sys.executable, "-m", "newsloom.cli", *args], capture_output=True,
                          text=True, timeout=180, env={**base, "NEWSLOOM_DATA_DIR": str(data),
                                                       **env})


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The error of a failed command, asserting it is one line with exit status 1."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.fixture
def listening() -> Iterator[int]:
    """A port on 127.0.0.1 that another server already listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def test_help_lists_only_newsloom_commands_with_one_line_each(tmp_path: Path) -> None:
    result = run(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    listed = dict(re.findall(r"^  ([a-z][a-z-]+)  +(\S.*)$", result.stdout, re.M))
    assert {"add-source", "import-opml", "export-opml", "refresh", "serve", "demo", "extract",
            "fit-stories", "createsuperuser", "migrate"} <= listed.keys()
    assert not {"flush", "dbshell", "startproject", "runserver", "shell"} & listed.keys()
    assert all("_" not in name for name in listed)
    assert all(len(line) > 10 and "\n" not in line for line in listed.values())
    assert "newsloom django" in result.stdout


def test_help_for_one_command_and_version(tmp_path: Path) -> None:
    helped = run(tmp_path, "help", "add-source")
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("usage: newsloom add-source")
    assert "--region" in helped.stdout and "--settings" not in helped.stdout
    assert run(tmp_path, "add-source", "--help").stdout == helped.stdout
    for args in (["--version"], ["add-source", "--version"]):
        assert run(tmp_path, *args).stdout.strip() == f"newsloom {VERSION}"
    assert "unknown command 'nope'" in one_line_error(run(tmp_path, "help", "nope"))


def test_django_commands_live_behind_newsloom_django(tmp_path: Path) -> None:
    assert "newsloom django flush" in one_line_error(run(tmp_path, "flush"))
    listing = run(tmp_path, "django", "--help")
    assert listing.returncode == 0 and "flush" in listing.stdout.split()
    assert "add_source" not in listing.stdout.split()
    checked = run(tmp_path, "django", "check")
    assert checked.returncode == 0 and "no issues" in checked.stdout


def test_usage_mistakes_are_one_line_with_exit_1(tmp_path: Path) -> None:
    assert "did you mean 'add-source'" in one_line_error(run(tmp_path, "add-sorce"))
    missing = one_line_error(run(tmp_path, "add-source"))
    assert "required: url" in missing and "newsloom help add-source" in missing
    assert "unknown option" in one_line_error(run(tmp_path, "--frobnicate"))
    for args in (["worker", "-w", "0"], ["worker", "-p", "-2"], ["enrich", "--limit", "-3"],
                 ["serve", "--web-workers", "-1"], ["refresh", "--workers", "x"]):
        assert "invalid count" in one_line_error(run(tmp_path, *args)), args


def test_output_into_a_missing_folder_fails_before_any_work(tmp_path: Path) -> None:
    """The output is checked when the arguments are read: the input (missing here) is not
    even opened, so a long clustering run can never end in a traceback at its last step."""
    for command in ("cluster", "summarize"):
        error = one_line_error(run(tmp_path, command, "--input", str(tmp_path / "absent.jsonl"),
                                   "--output", str(tmp_path / "no" / "such" / "out.jsonl")))
        assert f"no folder {tmp_path / 'no' / 'such'}" in error
    error = one_line_error(run(tmp_path, "export-opml", "-o", str(tmp_path / "no" / "x.opml")))
    assert "no folder" in error
    assert "is a folder" in one_line_error(run(tmp_path, "export-opml", "-o", str(tmp_path)))


def test_serve_refuses_a_bad_or_busy_port_in_one_line(tmp_path: Path, listening: int) -> None:
    assert "invalid port '99999'" in one_line_error(run(tmp_path, "serve", "--port", "99999"))
    busy = one_line_error(run(tmp_path, "serve", "--no-worker", "--port", str(listening)))
    assert f"cannot listen on 127.0.0.1:{listening}" in busy
    assert "invalid port" in one_line_error(run(tmp_path, "demo", "--port", "-1"))
    assert "cannot listen" in one_line_error(run(tmp_path, "demo", "--port", str(listening)))
    assert not (tmp_path / "newsloom.sqlite3").exists()  # refused before any work


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("NEWSLOOM_PER_HOST", "two", "expected a whole number"),
    ("NEWSLOOM_READ_TIMEOUT", "-1", "expected a value >= 0.1"),
    ("NEWSLOOM_EMAIL_PORT", "70000", "between 1 and 65535"),
    ("NEWSLOOM_DEBUG", "maybe", "expected 1 or 0"),
    ("NEWSLOOM_FETCH_ALLOW", "10.0.0.0/33", "neither a network"),
    ("NEWSLOOM_LANGUAGES", "en,xx", "'xx' is not an ISO 639-1"),
    ("NEWSLOOM_TIME_ZONE", "Mars/Olympus", "time zone"),
    ("NEWSLOOM_LOG", "LOUD", "expected one of DEBUG"),
    ("DATABASE_URL", "nosuchdb://x", "expected a URL"),
    ("REDIS_URL", "http://x", "redis://"),
    ("NEWSLOOM_CSRF_TRUSTED_ORIGINS", "news.example.org", "not an origin"),
])
def test_a_bad_setting_names_its_variable(tmp_path: Path, name: str, value: str,
                                          expected: str) -> None:
    error = one_line_error(run(tmp_path, "stats", **{name: value}))
    assert error.startswith(f"newsloom: configuration error: {name}: ")
    assert expected in error and repr(value) in error


def test_an_unwritable_data_folder_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    error = one_line_error(run(blocker / "data", "stats"))
    assert "NEWSLOOM_DATA_DIR: cannot prepare the data folder" in error


def test_an_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    pytest.importorskip("psycopg", reason="the scale extra (psycopg) is not installed")
    with socket.socket() as closed:  # a port that nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    error = one_line_error(run(tmp_path, "stats",
                               DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/x"))
    assert error.startswith("newsloom stats: database error: connection failed")


def test_importing_the_settings_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    env = {**os.environ, "NEWSLOOM_DATA_DIR": str(folder)}
    done = subprocess.run([sys.executable, "-c", "import newsloom.settings as s; print(s.DEBUG)"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not folder.exists()


def test_demo_keeps_to_its_own_folder_and_picks_a_free_publisher_port(tmp_path: Path) -> None:
    """The demo's sources never reach the reader's data folder, its temporary folder is gone
    afterwards, and a busy 8799 (the old fixed publisher port) does not stop it."""
    reader = tmp_path / "reader"
    assert run(reader, "migrate").returncode == 0  # the reader's own, empty installation
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            other.bind(("127.0.0.1", 8799))
            other.listen()
        except OSError:
            pass  # already busy: just as good
        demo = run(reader, "demo", "--no-serve")
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert "4 source(s) refreshed, 0 failed, 11 new article(s)" in demo.stdout
    folder = Path(re.search(r"demo data in (\S+),", demo.stdout)[1])
    assert folder.name.startswith("newsloom-demo-") and not folder.exists()
    stats = run(reader, "stats", "--json")
    assert stats.returncode == 0 and '"sources": 0' in stats.stdout


class _Recording(dict[str, str]):
    """An environment that remembers which variables were looked up."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        self.asked.add(key)
        return super().get(key, default)


def test_the_readme_table_lists_exactly_the_variables_read() -> None:
    from newsloom.config import Config

    environment = _Recording()
    Config.from_environ(environment)
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("### Configuration"):readme.index("### Scale-out")]
    documented = set(re.findall(r"`((?:NEWSLOOM_|DATABASE_|REDIS_)[A-Z_]+)", table))
    assert documented == environment.asked

"""A data folder that cannot take writes (read-only mount, full disk): `newsloom serve`
keeps serving every page, and a change a reader asks for gets a clear 503 page and one log
line, never a traceback. Read-only is made with a read-only bind mount when running as root
(root ignores permission bits) and with permissions otherwise; the full disk needs a small
tmpfs, so root."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.serve_process import data_env, serving

TITLE = "Harbour bridge opens after four years"
PAGES = ["/", "/a/1/", "/search?q=harbour", "/feeds/rss/", "/sources/", "/accounts/login/"]


def _fill(folder: Path) -> None:
    """A data folder with its database, queue, key and one article, made by the CLI."""
    rows = folder / "rows.jsonl"
    rows.write_text(json.dumps({"url": "https://a.example/1", "title": TITLE, "language": "en",
                                "text": "The harbour bridge opened on Monday. " * 20,
                                "source": "Paper A"}) + "\n")
    for command in (["migrate", "-v", "0"], ["import-jsonl", str(rows), "--no-enrich"]):
        subprocess.run([sys.executable, "-m", "newsloom.cli", *command], env=data_env(folder),
                       check=True, capture_output=True)
    rows.unlink()


def _mount(*args: str) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    if result.returncode:
        pytest.skip(f"cannot mount here: {result.stderr.strip()}")


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    if os.geteuid() == 0:
        _mount("--bind", str(folder), str(folder))
        try:
            _mount("-o", "remount,bind,ro", str(folder))
            yield
        finally:
            subprocess.run(["umount", str(folder)], check=True)
        return
    modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
    for path in modes:
        path.chmod(modes[path] & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def _sign_up(base: str, name: str = "newreader",
             jar: CookieJar | None = None) -> tuple[int, str]:
    """Sign up as a reader would: the form first (for its CSRF cookie), then the post."""
    jar = CookieJar() if jar is None else jar
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base + "/accounts/signup/", timeout=30).read()
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": name,
                                   "password1": "S3cure-pass-99",
                                   "password2": "S3cure-pass-99"}).encode()
    try:
        with opener.open(base + "/accounts/signup/", data=data, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _assert_pages_served(base: str) -> None:
    for path in PAGES:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            assert response.status == 200, path
            if path in ("/", "/a/1/", "/search?q=harbour"):
                assert TITLE in response.read().decode(), path


def test_pages_are_served_from_a_read_only_data_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    _fill(folder)
    log = tmp_path / "serve.log"
    reader = CookieJar()
    with serving(folder, tmp_path / "writable.log") as portal:
        assert _sign_up(portal.base, "regular", reader)[0] == 200  # signed up and in, then...
    with _read_only(folder), serving(folder, log) as portal:
        base = portal.base
        _assert_pages_served(base)
        signed_in = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(reader))
        with signed_in.open(base + "/a/1/", timeout=30) as response:
            page = response.read().decode()  # a signed-in reader's page writes history
            assert response.status == 200 and TITLE in page and "Sign out" in page
        status, page = _sign_up(base)
        assert status == 503 and "read-only" in page
    output = log.read_text()
    assert "Traceback" not in output
    assert re.search(r"cannot write to the data folder \(read-only\)", output)


def test_a_full_disk_refuses_changes_clearly_and_keeps_serving(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("a full disk is made with a small tmpfs, which needs root")
    source = tmp_path / "data"
    source.mkdir()
    _fill(source)
    disk = tmp_path / "disk"
    disk.mkdir()
    _mount("-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk))
    try:
        folder = disk / "data"
        shutil.copytree(source, folder)
        with serving(folder, tmp_path / "serve.log") as portal:
            base = portal.base
            with urllib.request.urlopen(base + "/", timeout=30):
                pass  # started, queue and WAL files made: now the disk fills up
            with contextlib.suppress(OSError), (disk / "filler").open("wb") as filler:
                while True:
                    filler.write(b"\0" * 65536)
            # pages are read while SQLite still has its WAL index; once every connection
            # has closed it must write that file to open the database: a clear 503 then
            for path in PAGES:
                status, page = _get(base + path)
                assert status == 200 or (status == 503 and "disk is full" in page), path
            status, page = _sign_up(base)
            assert status == 503 and "disk is full" in page
        output = (tmp_path / "serve.log").read_text()
        assert "Traceback" not in output and "(full)" in output
    finally:
        subprocess.run(["umount", str(disk)], check=True)

"""The `newsloom` command line as users run it: real subprocesses, exit codes, messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsloom.demo.server import DemoServer, data_path, render_template
from newsloom.news.models import Article, Source
from tests.conftest import subprocess_env

pytestmark = [pytest.mark.ingest, pytest.mark.django_db(transaction=True)]


def newsloom(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsloom.cli", *args], env=subprocess_env(),
                          capture_output=True, text=True, timeout=120, input=stdin)


def test_extract_prints_one_json_line_per_file(tmp_path: Path) -> None:
    pages = []
    for name in ("scmp-hk-zhejiang-tech-firms.html", "tc-observatory-heat.html"):
        page = tmp_path / name
        page.write_text(render_template((data_path() / "pages" / name).read_text(),
                                        "http://127.0.0.1:1"))
        pages.append(str(page))
    result = newsloom("extract", *pages, "--url", "https://www.scmp.com/x", "--json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in records] == pages
    assert records[0]["title"].startswith("Hong Kong urged")
    assert records[0]["author"] == "Denise Tsang" and records[0]["language"] == "en"
    assert records[0]["date"] and "Advertisement" not in records[0]["text"]
    assert records[1]["language"] == "zh" and "天文台" in records[1]["text"]


def test_bad_input_gives_clear_errors_and_nonzero_exit(tmp_path: Path) -> None:
    missing = newsloom("extract", str(tmp_path / "nope.html"), "--json")
    assert missing.returncode != 0 and "no such file" in missing.stderr
    bad_url = newsloom("add-source", "not-a-url")
    assert bad_url.returncode != 0 and "not an http(s) URL" in bad_url.stderr
    private = subprocess.run(
        [sys.executable, "-m", "newsloom.cli", "add-source", "http://127.0.0.1:9/feed"],
        env=subprocess_env(NEWSLOOM_FETCH_ALLOW=""), capture_output=True, text=True, timeout=60)
    assert private.returncode != 0 and "non-public address" in private.stderr
    (tmp_path / "bad.opml").write_text("<opml><body><outline")
    opml = newsloom("import-opml", str(tmp_path / "bad.opml"))
    assert opml.returncode != 0 and "invalid OPML" in opml.stderr
    jsonl = newsloom("import-jsonl", "-", stdin="{broken\n")
    assert jsonl.returncode != 0 and "line 1" in jsonl.stderr


def test_opml_round_trip_and_source_management(tmp_path: Path) -> None:
    result = newsloom("import-opml", "--defaults")
    assert result.returncode == 0 and "imported" in result.stdout
    count = Source.objects.count()
    assert count >= 10 and Source.objects.filter(language="zh").exists()
    exported = newsloom("export-opml", "-o", str(tmp_path / "out.opml"))
    assert exported.returncode == 0
    Source.objects.all().delete()
    again = newsloom("import-opml", str(tmp_path / "out.opml"))
    assert again.returncode == 0 and Source.objects.count() == count
    assert Source.objects.filter(region="hk", category="Hong Kong").exists()
    first = Source.objects.order_by("pk").first()
    assert newsloom("sources", "pause", str(first.pk)).returncode == 0
    first.refresh_from_db()
    assert first.paused
    listing = newsloom("sources", "list")
    assert "paused" in listing.stdout and first.feed_url in listing.stdout
    assert newsloom("sources", "delete", str(first.pk)).returncode == 0
    assert Source.objects.count() == count - 1
    assert newsloom("sources", "delete", "999999").returncode != 0


def test_refresh_all_wait_then_stats() -> None:
    server = DemoServer(port=0).start()
    try:
        from newsloom.news.sources import import_opml

        import_opml(server.opml())
        result = newsloom("refresh", "--all", "--wait")
        assert result.returncode == 0, result.stderr
        assert "4 source(s) refreshed, 0 failed, 11 new article(s)" in result.stdout
    finally:
        server.stop()
    assert not Article.objects.filter(status=Article.Status.PENDING).exists()
    stats = json.loads(newsloom("stats", "--json").stdout)
    assert stats["sources"] == 4 and stats["articles"] == 11 and stats["errors"] == 0
    assert {"sources", "articles", "stories", "errors"} <= stats.keys()

"""Feed parsing against the real fixtures in ../shared/corpora/feeds (expected outputs where
they exist), encodings without declarations, XML bombs, JSON Feed, OPML and discovery."""

from __future__ import annotations

import json
import re
import tarfile
from html import unescape

import pytest

from newsloom.feeds.discover import discover_feeds
from newsloom.feeds.encoding import decode_document
from newsloom.feeds.model import FeedParseError
from newsloom.feeds.opml import OpmlError, OpmlFeed, export_opml, parse_opml
from newsloom.feeds.parse import parse_feed
from tests.conftest import corpus

RSS_PARSER_CASES = ["guardian.rss", "heise.atom", "heraldsun.rss", "uolNoticias.rss",
                    "feedburner.atom", "reddit.rss", "content-encoded.rss", "encoding.rss",
                    "craigslist.rss", "many-links.rss", "instant-article.rss"]


@pytest.mark.parametrize("name", RSS_PARSER_CASES)
def test_matches_rss_parser_expected_titles_and_links(name: str) -> None:
    folder = corpus("feeds", "rss-parser-js")
    output = folder / "output" / (name.rsplit(".", 1)[0] + ".json")
    expected = json.loads(output.read_bytes().decode("utf-8", "replace"))["feed"]
    feed = parse_feed((folder / "input" / name).read_bytes(), "https://example.com/feed")
    want = [(unescape(i.get("title", "")).strip(), i.get("link", "")) for i in expected["items"]]
    got = [(unescape(e.title).strip(), e.url) for e in feed.entries]
    if "\ufffd" in "".join(t for t, _ in want):  # rss-parser itself mis-decoded this feed
        want = [(t.replace("\ufffd", ""), u) for t, u in want]
        got = [("".join(c for c in t if ord(c) < 128), u) for t, u in got]
    assert len(got) == len(want)
    assert [t for t, _ in got] == [t for t, _ in want]
    assert [u for _, u in got if u] == [u for _, u in want if u]


def _feed_rs_cases() -> list[str]:
    try:
        folder = corpus("feeds", "feed-rs")
    except pytest.skip.Exception:
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.serde.json"))


@pytest.mark.parametrize("case", _feed_rs_cases() or ["absent"])
def test_matches_feed_rs_expected_entries(case: str) -> None:
    folder = corpus("feeds", "feed-rs")
    expected = json.loads((folder / case).read_text())
    source = next(p for p in (folder / case).parent.iterdir()
                  if p.name.startswith(case.split("/")[-1].removesuffix(".serde.json") + ".")
                  and not p.name.endswith(".serde.json"))
    feed = parse_feed(source.read_bytes(), "https://example.com/feed/")
    entries = expected.get("entries", [])
    assert len(feed.entries) == len(entries)
    for got, want in zip(feed.entries, entries, strict=True):
        title = (want.get("title") or {}).get("content")
        if title and "<" not in title:
            assert " ".join(got.title.split()) == " ".join(title.split())
        if want.get("published"):
            assert (got.published or got.updated) is not None


CHARDET_EXPECTED = {"big5.xml": "big5", "eucjp.xml": "euc_jp", "euckr.xml": "euc_kr",
                    "gb2312.xml": "gb2312", "koi8r.xml": "koi8_r", "shiftjis.xml": "shift_jis",
                    "tis620.xml": "tis_620", "windows1255.xml": "cp1255"}


@pytest.mark.parametrize("name", sorted(CHARDET_EXPECTED))
def test_undeclared_legacy_encodings_are_detected(name: str) -> None:
    """feedparser's illformed/chardet cases: no declaration anywhere; the text we decode
    must equal the text in the encoding the case was written in."""
    archive = corpus("feeds", "feedparser-tests.tar.gz")
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("illformed/chardet/" + name))
        data = tar.extractfile(member).read()  # type: ignore[union-attr]
    text, _ = decode_document(data)
    assert text == data.decode(CHARDET_EXPECTED[name])
    feed = parse_feed(data, "https://example.com/feed")
    expected = re.search(r"<(title|description)>(.*?)</\1>", text, re.S)
    assert expected is not None
    found = [feed.title] + [x for e in feed.entries for x in (e.title, e.summary)]
    assert any(expected.group(2).strip()[:20] in value for value in found)


def test_big5_feed_without_declaration() -> None:
    xml = ('<?xml version="1.0"?><rss version="2.0"><channel><title>香港電台新聞</title>'
           '<item><title>天文台發出酷熱天氣警告</title><link>https://example.hk/1</link></item>'
           '</channel></rss>').encode("big5")
    feed = parse_feed(xml, "https://example.hk/rss")
    assert feed.title == "香港電台新聞"
    assert feed.entries[0].title == "天文台發出酷熱天氣警告"


def test_gb2312_declared_feed_with_gbk_characters() -> None:
    xml = ('<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel>'
           '<title>新闻</title><item><title>镕基访港</title><link>https://example.cn/1</link>'
           '</item></channel></rss>').encode("gb18030")
    assert parse_feed(xml).entries[0].title == "镕基访港"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title></channel></rss>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&xxe;</title><item><title>x</title></item></channel></rss>"""


@pytest.mark.parametrize("doc", [BILLION_LAUGHS, XXE])
def test_entity_declarations_are_refused(doc: bytes) -> None:
    with pytest.raises(FeedParseError, match="declares XML entities"):
        parse_feed(doc)


def test_rss091_public_doctype_is_accepted() -> None:
    doc = (b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS '
           b'0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91">'
           b'<channel><title>Old</title><item><title>A</title><link>https://e.com/a</link></item>'
           b'</channel></rss>')
    assert parse_feed(doc).entries[0].url == "https://e.com/a"


@pytest.mark.parametrize("body,reason", [
    (b"", "empty document"),
    (b"<html><body>Not a feed</body></html>", "HTML page"),
    (b"plain text, no markup at all", "not a feed"),
])
def test_non_feeds_give_readable_errors(body: bytes, reason: str) -> None:
    with pytest.raises(FeedParseError, match=reason):
        parse_feed(body)


def test_relative_urls_and_missing_dates() -> None:
    doc = (b'<rss version="2.0"><channel><title>t</title><link>https://news.example/</link>'
           b'<item><title>A</title><link>/2026/a.html</link></item></channel></rss>')
    entry = parse_feed(doc, "https://news.example/feeds/main.xml").entries[0]
    assert entry.url == "https://news.example/2026/a.html"
    assert entry.published is None


def test_json_feeds_from_netnewswire() -> None:
    folder = corpus("feeds", "netnewswire-rsparser")
    feed = parse_feed((folder / "DaringFireball.json").read_bytes(), "https://daringfireball.net/")
    assert feed.kind == "json" and feed.title == "Daring Fireball"
    assert len(feed.entries) > 10
    assert all(e.url.startswith("https://") for e in feed.entries)
    authors = parse_feed((folder / "authors.json").read_bytes())
    assert all(e.author for e in authors.entries)


def test_truncated_json_feed_is_refused() -> None:
    folder = corpus("feeds", "netnewswire-rsparser")
    with pytest.raises(FeedParseError, match="invalid JSON Feed"):
        parse_feed((folder / "allthis-partial.json").read_bytes())


def test_real_opml_and_round_trip() -> None:
    feeds = parse_opml(corpus("feeds", "netnewswire-rsparser", "Subs.opml").read_bytes())
    assert len(feeds) > 100 and feeds[0].feed_url.startswith("http")
    mine = [OpmlFeed("https://a.example/rss", "A", category="Hong Kong", region="hk",
                     language="zh", topics=["local", "politics"]),
            OpmlFeed("https://b.example/atom", "B")]
    again = parse_opml(export_opml(mine))
    assert again == mine


def test_opml_errors_are_readable() -> None:
    with pytest.raises(OpmlError, match="invalid OPML"):
        parse_opml(b"<html/>")
    with pytest.raises(OpmlError, match="invalid OPML"):
        parse_opml(BILLION_LAUGHS.replace(b"rss", b"opml"))


def test_feed_autodiscovery_on_real_pages() -> None:
    folder = corpus("feeds", "netnewswire-rsparser")
    found = discover_feeds((folder / "DaringFireball.html").read_bytes(), "https://daringfireball.net/")
    assert found[0].url == "https://daringfireball.net/feeds/main"
    six = discover_feeds((folder / "sixcolors.html").read_bytes(), "https://sixcolors.com/")
    assert [f.url for f in six][:1] == ["http://feedpress.me/sixcolors"]

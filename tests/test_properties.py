"""Property-based tests (hypothesis, bounded examples) of everything that reads hostile
input: the feed parser, the boilerplate cleaner, the sanitizer, the URL canonicaliser and
the comments' markdown-lite renderer. Each must either answer or raise its own documented
error, never leak unsafe characters, and the sanitizer's output (also through the
renderer) never carries a script, an event handler or a javascript: URL."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlsplit

import lxml.html
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsloom.articles.chars import strip_unsafe_chars
from newsloom.articles.clean import clean_html, clean_text
from newsloom.articles.fragment import parse_fragment
from newsloom.articles.sanitize import html_to_text, sanitize_html
from newsloom.articles.urls import InvalidURLError, canonicalize_url, is_tracking_param
from newsloom.feeds.model import FeedParseError
from newsloom.feeds.parse import parse_feed
from newsloom.web.markdown_lite import render

BOUNDED = settings(max_examples=150, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow])
_URL_ATTRIBUTES = {"href", "src", "srcset", "cite", "action", "formaction", "xlink:href",
                   "poster", "background"}
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

# Text with everything hostile input carries: markup characters, controls, surrogates.
hostile_text = st.text(
    alphabet=st.one_of(st.characters(), st.sampled_from(list("<>&\"'=/;:#!-[]\x0b\x00\ud800"))),
    max_size=80)
tags = st.sampled_from(["p", "a", "img", "script", "style", "iframe", "svg", "math", "div",
                        "b", "html", "body", "head", "object", "form", "table", "td", "!--"])
attrs = st.sampled_from(["href", "src", "onerror", "onclick", "style", "srcset", "xlink:href",
                         "formaction", "title", "alt", "data-x"])
urls_in_attrs = st.sampled_from([
    "javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,x",
    "vbscript:x", "&#106;avascript:alert(1)", "/relative", "https://ok.example/", "#x", ""])


@st.composite
def html_soup(draw: st.DrawFn, depth: int = 0) -> str:
    """Random, often broken, HTML built from the elements attacks are made of."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 3 if depth < 3 else 1))
        if kind == 0:
            parts.append(draw(hostile_text))
        elif kind == 1:
            tag = draw(tags)
            attributes = " ".join(f'{draw(attrs)}="{draw(urls_in_attrs)}"'
                                  for _ in range(draw(st.integers(0, 3))))
            parts.append(f"<{tag} {attributes}>")
        else:
            tag = draw(tags)
            inner = draw(html_soup(depth + 1))
            closing = f"</{tag}>" if draw(st.booleans()) else ""
            parts.append(f"<{tag}>{inner}{closing}")
    return "".join(parts)


def assert_safe_markup(html: str) -> None:
    """No script, no event handler, no script-capable URL in what we would serve."""
    assert not _UNSAFE.search(html)
    root = parse_fragment(html)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in {"script", "style", "iframe", "object", "embed", "svg",
                                   "math", "form"}, html
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), html
            if name.lower() not in _URL_ATTRIBUTES:
                continue
            squeezed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            assert not squeezed.startswith(("javascript:", "vbscript:", "data:")), html


@BOUNDED
@given(html_soup(), st.sampled_from(["", "https://news.example/a/b.html"]))
def test_sanitizer_output_is_always_safe(html: str, base: str) -> None:
    assert_safe_markup(sanitize_html(html, base))


@BOUNDED
@given(hostile_text)
def test_markdown_lite_renders_anything_safely(text: str) -> None:
    html = render(text)
    assert_safe_markup(html)
    for word in re.findall(r"\w+", text)[:5]:  # escaped user text is still there as text
        assert word in lxml.html.fromstring(f"<div>{html}</div>").text_content() or (
            not strip_unsafe_chars(word))


@BOUNDED
@given(html_soup(), hostile_text)
@example("\x0c", "")  # blank to str.strip(), once returned as it was
def test_cleaner_never_fails_and_keeps_characters_safe(html: str, title: str) -> None:
    cleaned = clean_html(html, title)
    assert not _UNSAFE.search(cleaned)
    text = html_to_text(cleaned)
    assert not _UNSAFE.search(text)
    assert not _UNSAFE.search(clean_text(strip_unsafe_chars(html), title))


url_parts = st.fixed_dictionaries({
    "scheme": st.sampled_from(["http", "https", "HTTP", "ftp", "javascript", ""]),
    "host": st.one_of(st.sampled_from(["Example.COM", "news.example.", "[::1]", "[::1",
                                       "127.0.0.1", "xn--fsq.example", ""]),
                  hostile_text.filter(lambda h: not set(h) & set("#?/\\@"))),
    "port": st.one_of(st.just(""), st.integers(-1, 100_000).map(lambda p: f":{p}")),
    "path": st.lists(st.sampled_from(["a", "", "b.html", "%2F", "..", "文章"]), max_size=4),
    "query": st.lists(st.tuples(st.sampled_from(["utm_source", "id", "cid", "from", "fbclid",
                                                  "share", "page", "gclid", "src"]),
                                st.sampled_from(["1", "1002", "rss", "", "a b"])), max_size=4),
    "fragment": st.sampled_from(["", "#top"]),
})


@BOUNDED
@given(url_parts)
def test_canonical_urls_are_stable_and_keep_article_parameters(parts: dict) -> None:
    query = "&".join(f"{k}={v}" for k, v in parts["query"])
    url = (f"{parts['scheme']}://{parts['host']}{parts['port']}/{'/'.join(parts['path'])}"
           f"{'?' + query if query else ''}{parts['fragment']}")
    try:
        canonical = canonicalize_url(url)
    except InvalidURLError:
        return
    if not canonical.startswith(("http://", "https://")) or not urlsplit(canonical).hostname:
        return  # not a web URL: handed back as it came
    assert canonicalize_url(canonical) == canonical
    split = urlsplit(canonical)
    kept = [k for k, _ in parse_qsl(split.query, keep_blank_values=True)]
    assert not any(is_tracking_param(k) for k in kept) and not split.fragment
    expected = [k for k, _ in parts["query"] if not is_tracking_param(k)]
    assert kept == expected  # `id`, `cid`, `from`, `share`, `src` name the article


feed_text = hostile_text.map(lambda t: t.replace("]]>", ""))


@st.composite
def rss_documents(draw: st.DrawFn) -> bytes:
    items = []
    for _ in range(draw(st.integers(0, 4))):
        fields = {"title": draw(feed_text), "link": draw(st.one_of(feed_text, st.sampled_from(
            ["https://e.example/a", "http://e.example:99999/", "http://[::1/"]))),
            "description": draw(html_soup()), "pubDate": draw(feed_text),
            "guid": draw(feed_text)}
        body = "".join(f"<{k}><![CDATA[{v}]]></{k}>" if draw(st.booleans())
                       else f"<{k}>{v}</{k}>" for k, v in fields.items())
        items.append(f"<item>{body}</item>")
    head = '<?xml version="1.0" encoding="utf-8"?>' if draw(st.booleans()) else ""
    doc = f'{head}<rss version="2.0"><channel><title>{draw(feed_text)}</title>{"".join(items)}'
    return (doc + ("</channel></rss>" if draw(st.booleans()) else "")).encode(
        "utf-8", "surrogatepass")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "url", "title", "tags", "author", "authors", "name",
                         "content_html", "date_published", "image"]), children, max_size=4),
    max_leaves=12)


@st.composite
def json_feeds(draw: st.DrawFn) -> bytes:
    items = draw(st.lists(st.dictionaries(
        st.sampled_from(["id", "url", "title", "tags", "author", "authors", "content_html",
                         "content_text", "summary", "date_published", "date_modified",
                         "image", "external_url"]), json_values, max_size=6), max_size=4))
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": draw(json_values),
           "home_page_url": draw(json_values), "items": items}
    return json.dumps(doc).encode("utf-8", "surrogatepass")


def _check_feed(data: bytes) -> None:
    try:
        feed = parse_feed(data, "https://e.example/feed")
    except FeedParseError:
        return
    for entry in feed.entries:
        for value in (entry.guid, entry.url, entry.title, entry.summary, entry.content,
                      entry.author, entry.image, *entry.categories):
            assert isinstance(value, str) and not _UNSAFE.search(value)


@BOUNDED
@given(rss_documents())
def test_rss_parser_answers_or_says_why(data: bytes) -> None:
    _check_feed(data)


@BOUNDED
@given(json_feeds())
def test_json_feed_parser_answers_or_says_why(data: bytes) -> None:
    _check_feed(data)


@BOUNDED
@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_a_feed_or_a_readable_error(data: bytes) -> None:
    _check_feed(data)


@BOUNDED
@given(st.lists(st.one_of(st.text(alphabet=st.characters(blacklist_characters="<>&"),
                                  max_size=20),
                          st.sampled_from(["<p>", "</p>", "</div>", "<html>", "</body>",
                                           "<!-- c -->", "<b>", "</html>"])), max_size=8))
def test_fragment_parser_keeps_every_piece_of_text(pieces: list[str]) -> None:
    """Markup that closes the parser's own wrapper early must not cost the text after it."""
    html = "".join(pieces)
    words = strip_unsafe_chars("".join(p for p in pieces if not p.startswith("<"))).split()
    assert parse_fragment(html).text_content().split() == words

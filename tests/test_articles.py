"""Extraction, boilerplate cleaning, sanitizing, canonical URLs, counts and fingerprints."""

from __future__ import annotations

import gzip

import pytest

from newsloom.articles.clean import clean_html, clean_text
from newsloom.articles.extract import extract_article
from newsloom.articles.fingerprint import content_fingerprint
from newsloom.articles.sanitize import sanitize_html
from newsloom.articles.textstats import reading_minutes, script_language, word_count
from newsloom.articles.urls import canonicalize_url
from newsloom.demo.server import data_path, render_template
from tests.conftest import CORPORA, corpus

SEED = CORPORA.parent / "seed" / "daily8-article-page.txt"
TITLE = "Hong Kong urged to act fast for Zhejiang tech firms amid US-China trade war"


def test_seed_boilerplate_is_removed_from_text() -> None:
    if not SEED.exists():
        pytest.skip(f"seed page not available: {SEED}")
    lines = SEED.read_text().split("\n")
    body = "\n".join(lines[1:13])  # headline twice, body with Advertisement lines
    cleaned = clean_text(body, TITLE)
    assert "Advertisement" not in cleaned
    assert not cleaned.startswith(TITLE)
    assert cleaned.startswith("Hong Kong must act 'fast and be agile'")
    assert "986.7 billion yuan" in cleaned


def test_inline_advertisement_between_sentences_is_removed() -> None:
    text = "It would end the war. Advertisement 'We were able to win,' he said."
    assert clean_text(text) == "It would end the war. 'We were able to win,' he said."


def test_related_and_app_blocks_at_the_end_are_cut_but_not_early_ones() -> None:
    blocks = ["Read more", "First paragraph of the story.", "Second paragraph.",
              "Third paragraph.", "Related Articles", "Another story headline",
              "DOWNLOAD THE APP"]
    assert clean_text("\n".join(blocks)).split("\n") == blocks[:4]


def test_chinese_boilerplate() -> None:
    text = "香港今日天氣晴朗。\n廣告\n天文台預測明日氣溫上升。\n相關文章\n其他新聞標題"
    assert clean_text(text) == "香港今日天氣晴朗。\n天文台預測明日氣溫上升。"


def test_html_cleaning_drops_the_same_blocks() -> None:
    html = (f"<div><p>{TITLE}</p><p>Body one.</p><div><p>Advertisement</p></div>"
            "<p>Body two.</p></div>")
    assert clean_html(html, TITLE) == "<div><p>Body one.</p><p>Body two.</p></div>"


def test_demo_page_extraction_end_to_end() -> None:
    raw = render_template((data_path() / "pages" / "scmp-hk-zhejiang-tech-firms.html")
                          .read_text(), "http://127.0.0.1:1")
    page = extract_article(raw.encode(), "http://127.0.0.1:1/pages/x.html")
    assert page is not None
    assert page.title == TITLE
    assert page.author == "Denise Tsang"
    assert page.site_name == "South China Morning Post"
    assert page.language == "en"
    assert page.text.startswith("Hong Kong must act")
    for junk in ("Advertisement", "Related Articles", "Download", "Privacy", "trackPageView"):
        assert junk not in page.text and junk not in page.html


XSS = [
    '<p>ok</p><script>alert(1)</script>',
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(1)"><circle/></svg>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<form action="https://evil.example"><input name=a></form>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
]


@pytest.mark.parametrize("payload", XSS)
def test_sanitizer_removes_active_content(payload: str) -> None:
    clean = sanitize_html(payload, "https://news.example/a").lower()
    for bad in ("<script", "onerror", "onload", "javascript:", "<iframe", "<form", "style=",
                "data:text"):
        assert bad not in clean


def test_sanitizer_keeps_links_and_images_absolute_with_noopener() -> None:
    clean = sanitize_html('<p><a href="/x">x</a><img src="img/a.jpg" alt="A"></p>',
                          "https://news.example/2026/story.html")
    assert 'href="https://news.example/x"' in clean
    assert 'rel="noopener noreferrer nofollow"' in clean
    assert 'src="https://news.example/2026/img/a.jpg"' in clean and 'alt="A"' in clean


@pytest.mark.parametrize("raw,canonical", [
    ("HTTPS://News.Example.COM:443/a/b.html?utm_source=rss&utm_medium=x&id=5#comments",
     "https://news.example.com/a/b.html?id=5"),
    ("http://example.com:80//x//y?fbclid=abc&gclid=1", "http://example.com/x/y"),
    ("https://example.com/p?page=2&ref_src=twsrc", "https://example.com/p?page=2"),
    ("https://example.com", "https://example.com/"),
])
def test_canonical_urls(raw: str, canonical: str) -> None:
    assert canonicalize_url(raw) == canonical


def test_counts_and_reading_time_for_english_and_chinese() -> None:
    assert word_count("Hong Kong urged to act fast") == 6
    assert word_count("香港電台新聞 RTHK") == 7
    assert reading_minutes("word " * 460) == 2
    assert reading_minutes("字" * 800) == 2
    assert script_language("香港特區政府今日宣布新措施，以支援本地科技企業發展。") == "zh"
    assert script_language("Plain English text") == ""


def test_fingerprint_matches_copies_not_different_stories() -> None:
    body = " ".join(f"word{i}" for i in range(400))
    assert content_fingerprint(body) == content_fingerprint("  " + body.upper() + "\nCredit: X")
    assert content_fingerprint(body) != content_fingerprint("other " + body)
    assert content_fingerprint("too short") == ""


def test_extraction_beats_full_page_text_on_zyte_sample() -> None:
    """Sanity on real pages: our text keeps most of the ground truth and little else."""
    import json
    import re
    folder = corpus("zyte-article-extraction-benchmark")
    truth = json.loads(gzip.decompress((folder / "ground-truth.json.gz").read_bytes()))
    scores = []
    for key in sorted(truth)[:15]:
        page = extract_article(gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()),
                               truth[key]["url"])
        want = set(re.findall(r"\w+", truth[key]["articleBody"].lower()))
        got = set(re.findall(r"\w+", page.text.lower())) if page else set()
        scores.append(len(want & got) / max(1, len(want | got)))
    assert sum(scores) / len(scores) > 0.8

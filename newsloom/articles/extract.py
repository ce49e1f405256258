"""Main-text and metadata extraction from an article page with trafilatura, followed by our
boilerplate cleaning and sanitizing. Pure: bytes in, an `Extracted` record out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from html import escape as html_escape

import trafilatura
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import build_html_output
from trafilatura.settings import Document
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from newsloom.articles.chars import strip_unsafe_chars
from newsloom.articles.clean import clean_html, clean_text
from newsloom.articles.headmeta import head_meta
from newsloom.articles.language import text_language
from newsloom.articles.pagedate import metadata_date
from newsloom.articles.sanitize import sanitize_html

_HTML_LANG = re.compile(rb"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2,4}))?",
                        re.IGNORECASE)
# trafilatura always runs htmldate; its fast mode keeps that cheap. Its answer is not used
# (it also reads dates out of the body text): newsloom.articles.pagedate decides.
_FAST_DATE_SEARCH = {"extensive_search": False, "original_date": True}


@dataclass
class Extracted:
    """What the extractor found on a page. Empty strings mean "not found"."""

    title: str
    author: str
    date: datetime | None
    image: str
    site_name: str
    language: str
    text: str
    html: str
    canonical_url: str
    description: str


def _declared_language(raw: bytes) -> str:
    """The primary subtag of the page's <html lang>, or ''."""
    match = _HTML_LANG.search(raw[:20000])
    return match.group(1).decode("ascii").lower() if match else ""


# Without page metadata, the body is first extracted without trafilatura's fallback
# extractors (readability, jusText), which ran on every page for about a third of
# extraction's CPU; a page where that finds under FALLBACK_BELOW characters is extracted
# again with them. The limit was chosen on trafilatura's evaluation pages (the largest
# set: 200 loses 0.5 points of F1, 500 loses 0.2, 1,000 none) and then measured on the
# Zyte and Readability pages it was not chosen on (docs/benchmarks.md).
FALLBACK_BELOW = 1000


def extract_body(raw: bytes | str | HtmlElement, url: str = "",
                 with_metadata: bool = True) -> Document | None:
    """Run trafilatura, with metadata when asked (the single expensive step; then in one
    full pass, as the metadata's own date search depends on it), else the body alone in a
    fast pass and, when that finds little, a full one (FALLBACK_BELOW). Inline images and
    links are left out on purpose: include_images cost 1.2 points of segment F1 on
    trafilatura's evaluation set and include_links 5.5 points of Zyte F1 (link-dense and
    caption blocks survive), measured in docs/benchmarks.md. The lead image comes from the
    page's metadata instead."""
    if not with_metadata:
        quick = _bare(raw, url, with_metadata=False, fast=True)
        if quick is not None and len(quick.text or "") >= FALLBACK_BELOW:
            return quick
    return _bare(raw, url, with_metadata=with_metadata, fast=False)


def _bare(raw: bytes | str | HtmlElement, url: str, with_metadata: bool,
          fast: bool) -> Document | None:
    """One trafilatura pass (it copies a tree it is given, so a second pass starts from
    the same page)."""
    result = trafilatura.bare_extraction(
        raw,
        url=url or None,
        fast=fast,
        with_metadata=with_metadata,
        include_comments=False,
        date_extraction_params=_FAST_DATE_SEARCH,
    )
    return result if isinstance(result, Document) else None


def extract_article(raw: bytes | str, url: str = "", want_date: bool = True,
                    feed_title: str = "") -> Extracted | None:
    """Extract, clean and sanitize an article page. None when no main text was found.
    `want_date=False` skips the page's date (the feed already gave one, and it wins). With
    the feed's title known, trafilatura's metadata step is skipped and the page's head tags
    give the rest (see newsloom.articles.headmeta)."""
    if isinstance(raw, str):
        raw = strip_unsafe_chars(raw)
    tree = load_html(raw)
    if tree is None:
        return None
    date = metadata_date(tree, url) if want_date else None  # (before trafilatura prunes it)
    head = head_meta(tree) if feed_title else None
    document = extract_body(tree, url, with_metadata=head is None)
    if document is None or document.body is None:
        return None
    if head is not None:
        document.title, document.author, document.image = head.title, head.author, head.image
        document.sitename, document.description = head.site_name, head.description
        document.url = head.canonical_url
    title = (document.title or "").strip()
    cleaning_title = feed_title.strip() or title
    text = clean_text(xmltotxt(document.body, include_formatting=False), cleaning_title)
    if not text.strip():
        return None
    image = (document.image or "").strip()
    body_html = clean_html(build_html_output(document), cleaning_title)  # (mutates the body)
    if image:
        alt = html_escape(title, quote=True)
        body_html = f'<figure><img src="{html_escape(image, quote=True)}" alt="{alt}"></figure>' + (
            body_html)
    html = sanitize_html(body_html, url)
    raw_bytes = raw.encode("utf-8", "replace") if isinstance(raw, str) else raw
    return Extracted(
        title=strip_unsafe_chars(title),
        author=strip_unsafe_chars((document.author or "").strip()),
        date=date,
        image=image,
        site_name=strip_unsafe_chars((document.sitename or "").strip()),
        language=text_language(text, _declared_language(raw_bytes)),
        text=strip_unsafe_chars(text),
        html=html,
        canonical_url=strip_unsafe_chars((document.url or "").strip()),
        description=strip_unsafe_chars((document.description or "").strip()),
    )

"""Allowlist HTML sanitizing with nh3 for everything we store or show.

Article pages and feed content are hostile input: scripts, event handlers, javascript: and
data: URLs, forms and iframes all go; text structure, links and images stay. Links get
rel=noopener noreferrer nofollow and relative URLs become absolute first so they still work.
"""

from __future__ import annotations

import nh3

from newsloom.articles.chars import safe_markup
from newsloom.articles.fragment import inner_html, parse_fragment

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def absolutize(html: str, base_url: str) -> str:
    """Rewrite relative href/src attributes against `base_url`. Escaped text stays escaped
    (`&lt;a href=...&gt;` in a feed is text about a tag, never a live link)."""
    if not base_url or not html.strip():
        return html
    fragment = parse_fragment(html)
    fragment.make_links_absolute(base_url, resolve_base_href=False, handle_failures="discard")
    return inner_html(fragment)


def sanitize_html(html: str, base_url: str = "") -> str:
    """Return safe HTML: allowlisted tags and attributes, safe URL schemes, noopener links."""
    if not html:
        return ""
    return nh3.clean(
        absolutize(safe_markup(html), base_url),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment, one block per line (for feed-only articles)."""
    if not html.strip():
        return ""
    fragment = parse_fragment(html)
    for br in fragment.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre"}
    for el in fragment.iter(*blocks):
        el.tail = "\n" + (el.tail or "")
    text = fragment.text_content()
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)

"""Site-agnostic boilerplate that survives extraction.

Extractors keep what looks like article text; some of it is not: "Advertisement" markers
left between paragraphs, the headline repeated as the first line of the body, "Related
articles" blocks and app-download promos at the end (the seed page shows all of them). The
same decisions apply to the plain text (one block per line) and to the HTML (one block per
top-level element), so both stay consistent.
"""

from __future__ import annotations

import re
import unicodedata

from newsloom.articles.fragment import inner_html, parse_fragment

_MARKERS = {
    "advertisement", "advertisements", "advertising", "ad", "ads", "sponsored",
    "sponsored content", "scroll to continue with content", "scroll to continue",
    "continue reading", "continue reading below", "story continues below",
    "story continues below advertisement", "article continues below advertisement",
    "article continues below", "skip advertisement", "advertisement - scroll to continue",
    "advertisement continue reading below", "advertisement: story continues below",
    "广告", "廣告", "推广", "推廣", "赞助内容", "贊助內容",
}
_PROMO = re.compile(
    r"(download (the|our) [\w\s-]{0,20}app|get (it|the app) on (the )?(app store|google play)"
    r"|available on the app store|get started now|download .{0,30} app today"
    r"|sign up for (our|the) [\w\s-]{0,30}newsletter|subscribe to (our|the) [\w\s-]{0,30}newsletter"
    r"|share this (article|story)|follow us on (facebook|twitter|x|instagram|whatsapp|telegram)"
    r"|下载.{0,12}(客户端|app|应用)|下載.{0,12}(客戶端|app|應用程式)|扫码.{0,10}关注|掃碼.{0,10}關注)",
    re.IGNORECASE,
)
_PROMO_MAX_CHARS = 220
_TAIL_HEADINGS = {
    "related articles", "related stories", "related", "related content", "related news",
    "read more", "more on this story", "more stories", "more from", "you may also like",
    "recommended", "recommended stories", "most read", "most popular", "trending",
    "相关文章", "相關文章", "延伸阅读", "延伸閱讀", "相关阅读", "相關閱讀", "推荐阅读", "推薦閱讀",
    "相关新闻", "相關新聞", "热门文章", "熱門文章",
}
_INLINE_MARKER = re.compile(r"(?<=[.!?\"'”’。！？])\s+Advertisement\s+(?=[\"'“‘A-Z])")
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return _PUNCT.sub(" ", text).strip()


_MARKER_KEYS = frozenset(_norm(m) for m in _MARKERS)
_TAIL_KEYS = frozenset(_norm(h) for h in _TAIL_HEADINGS)


def is_marker(text: str) -> bool:
    """A block that is only an ad or navigation marker ("Advertisement", "广告", ...)."""
    return _norm(text) in _MARKER_KEYS


def is_promo(text: str) -> bool:
    """A short block that advertises an app, a newsletter or sharing, not news."""
    stripped = text.strip()
    return len(stripped) <= _PROMO_MAX_CHARS and bool(_PROMO.search(stripped))


def is_tail_heading(text: str) -> bool:
    """A heading that starts a "related articles" style block."""
    return _norm(text) in _TAIL_KEYS


def repeats_title(text: str, title: str) -> bool:
    """True when a block is the headline again (exact, ignoring case and punctuation)."""
    return bool(title) and _norm(text) == _norm(title)


def keep_mask(blocks: list[str], title: str = "") -> list[bool]:
    """Which blocks to keep. Tail blocks are cut only in the second half of the body, so a
    "Read more" sentence early in a story never truncates it."""
    keep = [True] * len(blocks)
    # the headline repeated at the top (possibly more than once)
    index = 0
    while index < len(blocks) and (
        not blocks[index].strip() or repeats_title(blocks[index], title)
    ):
        keep[index] = False
        index += 1
    half = len(blocks) // 2
    for i, block in enumerate(blocks):
        if not keep[i]:
            continue
        if is_marker(block) or is_promo(block):
            keep[i] = False
        elif i >= max(1, half) and is_tail_heading(block):
            for j in range(i, len(blocks)):
                keep[j] = False
            break
    return keep


def strip_inline_markers(text: str) -> str:
    """Remove "Advertisement" markers that extraction glued between two sentences."""
    return _INLINE_MARKER.sub(" ", text)


def clean_text(text: str, title: str = "") -> str:
    """Clean plain text whose lines are blocks."""
    lines = text.split("\n")
    mask = keep_mask(lines, title)
    kept = (strip_inline_markers(line) for line, keep in zip(lines, mask, strict=True) if keep)
    return "\n".join(line for line in kept if line.strip())


def clean_html(html: str, title: str = "") -> str:
    """Clean an HTML fragment block by block (its top-level elements)."""
    if not html.strip():
        return ""  # blank: nothing to keep (and not its form feeds or vertical tabs)
    root = parse_fragment(html)
    # descend through single wrapper elements to reach the list of blocks
    container = root
    while len(container) == 1 and container[0].tag in ("div", "body", "article", "main", "section"):
        container = container[0]
    children = list(container)
    texts = [child.text_content() for child in children]
    for child, keep in zip(children, keep_mask(texts, title), strict=True):
        if not keep:
            container.remove(child)
        else:
            for el in child.iter():
                if el.text:
                    el.text = strip_inline_markers(el.text)
                if el.tail:
                    el.tail = strip_inline_markers(el.tail)
    return inner_html(root)

"""Optional ad slots between paragraphs (off by default). A slot goes only between two
top-level blocks of the sanitized body, so it can never land inside a sentence."""

from __future__ import annotations

from html import escape as html_escape

import lxml.html
from django.utils.safestring import SafeString, mark_safe


def with_ad_slots(body_html: str, snippet: str, every: int) -> SafeString:
    """The body with `snippet` after every `every` paragraphs (never after the last)."""
    if not snippet or every < 1 or not body_html.strip():
        return mark_safe(body_html)
    root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    blocks = list(root)
    out: list[str] = [html_escape(root.text or "", quote=False)]  # lxml unescaped it
    paragraphs = 0
    for index, block in enumerate(blocks):
        out.append(lxml.html.tostring(block, encoding="unicode"))
        if block.tag == "p":
            paragraphs += 1
            if paragraphs % every == 0 and index < len(blocks) - 1:
                out.append(f'<aside class="ad-slot" aria-label="Advertisement">{snippet}</aside>')
    return mark_safe("".join(out))

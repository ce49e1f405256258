"""Markdown-lite for comments: paragraphs, line breaks, **bold**, *italic*, `code`, and
bare http(s) links. Everything is escaped first and the result goes through the same nh3
sanitizer as articles, so no input can produce markup we did not write."""

from __future__ import annotations

import re
from html import escape

from newsloom.articles.sanitize import sanitize_html

_BOLD = re.compile(r"\*\*(\S(?:.*?\S)?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(\S(?:.*?\S)?)\*(?![*\w])")
_CODE = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"(?<![\"'=])\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def render(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    out = []
    for paragraph in paragraphs:
        html = escape(paragraph, quote=True)
        html = _CODE.sub(r"<code>\1</code>", html)
        html = _BOLD.sub(r"<strong>\1</strong>", html)
        html = _ITALIC.sub(r"<em>\1</em>", html)
        html = _LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', html)
        out.append("<p>" + html.replace("\n", "<br>") + "</p>")
    return sanitize_html("".join(out))

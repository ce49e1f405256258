"""One way to parse an HTML fragment, used by the cleaner, the sanitizer and the text
converter alike.

`lxml.html.fragment_fromstring` fails on ordinary feed content: a description that is a
whole empty document (`<html></html>`: an AssertionError), one that is only a comment
(`<!-- promo -->`: comment nodes where elements were expected), or one with control
characters (a ValueError). Each of those aborted a whole feed refresh. Here any string
parses: it becomes the children of a <div>, comments and processing instructions dropped.
"""

from __future__ import annotations

import re
from html import escape as html_escape

import lxml.etree
import lxml.html

from newsloom.articles.chars import safe_markup

_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True)
# Document-level tags mean nothing inside a fragment, and libxml2 drops whatever follows a
# stray </body> or </html>: they are removed before parsing, their content kept.
_DOCUMENT_TAGS = re.compile(r"</?(?:html|body|head)\b[^>]*>", re.IGNORECASE)


def parse_fragment(html: str) -> lxml.html.HtmlElement:
    """A <div> holding the fragment's content (an empty <div> when there is none)."""
    text = _DOCUMENT_TAGS.sub("", safe_markup(html))
    container = lxml.html.Element("div")
    if not text.strip():
        return container
    try:
        document = lxml.html.document_fromstring(f"<div>{text}</div>", parser=_PARSER)
    except lxml.etree.ParserError:  # nothing parseable at all
        return container
    body = document.find("body")
    parsed = body[0] if body is not None and len(body) and body[0].tag == "div" else None
    if parsed is None:
        container.text = document.text_content()
        return container
    # markup that closed our <div> early: what followed it comes back inside, in order
    if parsed.tail:
        _append_text(parsed, parsed.tail)
        parsed.tail = None
    if body is not None and len(body) > 1:
        for extra in list(body)[1:]:
            parsed.append(extra)
    return parsed


def _append_text(element: lxml.html.HtmlElement, text: str) -> None:
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def inner_html(element: lxml.html.HtmlElement) -> str:
    """The serialized content of `element` without the element itself. Its leading text is
    escaped again: lxml hands it back unescaped, and `&lt;a&gt;` must not become a tag."""
    inner = "".join(lxml.html.tostring(child, encoding="unicode") for child in element)
    return html_escape(element.text or "", quote=False) + inner

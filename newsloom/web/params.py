"""Reading request parameters defensively: every value in a URL or query string is hostile
input, and none may turn into an exception (and an HTTP 500) deeper down. Numbers are
bounded to what the database can store, text loses the characters no database or XML
document accepts, and a page number past anything listable is a 404."""

from __future__ import annotations

import re

from django.http import Http404

MAX_ID = 2**63 - 1  # a database integer key
MAX_PAGE = 10_000  # no listing is that deep; beyond it a page number is a 404
# C0/C1 controls except tab and newline, and lone surrogates: NUL ends strings in C, and
# neither PostgreSQL text nor XML 1.0 can hold them
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str | None, limit: int = 200) -> str:
    """Text from a form or URL with unstorable characters removed, stripped, cut to `limit`."""
    return _UNSAFE.sub("", value or "").strip()[:limit]


def optional_id(value: str | None) -> int | None:
    """A database id from a query string, or None for anything that is not one."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
        return int(value)
    return None


def page_number(value: str | None) -> int:
    """The 1-based page asked for: 1 when absent or unreadable, 404 past MAX_PAGE."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        return 1
    if int(value) > MAX_PAGE:
        raise Http404("no such page")
    return int(value)


class IdConverter:
    """`<id:...>` in URL patterns: digits that fit a database key, so /a/99999999999999999999/
    is a 404 rather than an integer overflow in the database driver."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)

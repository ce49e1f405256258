"""Characters that must never get past the input boundary.

Feeds and pages carry control characters and lone surrogates (`\\x0b`, `&#xD800;`, a JSON
"\\ud800"): XML parsers refuse them, UTF-8 encoders crash on them, and one stored title with
them made the site's own RSS and Atom feeds answer 500 for everyone. They carry no meaning,
so they are dropped where text enters: feed bytes before parsing, every parsed field, pages.
"""

from __future__ import annotations

import re

# Everything XML 1.0 forbids (C0 controls but tab, LF and CR; surrogates; U+FFFE/U+FFFF)
# plus DEL and the C1 controls, which only ever appear as mis-decoded bytes.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def strip_unsafe_chars(text: str) -> str:
    """`text` without control characters, lone surrogates and non-characters."""
    return _UNSAFE.sub("", text)


def _is_unsafe_code_point(value: int) -> bool:
    return value > 0x10FFFF or bool(_UNSAFE.match(chr(value)))


def strip_unsafe_char_refs(markup: str) -> str:
    """Markup without numeric character references to unsafe code points (`&#xD800;`,
    `&#11;`), which parsers would otherwise turn back into the characters dropped above."""
    def replace(match: re.Match[str]) -> str:
        value = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        return "" if _is_unsafe_code_point(value) else match.group(0)
    return _CHAR_REF.sub(replace, markup)


def safe_markup(markup: str) -> str:
    """Both of the above: for XML and HTML text before it is parsed."""
    return strip_unsafe_char_refs(strip_unsafe_chars(markup))

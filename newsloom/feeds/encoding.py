"""Turn feed bytes of any encoding into UTF-8 XML.

Chinese and Japanese publishers still send big5, gb2312 and Shift-JIS, sometimes without
declaring it. feedparser alone then guesses wrong or gives up, so we settle the encoding
first (HTTP charset, BOM, XML declaration, UTF-8, then detection) and hand over clean UTF-8.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from newsloom.articles.chars import safe_markup

_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?\?>", re.IGNORECASE)
_DECL_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""", re.IGNORECASE)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)

# Declared legacy encodings are read with their superset, which is what publishers really send.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _normalize(name: str | None) -> str | None:
    if not name:
        return None
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    return _SUPERSETS.get(canonical, canonical)


def charset_from_content_type(content_type: str) -> str | None:
    """The charset parameter of a Content-Type header, if it names a known codec."""
    match = _CHARSET.search(content_type or "")
    return _normalize(match.group(1)) if match else None


def _decode_strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(data: bytes) -> str | None:
    """Statistical detection. Among equally plausible single-byte guesses prefer cp1252:
    short Western texts fit many code pages and cp1252 is by far the most common."""
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return None
    least = min(m.chaos for m in matches)
    plausible = [m.encoding for m in matches if m.chaos == least]
    return "cp1252" if "cp1252" in plausible else matches[0].encoding


def decode_document(data: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode a feed or page, returning (text, encoding used)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace"), encoding
    candidates: list[str] = []
    header = charset_from_content_type(content_type)
    if header:
        candidates.append(header)
    decl = _XML_DECL.match(data)
    if decl:
        declared = _DECL_ENCODING.search(decl.group(0))
        normalized = _normalize(declared.group(1).decode("ascii")) if declared else None
        if normalized:
            candidates.append(normalized)
    candidates.append("utf-8")
    for encoding in candidates:
        text = _decode_strict(data, encoding)
        if text is not None:
            return text, encoding
    encoding = _normalize(_detect(data))
    encoding = encoding or candidates[0]
    return data.decode(encoding, errors="replace"), encoding


def to_utf8_xml(data: bytes, content_type: str = "") -> bytes:
    """Re-encode an XML document as UTF-8 with a matching declaration, without the
    control characters and lone surrogates (raw or as `&#xD800;`) that XML forbids."""
    text, _ = decode_document(data, content_type)
    text = safe_markup(text.lstrip("\ufeff"))
    body = _XML_DECL.sub(b"", text.encode("utf-8"), count=1)
    return b'<?xml version="1.0" encoding="utf-8"?>' + body

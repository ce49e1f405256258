"""The language of an article's text, decided in one place for pages, feeds and imports.

The writing system settles Chinese, Japanese and Korean. Latin-script text used to get
only what the page or feed declared, so plain English from a page without `<html lang>`
and a source without a language was stored with no language at all (and then missed the
language filters and editions). Now a declared Latin-script language is kept, and text
without one goes to the configured language detector.
"""

from __future__ import annotations

from newsloom.articles.textstats import script_language

_BY_SCRIPT = frozenset({"zh", "ja", "ko"})


def text_language(text: str, declared: str = "") -> str:
    """ISO 639-1 code of `text`: its script's language, else the declared one, else the
    detector's answer ('' only for text with no letters at all)."""
    by_script = script_language(text)
    if by_script:
        return by_script
    declared = declared.split("-")[0].lower()
    if declared and declared not in _BY_SCRIPT:
        return declared
    if not any(ch.isalpha() for ch in text):
        return ""
    from newsloom.intel.language import detect_language  # (loads the detector on first use)

    return detect_language(text)

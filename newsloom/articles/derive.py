"""Fields every stored article derives from its text, however it arrived (page, feed or
bulk import), computed in one place so the three paths cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass

from newsloom.articles.clean import clean_text
from newsloom.articles.fingerprint import content_fingerprint
from newsloom.articles.language import text_language
from newsloom.articles.textstats import text_stats


@dataclass(frozen=True)
class Derived:
    text: str
    word_count: int
    reading_minutes: int
    language: str
    fingerprint: str


def derive(text: str, title: str, language_hint: str = "", fallback_language: str = "") -> Derived:
    """Clean the text and compute counts, language and fingerprint. The writing system
    overrides a hint that contradicts it (a Chinese text is never filed as English), and
    text without any hint gets the detector's answer (never an empty language)."""
    cleaned = clean_text(text, title)
    language = text_language(cleaned or title, language_hint or fallback_language)
    words, minutes = text_stats(cleaned)
    return Derived(
        text=cleaned,
        word_count=words,
        reading_minutes=minutes,
        language=language.lower()[:16],
        fingerprint=content_fingerprint(cleaned),
    )

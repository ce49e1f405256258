"""Language identification with lingua, restricted to the languages newsloom is configured
for (NEWSLOOM_LANGUAGES, default en,zh): restricting the candidates is what makes short
headlines reliable."""

from __future__ import annotations

import threading

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from newsloom.articles.textstats import script_language
from newsloom.config import current

_lock = threading.Lock()
_detector: LanguageDetector | None = None


def configured_languages() -> list[str]:
    return list(current().languages)


def _get_detector() -> LanguageDetector:
    global _detector
    with _lock:
        if _detector is None:
            languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
                         for code in configured_languages()]
            if len(languages) == 1:
                languages.append(Language.ENGLISH if languages[0] != Language.ENGLISH
                                 else Language.CHINESE)
            _detector = LanguageDetectorBuilder.from_languages(*languages).build()
        return _detector


def detect_language(text: str, hint: str = "") -> str:
    """ISO 639-1 code of the text's language among the configured ones, or `hint`."""
    sample = text[:2000].strip()
    if not sample:
        return hint
    by_script = script_language(sample)
    if by_script in configured_languages():
        return by_script
    language = _get_detector().detect_language_of(sample)
    if language is None:
        return hint
    return language.iso_code_639_1.name.lower()

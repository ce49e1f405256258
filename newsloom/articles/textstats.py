"""Word counts, reading time and script-based language hints for English and Chinese text.

Chinese has no spaces, so a "word" there is one Han character (readers manage about 300
to 500 per minute); elsewhere words are runs of letters and digits (about 230 per minute).
"""

from __future__ import annotations

import math
import re

from newsloom.han import HAN, HAN_CHAR

_CJK = HAN_CHAR
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_WORD = re.compile(f"[^\\W\u3040-\u30ff{HAN}]+", re.UNICODE)
_LATIN_WPM = 230
_CJK_CPM = 400


def word_count(text: str) -> int:
    """Latin-script words plus CJK characters."""
    return text_stats(text)[0]


def reading_minutes(text: str) -> int:
    """Whole minutes to read, at least 1 for any non-empty text."""
    return text_stats(text)[1]


def text_stats(text: str) -> tuple[int, int]:
    """(word_count, reading_minutes) from one count of the text's words and characters:
    every stored article needs both."""
    cjk = len(_CJK.findall(text)) + len(_KANA.findall(text))
    latin = len(_WORD.findall(text))
    minutes = latin / _LATIN_WPM + cjk / _CJK_CPM
    return latin + cjk, (max(1, math.ceil(minutes)) if text.strip() else 0)


def script_language(text: str) -> str:
    """A language guess from the writing system alone: 'zh', 'ja', 'ko' or '' (unknown;
    Latin-script languages need a real detector)."""
    sample = text[:4000]
    letters = len(_WORD.findall(sample)) + 1
    han = len(_CJK.findall(sample))
    kana = len(_KANA.findall(sample))
    hangul = len(_HANGUL.findall(sample))
    if kana > 20 and kana > han * 0.1:
        return "ja"
    if hangul > letters:
        return "ko"
    if han > letters:
        return "zh"
    return ""

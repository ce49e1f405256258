"""The one Han character class: what the search index, the search query, text statistics
and story features all call a Chinese character, so they never disagree on a character."""

from __future__ import annotations

import re

# CJK unified ideographs, extension A, compatibility ideographs, extension B
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df"
HAN_CHAR = re.compile(f"[{HAN}]")
HAN_RUN = re.compile(f"[{HAN}]+")


def han_bigrams(run: str) -> list[str]:
    """Overlapping two-character words of one run of Han characters (a lone character is
    kept as it is): Chinese words without a segmenter's mistakes."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i:i + 2] for i in range(len(run) - 1)]

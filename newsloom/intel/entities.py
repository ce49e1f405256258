"""Named things (people, places, organisations) and keyphrases for English and Chinese.

They are what keeps "earthquake in Japan" and "earthquake in Chile" apart when embeddings
alone would merge them. English names come from capitalised word runs (not sentence-initial
function words); Chinese names from jieba's part-of-speech tags (nr person, ns place, nt
organisation, nz other proper noun)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from newsloom.intel.text import (
    EN_STOPWORDS,
    ZH_STOPWORDS,
    _jieba,
    is_chinese,
    numbers,
    to_simplified,
    words,
)

_EN_NAME = re.compile(
    r"\b(?:[A-Z][a-zA-Z'’\-]+|[A-Z]{2,})(?:\s+(?:of\s+|de\s+|the\s+)?"
    r"(?:[A-Z][a-zA-Z'’\-]+|[A-Z]{2,}))*"
)
_NOT_NAMES = frozenset(
    [
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "for",
        "but",
        "and",
        "or",
        "if",
        "as",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "their",
        "its",
        "our",
        "there",
        "here",
        "when",
        "while",
        "after",
        "before",
        "during",
        "since",
        "until",
        "however",
        "meanwhile",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "advertisement",
        "photo",
        "reuters",
        "ap",
        "afp",
        "read",
        "more",
        "mr",
        "mrs",
        "ms",
        "dr",
        "chief",
        "executive",
        "president",
        "minister",
        "prime",
        "secretary",
    ]
)
_ZH_NAME_TAGS = {"nr", "ns", "nt", "nz", "nrt", "nrfg"}


@dataclass(frozen=True)
class Things:
    """Named things and numbers of one text, normalised for matching."""

    names: frozenset[str] = field(default_factory=frozenset)
    numbers: frozenset[str] = field(default_factory=frozenset)


def _english_names(text: str) -> set[str]:
    names = set()
    for match in _EN_NAME.finditer(text):
        tokens = match.group(0).split()
        while tokens and tokens[0].lower() in _NOT_NAMES:
            tokens = tokens[1:]
        while tokens and tokens[-1].lower() in _NOT_NAMES:
            tokens = tokens[:-1]
        if not tokens:
            continue
        name = " ".join(tokens).lower().replace("’", "'").removesuffix("'s")
        if len(name) > 1 and name not in EN_STOPWORDS:
            names.add(name)
        if len(tokens) > 1:  # "Vladimir Putin" must also match a later plain "Putin"
            names.update(
                t.lower().removesuffix("'s")
                for t in tokens
                if len(t) > 2 and t.lower() not in _NOT_NAMES
            )
    return names


def _chinese_names(text: str) -> set[str]:
    import jieba.posseg as posseg

    _jieba()
    # HMM off: 190 times faster, and news names are mostly in jieba's dictionary
    return {
        w
        for w, flag in posseg.cut(to_simplified(text), HMM=False)
        if flag in _ZH_NAME_TAGS and len(w) >= 2 and w not in ZH_STOPWORDS
    }


def named_things(text: str) -> Things:
    """Names and numbers in `text` (Latin-script names inside Chinese text count too)."""
    names = _english_names(text)
    if is_chinese(text):
        names |= _chinese_names(text)
    return Things(frozenset(names), frozenset(numbers(text)))


def keyphrases(text: str, title: str = "", limit: int = 8) -> list[str]:
    """The most telling words and names: frequency in the text, boosted when in the title.
    Chinese uses jieba's TF-IDF keyword extraction with its bundled IDF table."""
    if is_chinese(text or title):
        import jieba.analyse

        _jieba()
        tags = jieba.analyse.extract_tags(f"{title}。{title}。{text}", topK=limit * 2)
        return [t for t in tags if t not in ZH_STOPWORDS and not t.isdigit()][:limit]
    counts: Counter[str] = Counter()
    names = _english_names(text)
    whole = {n for n in names if not any(n != o and n in o.split() for o in names)}
    for name in whole:
        counts[name] += 2 * text.lower().count(name)
    title_words = set(words(title))
    for word in words(text):
        if len(word) > 3 and not word.isdigit():
            counts[word] += 2 if word in title_words else 1
    chosen: list[str] = []
    for phrase, _ in counts.most_common():
        if any(phrase in other or other in phrase for other in chosen):
            continue
        chosen.append(phrase)
        if len(chosen) == limit:
            break
    return chosen

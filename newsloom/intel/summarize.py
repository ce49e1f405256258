"""Extractive summaries and key points, computed at ingest, offline.

A sentence scores by how many of the article's frequent content words it carries (a
centroid in word space) plus a lead bonus, because news puts the gist first. The summary is
the best three sentences in article order; every bullet is a sentence the publisher wrote,
so it cannot misstate the article."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from newsloom.intel.entities import keyphrases, named_things
from newsloom.intel.text import is_chinese, sentences, words

MIN_EN_WORDS = 6
MIN_ZH_CHARS = 12
MAX_CHARS = 400


@dataclass(frozen=True)
class Summary:
    bullets: list[str]
    key_points: list[str]
    keyphrases: list[str]


def _usable(sentence: str) -> bool:
    if len(sentence) > MAX_CHARS:
        return False
    if is_chinese(sentence):
        return len(sentence) >= MIN_ZH_CHARS
    return len(sentence.split()) >= MIN_EN_WORDS and not sentence.endswith(("?", ":"))


def rank_sentences(text: str, title: str = "") -> list[tuple[float, int, str]]:
    """(score, position, sentence) for every usable sentence, best first."""
    candidates = [(i, s) for i, s in enumerate(sentences(text)) if _usable(s)]
    if not candidates:
        return []
    frequency = Counter(w for _, s in candidates for w in set(words(s)))
    for word in words(title):
        frequency[word] += 2
    ranked = []
    for index, (position, sentence) in enumerate(candidates):
        tokens = set(words(sentence))
        if not tokens:
            continue
        content = sum(math.log1p(frequency[t]) for t in tokens) / math.sqrt(len(tokens) + 4)
        lead = 1.0 / (1.0 + 0.5 * index)
        ranked.append((content + 1.5 * lead, position, sentence))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return ranked


def summarize(text: str, title: str = "", bullets: int = 3) -> Summary:
    """Three bullets in article order, key points (the fact-densest other sentences:
    names and figures) and keyphrases."""
    ranked = rank_sentences(text, title)
    chosen = sorted(ranked[:bullets], key=lambda r: r[1])
    picked = {s for _, _, s in chosen}
    facts = []
    for _, position, sentence in ranked[bullets:]:
        if sentence in picked or len(sentence) > 220:
            continue
        things = named_things(sentence)
        density = 2 * len(things.numbers) + len(things.names)
        if density >= 2:
            facts.append((density, position, sentence))
    facts.sort(key=lambda f: (-f[0], f[1]))
    points = [s for _, _, s in sorted(facts[:3], key=lambda f: f[1])]
    return Summary(bullets=[s for _, _, s in chosen], key_points=points,
                   keyphrases=keyphrases(text, title))

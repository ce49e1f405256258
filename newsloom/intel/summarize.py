"""Extractive gist and key points, computed at ingest, offline.

A sentence scores by how many of the article's frequent content words it carries (a
centroid in word space) plus a lead bonus, because news puts the gist first. The gist is
the best sentence, trimmed of its attribution and side clauses when it is long, plus a
second one only when the first is short; the key points are other sentences that add what
the gist lacks (figures, who, what happens next), never one that repeats it. An article of
a few sentences gets neither: its own text is shorter than any summary of it; and the two
together never show more than half of an article's sentences. Every word
shown is the publisher's, so a summary cannot misstate the article."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from newsloom.intel.entities import keyphrases, named_things
from newsloom.intel.text import is_chinese, sentences, words

MIN_EN_WORDS = 6
MIN_ZH_CHARS = 12
MAX_CHARS = 400
MIN_SENTENCES = 4         # fewer usable sentences than this: no gist, no key points
LONG_EN_WORDS = 30        # a gist sentence longer than this is trimmed
LONG_ZH_CHARS = 60
SHORT_EN_WORDS = 14       # a gist sentence shorter than this gets a second sentence
SHORT_ZH_CHARS = 30
MAX_KEY_POINTS = 3
KEY_POINT_POOL = 12        # key points are chosen among this many best-ranked sentences
MAX_OVERLAP = 0.5         # a key point sharing more of its words with the gist repeats it

_NEXT = re.compile(r"\b(?:will|plans?|planned|expected|due to|next|to be held|aims?)\b|"
                   r"将|计划|預計|预计|准备|準備|下一步|明年|下周|下週|即将|即將")
# Side clauses a long lead can lose: attribution, dates of saying, and asides.
_TRIMS = [
    re.compile(r"\s*[,，]\s*(?:according to\b|[\w\s'’-]{0,60}?\b(?:said|say|says|told|reported|"
               r"announced)\b)[^.。]*(?=[.。!?！？]?$)", re.IGNORECASE),
    re.compile(r"\s+(?:as part of|in a bid to|in order to|amid)\b[^,.。]*(?=[.。]$)"),
    re.compile(r"\s*[(（][^()（）]{0,80}[)）]"),
    re.compile(r"\s*[,，]\s*(?:which|who|while|as|after|amid|despite)\b[^,.。]*(?=[,.。]|$)"),
]
# Datelines are the wire's address line, not content: "路透香港7月19日 - ", "LONDON (Reuters) - ".
_DATELINE = re.compile(r"^(?:[^\s，。]{0,12}?\d{1,2}月\d{1,2}日|[A-Z][A-Z .,]+(?:\([^)]*\))?)"
                       r"\s*[-–—]\s+")
_ZH_CLAUSE = re.compile(r"(?<=[，；])")
_OPEN_CLAUSE = re.compile(r"只要|如果|假如|若是|倘若|虽然|雖然|即使|尽管|儘管|因为|因為|由于|由於|"
                          r"(?:时|時|后|後|之际|之際|期间|期間|表示|说|說|称|稱|指|认为|認為)[，；]$")


@dataclass(frozen=True)
class Summary:
    bullets: list[str]     # the gist: one or two (possibly trimmed) sentences
    key_points: list[str]  # sentences that add to the gist
    keyphrases: list[str]


def _usable(sentence: str) -> bool:
    if len(sentence) > MAX_CHARS:
        return False
    if is_chinese(sentence):
        return len(sentence) >= MIN_ZH_CHARS
    return len(sentence.split()) >= MIN_EN_WORDS and not sentence.endswith(("?", ":"))


def _length(sentence: str) -> int:
    """Length in words (English) or characters / 2 (Chinese), comparable to the limits."""
    return len(sentence) if is_chinese(sentence) else len(sentence.split())


def _long(sentence: str) -> bool:
    return _length(sentence) > (LONG_ZH_CHARS if is_chinese(sentence) else LONG_EN_WORDS)


def _short(sentence: str) -> bool:
    return _length(sentence) < (SHORT_ZH_CHARS if is_chinese(sentence) else SHORT_EN_WORDS)


def rank_sentences(text: str, title: str = "") -> list[tuple[float, int, str]]:
    """(score, position, sentence) for every usable sentence, best first."""
    candidates = [(i, s) for i, s in enumerate(sentences(text)) if _usable(s)]
    if not candidates:
        return []
    token_sets = [set(words(s)) for _, s in candidates]  # (each sentence split once)
    frequency = Counter(w for tokens in token_sets for w in tokens)
    for word in words(title):
        frequency[word] += 2
    ranked = []
    for index, ((position, sentence), tokens) in enumerate(zip(candidates, token_sets,
                                                                strict=True)):
        if not tokens:
            continue
        content = sum(math.log1p(frequency[t]) for t in tokens) / math.sqrt(len(tokens) + 4)
        lead = 1.0 / (1.0 + 0.5 * index)
        ranked.append((content + 1.5 * lead, position, sentence))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return ranked


def condense(sentence: str) -> str:
    """A long sentence without its attribution, parentheses and side clauses; a short one
    as it is. The result stays a run of the publisher's words."""
    sentence = _DATELINE.sub("", sentence)
    if not _long(sentence):
        return sentence
    if is_chinese(sentence):
        return _leading_clauses(sentence)
    trimmed = sentence
    for pattern in _TRIMS:
        shorter = pattern.sub("", trimmed).strip()
        if _length(shorter) >= (MIN_ZH_CHARS if is_chinese(sentence) else MIN_EN_WORDS):
            trimmed = shorter
    if trimmed != sentence and not trimmed.endswith((".", "。", "!", "?", "！", "？", '"', "”")):
        trimmed += "。" if is_chinese(trimmed) else "."
    return trimmed


def _leading_clauses(sentence: str) -> str:
    """A long Chinese sentence cut after the clauses (at ，；) that fit LONG_ZH_CHARS:
    Chinese news states who did what first and elaborates after. A clause that needs the
    next one (a condition, a "when", a "said") is never left last: the cut moves on."""
    clauses = _ZH_CLAUSE.split(sentence)
    kept = clauses[:1]
    for clause in clauses[1:]:
        done = len("".join(kept)) >= MIN_ZH_CHARS and not _OPEN_CLAUSE.search(kept[-1])
        if done and len("".join([*kept, clause])) > LONG_ZH_CHARS:
            break
        kept.append(clause)
    text = "".join(kept).rstrip("，；、 ")
    return text if text.endswith(("。", "！", "？", "”", "」")) else text + "。"


def _overlap(sentence: str, gist_words: set[str]) -> float:
    tokens = set(words(sentence))
    return len(tokens & gist_words) / len(tokens) if tokens else 1.0


def _adds(sentence: str) -> int:
    """What a sentence adds a reader wants after the gist: figures count double, then
    names, then what happens next."""
    things = named_things(sentence)
    return 2 * len(things.numbers) + len(things.names) + 2 * bool(_NEXT.search(sentence))


def summarize(text: str, title: str = "", bullets: int = 2) -> Summary:
    """The gist (up to `bullets` sentences, in article order), key points that add to it,
    and keyphrases. Articles under MIN_SENTENCES usable sentences get keyphrases only."""
    phrases = keyphrases(text, title)
    ranked = rank_sentences(text, title)
    if len(ranked) < MIN_SENTENCES:
        return Summary(bullets=[], key_points=[], keyphrases=phrases)
    chosen = [ranked[0]]
    if bullets > 1 and _short(ranked[0][2]):
        chosen.append(ranked[1])
    chosen.sort(key=lambda r: r[1])
    gist = [condense(s) for _, _, s in chosen]
    gist_words = {w for s in gist for w in words(s)}
    used = {position for _, position, _ in chosen}
    # key points come from the article's central sentences: the best ranked ones only,
    # which also bounds the cost of tagging names on long articles
    facts = sorted(((_adds(s), position, s) for _, position, s in ranked[:KEY_POINT_POOL]
                    if position not in used and len(s) <= 220), key=lambda f: (-f[0], f[1]))
    points: list[tuple[int, str]] = []
    seen = set(gist_words)
    # gist and key points together show at most half the article: more is a copy of it
    room = min(MAX_KEY_POINTS, len(ranked) // 2 - len(gist))
    for value, position, sentence in facts:
        if value < 2 or len(points) >= room:
            break
        if _overlap(sentence, seen) <= MAX_OVERLAP:
            points.append((position, sentence))
            seen |= set(words(sentence))
    return Summary(bullets=gist, key_points=[s for _, s in sorted(points)],
                   keyphrases=phrases)


def repeats(point: str, gist: list[str]) -> bool:
    """Whether a key point says again what the gist says (the redundancy the benchmark
    counts): the same sentence, or most of its words."""
    gist_words = {w for s in gist for w in words(s)}
    return any(point in s or s in point for s in gist) or _overlap(point, gist_words) > MAX_OVERLAP

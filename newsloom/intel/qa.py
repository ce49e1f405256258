""""Ask this article": quote the sentence that answers, or say the article does not say.

A sentence answers only when it holds what the question asks for (a date or time for
"when", a number for "how many", a person or organisation for "who", a place for "where";
see answer_types) and covers the question's own words: the share of the question's content
words, weighted by how rare they are in the article, that the sentence contains. Chinese is
compared as character pairs of Simplified text, so a Traditional question matches a
Simplified article and no segmentation choice hides a name. A question in another script
than the article (English on Chinese) shares few words with it; there the multilingual
embedding's similarity decides. Anything weaker is "does not say": a wrong sentence
highlighted as the answer costs a reader's trust more than a refusal does."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from newsloom.intel.answer_types import Kind, holds, wanted_kind
from newsloom.intel.embed import embed
from newsloom.intel.text import HAN_RUN_SPLIT, numbers, sentences, to_simplified, words

K1 = 1.2
B = 0.75
# Tuned on the 'tune' half of benchmarks/data/qa-hand.jsonl (benchmarks/intelligence.py).
MIN_COVERAGE = 0.5           # share of the question's (rarity-weighted) terms in the sentence
MIN_ANY_COVERAGE = 0.6       # the same for questions that ask for no particular kind
MIN_CROSS_SIMILARITY = 0.25  # embedding similarity when question and article differ in script
CROSS_MARGIN = 0.08          # ... and its lead over the next candidate sentence
SEMANTIC_WEIGHT = 0.3        # how much meaning adds to term coverage when ranking candidates
PHRASE_BONUS = 0.1           # per pair of question words the sentence has side by side

# Words that say what kind of answer is wanted, not what it is about.
_EN_ASKING = frozenset([
    "many", "much", "old", "long", "far", "deep", "high", "big", "large", "tall", "often",
    "fast", "heavy", "happen", "happened", "happening", "take", "place", "time", "date",
    "day", "month", "kind", "type", "name", "called",
])
_ZH_ASKING = re.compile(
    r"什么时候|甚么时候|多少|几多|什么|甚么|哪里|哪裏|哪个|哪些|哪位|哪家|哪天|哪年|何时|何处|"
    r"何人|何地|几时|几点|谁|多久|多长|多大|是否|吗|呢|是|有|的|了|在|[？?。，,]")
_EN_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Answer:
    found: bool
    sentences: list[str]  # the quoted sentence (one), or none
    indexes: list[int]    # its position among the article's sentences
    score: float


def bm25(query: list[str], docs: list[list[str]]) -> list[float]:
    """Okapi BM25 of each document for the query (idf from the documents themselves)."""
    n = len(docs)
    average = sum(len(d) for d in docs) / max(1, n)
    df = Counter(w for d in docs for w in set(d))
    scores = []
    for doc in docs:
        tf = Counter(doc)
        score = 0.0
        for word in set(query):
            if word not in tf:
                continue
            idf = math.log(1 + (n - df[word] + 0.5) / (df[word] + 0.5))
            score += idf * tf[word] * (K1 + 1) / (tf[word] + K1 * (1 - B + B * len(doc) / average))
        scores.append(score)
    return scores


def _stem(word: str) -> str:
    """A crude English stem, enough for "scored"/"score", "arriving"/"arrive" and
    "guarantees"/"guarantee"."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word[:6]


def _query_terms(question: str) -> set[str]:
    """The question's matching terms: English stems, and Chinese words (jieba, in
    Simplified) without the interrogative words that only say what kind is wanted."""
    simple = _ZH_ASKING.sub(" ", to_simplified(question))
    terms: set[str] = set()
    for chunk in HAN_RUN_SPLIT.split(simple):
        if HAN_RUN_SPLIT.fullmatch(chunk):
            terms.update(words(chunk))
        elif chunk:
            terms.update(_en_terms(chunk, asking=True))
    return terms


def _en_terms(text: str, asking: bool = False) -> set[str]:
    tokens = [w.removesuffix("'s").removesuffix("’s") for w in words(text)]
    return {_stem(w) for w in tokens
            if _EN_TOKEN.fullmatch(w) and not (asking and w in _EN_ASKING)}


def _coverage(query: set[str], pool: list[str]) -> list[float]:
    """Per sentence, the idf-weighted share of the query terms it contains (a Chinese
    word counts when the Simplified sentence contains it, however jieba cut the sentence).
    Terms the article lacks weigh most: a question about something the article never
    mentions must not be answered by a sentence that matches only its other words."""
    present = []
    for sentence in pool:
        simple = to_simplified(sentence)
        stems = _en_terms(simple)
        present.append({t for t in query if t in stems or (
            HAN_RUN_SPLIT.fullmatch(t) and t in simple)})
    n = len(pool)
    df = Counter(t for terms in present for t in terms)
    weight = {t: math.log(1 + n / (df[t] + 0.5)) for t in query}
    total = sum(weight.values())
    if not total:
        return [0.0] * n
    return [sum(weight[t] for t in terms) / total for terms in present]


def _phrases(text: str) -> set[tuple[str, str]]:
    """Adjacent English content-word stems: "digital Zhejiang" the initiative, not the
    two words anywhere in a sentence about Zhejiang's digital economy."""
    stems = [_stem(w) for w in (w.removesuffix("'s") for w in words(text))
             if _EN_TOKEN.fullmatch(w)]
    return set(pairwise(stems))


def _han_share(text: str) -> float:
    sample = text[:500]
    return len("".join(HAN_RUN_SPLIT.findall(sample))) / max(1, len(sample))


def _cross_script(question: str, text: str) -> bool:
    """An English question on a Chinese article (or the reverse): few shared words."""
    return (_han_share(question) > 0.3) != (_han_share(text) > 0.3)


def answer_question(question: str, text: str) -> Answer:
    """The article's sentence that answers `question`, or found=False."""
    pool = sentences(text)
    if not pool or not question.strip():
        return Answer(False, [], [], 0.0)
    kind = wanted_kind(question)
    coverage = _coverage(_query_terms(question), pool)
    vectors = embed([question, *pool])
    semantic = vectors[1:] @ vectors[0]
    typed = [i for i, sentence in enumerate(pool)
             if kind is Kind.ANY or holds(kind, sentence, question)]
    if _cross_script(question, text):
        best = _most_similar(typed, semantic)
    else:
        floor = MIN_ANY_COVERAGE if kind is Kind.ANY else MIN_COVERAGE
        wanted_numbers = numbers(question)
        phrases = _phrases(question)
        scored = {i: coverage[i] + SEMANTIC_WEIGHT * float(semantic[i])
                  + (0.1 if wanted_numbers & numbers(pool[i]) else 0.0)
                  + PHRASE_BONUS * len(phrases & _phrases(pool[i]))
                  for i in typed if coverage[i] >= floor}
        best = max(scored, key=scored.__getitem__) if scored else None
    if best is None:
        return Answer(False, [], [], 0.0)
    return Answer(True, [pool[best]], [best], float(semantic[best]))


def _most_similar(candidates: list[int], semantic: np.ndarray) -> int | None:
    """Across scripts only meaning links question and sentence, and the multilingual
    embedding's similarities are low and close together: answer only with a sentence that
    is both close enough and clearly closer than the next candidate."""
    ranked = sorted(candidates, key=lambda i: -float(semantic[i]))
    if not ranked or semantic[ranked[0]] < MIN_CROSS_SIMILARITY:
        return None
    if len(ranked) > 1 and semantic[ranked[0]] - semantic[ranked[1]] < CROSS_MARGIN:
        return None
    return ranked[0]


def support_score(claim: str, text: str) -> float:
    """How well the article backs a generated claim, 0..1: for each claim sentence, the
    largest share of its content words found in one article sentence (0 when it states a
    number the article does not contain); the claim scores its weakest sentence."""
    article_sentences = [set(words(s)) for s in sentences(text)]
    article_numbers = numbers(text)
    scores = []
    for sentence in sentences(claim):
        if numbers(sentence) - article_numbers:
            scores.append(0.0)
            continue
        tokens = set(words(sentence))
        if tokens:
            scores.append(max((len(tokens & s) / len(tokens) for s in article_sentences),
                              default=0.0))
    return min(scores, default=1.0)


def supported(claim: str, text: str, threshold: float = 0.6) -> bool:
    """Whether a generated claim may be shown as coming from the article (used to check an
    optional LLM's output before display)."""
    return support_score(claim, text) >= threshold


def backing(claim: str, text: str) -> Answer:
    """The article sentence that backs a checked generated answer most (the largest share
    of the claim's words), so the reader sees where it comes from even when the extractive
    ranker would have said "does not say"."""
    pool = sentences(text)
    claim_words = set(words(claim))
    if not pool or not claim_words:
        return Answer(False, [], [], 0.0)
    shares = [len(claim_words & set(words(s))) / len(claim_words) for s in pool]
    best = max(range(len(pool)), key=shares.__getitem__)
    return Answer(True, [pool[best]], [best], shares[best])

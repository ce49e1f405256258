""""Ask this article": answer from the article's own sentences, or say it does not say.

Sentences are ranked by BM25 over content words (jieba for Chinese) blended with embedding
similarity to the question; the answer is the best sentence and its neighbour when that
helps. When no sentence shares a content word with the question and none is close in
meaning, the honest answer is that the article does not contain it."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from newsloom.intel.embed import embed
from newsloom.intel.text import numbers, sentences, words

K1 = 1.2
B = 0.75
MIN_SEMANTIC = 0.45
MIN_SCORE = 0.35


@dataclass(frozen=True)
class Answer:
    found: bool
    sentences: list[str]  # supporting sentences, in article order
    indexes: list[int]    # their positions among the article's sentences
    score: float


def _bm25(query: list[str], docs: list[list[str]]) -> list[float]:
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


def answer_question(question: str, text: str, limit: int = 2) -> Answer:
    """The article's sentences that answer `question`, or found=False."""
    pool = sentences(text)
    query = words(question)
    if not pool or not question.strip():
        return Answer(False, [], [], 0.0)
    lexical = _bm25(query, [words(s) for s in pool])
    top_lexical = max(lexical) or 1.0
    vectors = embed([question, *pool])
    semantic = vectors[1:] @ vectors[0]
    wanted_numbers = numbers(question)
    combined = []
    for i, sentence in enumerate(pool):
        score = 0.55 * (lexical[i] / top_lexical) + 0.45 * float(semantic[i])
        if wanted_numbers and wanted_numbers & numbers(sentence):
            score += 0.2
        combined.append(score)
    best = int(np.argmax(combined))
    if (lexical[best] == 0 and float(semantic[best]) < MIN_SEMANTIC) or combined[best] < MIN_SCORE:
        return Answer(False, [], [], combined[best])
    chosen = [best]
    for neighbour in (best + 1, best - 1):
        if len(chosen) < limit and 0 <= neighbour < len(pool) and (
                combined[neighbour] >= 0.8 * combined[best]):
            chosen.append(neighbour)
    chosen.sort()
    return Answer(True, [pool[i] for i in chosen], chosen, combined[best])


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

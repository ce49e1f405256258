""""Ask this article": quote the sentence that answers, or say the article does not say.

Every sentence of the article is a candidate, with its evidence (answer_features): how much
of the question's words it holds, weighted by rarity (Chinese compared in Simplified; an
English question on a Chinese article translated word by word with the multilingual
embedding, silver → 白银), whether it holds an answer of the asked kind (a date for "when",
a number for "how many", a name for "who": answer_types) and states the asked relation
(the role's holder, the counted noun, the asked clause: relations), whether the question
has a word the article never uses, and its BM25 and embedding similarity. A model learned
from ~500 hand-written development questions (answer_model) weighs this evidence into the
probability that the sentence holds the answer; the best sentence is quoted when that
probability reaches the model's threshold (one for questions in the article's script,
one for questions translated word by word), chosen for precision 0.9 under
cross-validation. Anything weaker is "does not say": a wrong sentence highlighted as the
answer costs a reader's trust more than a refusal does.

The hand rules of earlier rounds vetoed a sentence on any failed check; written from read
failures, they fitted those failures and fell to precision 0.73-0.82 on fresh questions.
As features, each check is evidence the model weighs by how far it held across all the
development questions (docs/benchmarks.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from newsloom.intel.answer_features import candidates
from newsloom.intel.answer_model import AnswerModel, default_model
from newsloom.intel.text import numbers, sentences, words


@dataclass(frozen=True)
class Answer:
    found: bool
    sentences: list[str]  # the quoted sentence (one), or none
    indexes: list[int]    # its position among the article's sentences
    score: float          # the model's probability that the best sentence answers


def answer_question(question: str, text: str, model: AnswerModel | None = None) -> Answer:
    """The article's sentence that answers `question`, or found=False (`model`: the one
    shipped in the package unless given)."""
    found = candidates(question, text)
    if not found.sentences or not question.strip():
        return Answer(False, [], [], 0.0)
    model = model or default_model()
    probabilities = model.probabilities(found.rows) * found.allowed
    best = int(np.argmax(probabilities))
    score = float(probabilities[best])
    if score < model.threshold_for(found.cross_script):
        return Answer(False, [], [], score)
    return Answer(True, [found.sentences[best]], [best], score)


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

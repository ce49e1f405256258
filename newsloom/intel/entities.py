"""Named things (people, places, organisations) and keyphrases for English and Chinese.

They are what keeps "earthquake in Japan" and "earthquake in Chile" apart when embeddings
alone would merge them. English names come from capitalised word runs (not sentence-initial
function words); Chinese names from jieba's part-of-speech tags (nr person, ns place, nt
organisation, nz other proper noun)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from newsloom.han import HAN
from newsloom.intel import zh_idf
from newsloom.intel.text import (
    _FUNCTION_TAGS,
    CALENDAR_WORDS,
    EN_STOPWORDS,
    KEYPHRASE_STOPWORDS,
    NAME_TAGS,
    SURNAMES,
    ZH_NOT_KEYPHRASES,
    ZH_STOPWORDS,
    _jieba,
    is_chinese,
    is_traditional,
    numbers,
    to_simplified,
    to_traditional,
    zh_tagged,
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
) | CALENDAR_WORDS


@dataclass(frozen=True)
class Things:
    """Named things and numbers of one text, normalised for matching."""

    names: frozenset[str] = field(default_factory=frozenset)
    numbers: frozenset[str] = field(default_factory=frozenset)


def _name_runs(text: str) -> list[str]:
    """Capitalised word runs as written, trimmed of function words and possessives
    ("The", "Mr", "'s"): the English names of a text, in order, repeats included."""
    runs = []
    for match in _EN_NAME.finditer(text):
        tokens = match.group(0).split()
        while tokens and tokens[0].lower() in _NOT_NAMES:
            tokens = tokens[1:]
        while tokens and tokens[-1].lower() in _NOT_NAMES:
            tokens = tokens[:-1]
        name = " ".join(tokens).replace("’", "'").removesuffix("'s").removesuffix("'")
        if len(name) > 1 and name.lower() not in EN_STOPWORDS:
            runs.append(name)
    return runs


def _english_names(text: str) -> set[str]:
    names = set()
    for run in _name_runs(text):
        names.add(run.lower())
        tokens = run.split()
        if len(tokens) > 1:  # "Vladimir Putin" must also match a later plain "Putin"
            names.update(t.lower() for t in tokens if len(t) > 2 and t.lower() not in _NOT_NAMES)
    return names


def _chinese_names(text: str) -> set[str]:
    # HMM off: 190 times faster, and news names are mostly in jieba's dictionary
    return {
        w
        for w, flag in zh_tagged(to_simplified(text))
        if flag in NAME_TAGS and len(w) >= 2 and w not in ZH_STOPWORDS
    }


def named_things(text: str) -> Things:
    """Names and numbers in `text` (Latin-script names inside Chinese text count too)."""
    names = _english_names(text)
    if is_chinese(text):
        names |= _chinese_names(text)
    return Things(frozenset(names), frozenset(numbers(text)))


def keyphrases(text: str, title: str = "", limit: int = 8) -> list[str]:
    """The names and noun phrases a reader would file the article under, most telling
    first, as the article writes them: never stopwords, adjectives or verbs."""
    if is_chinese(text or title):
        return _chinese_keyphrases(text, title, limit)
    return _english_keyphrases(text, title, limit)


# jieba tags kept as keyphrases: names (person, place, organisation, other), nouns, and
# Latin words with a capital (MSCI; not the "https" of a feed's footer)
ZH_PHRASE_TAGS = ("nr", "nrt", "nrfg", "ns", "nt", "nz", "n", "eng")
VERB_LIST = Path(__file__).with_name("zh_verbs.txt")
"""Words jieba's dictionary tags as nouns that the news uses as verbs (因应, 理会, 行使), learnt
from the corpus by benchmarks/build_zh_verbs.py: one a line, Simplified."""
# words never filed as Chinese keyphrases: the union made once, not once a word
_ZH_NOT_PHRASES = ZH_STOPWORDS | ZH_NOT_KEYPHRASES | frozenset(
    VERB_LIST.read_text(encoding="utf-8").split() if VERB_LIST.exists() else ())


def _chinese_keyphrases(text: str, title: str, limit: int) -> list[str]:
    """Names and nouns by TF-IDF (jieba's bundled IDF table), cut in Simplified text (the
    names dictionary is Simplified, and Traditional text cut as if Simplified gave 促港
    and 應對) and shown in the article's own characters. HMM off: the dictionary holds
    the names, and tagging is then several times faster."""
    _jieba()
    original = f"{title}。{title}。{text}"
    simple = to_simplified(original)
    tagged = _latin_names_joined(_surnames_joined(zh_tagged(simple), simple))
    codes = _codes_only(simple)
    counts = Counter(w for w, flag in _continuations_joined(tagged, simple, title)
                     if flag in ZH_PHRASE_TAGS and len(w) >= 2
                     and w not in _ZH_NOT_PHRASES and not w.isdigit()
                     and (flag != "eng" or (w.replace(" ", "").isalpha() and not w.islower()
                                            and w not in codes
                                            and w.lower() not in KEYPHRASE_STOPWORDS)))
    ranked = sorted(counts, key=lambda w: (-counts[w] * zh_idf.idf(w), simple.find(w)))
    chosen: list[str] = []
    for word in ranked:
        if len(chosen) == limit:
            break
        if not any(word in other or other in word for other in chosen):
            chosen.append(word)
    return [_as_written(word, simple, original) for word in chosen]


# jieba's tags of what cannot be part of a given name: verbs, adverbs, numbers, measure
# words, places in a sentence (上, 前), times, punctuation and function words
_NOT_GIVEN_NAME = _FUNCTION_TAGS | {"v", "vd", "vn", "d", "m", "q", "f", "t", "x", "eng"}
_HAN_WORD = re.compile(f"[{HAN}]+")
NAME_LENGTH = 3  # surname and given name, as most Chinese names are written


def _surnames_joined(tagged: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    """A surname and the given name that jieba cut apart (刘家 + 栋, 栗 + 战书, 高 + 阳子,
    祖 + 高 + 域) joined into one name of three characters, or a first syllable and the
    transliterated rest of a foreign name (马 + 尔帕斯), when the article shows it is a
    name: it is written so at least twice (a title mention counts twice) and the given
    name never stands in the article without the surname before it. Keyphrases only:
    story names read jieba's own cut."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(tagged):
        word, tag = tagged[i]
        j = _given_name_end(tagged, i)
        name = "".join(w for w, _ in tagged[i:j])
        given = name[len(word):]
        if given and (len(name) == NAME_LENGTH or tagged[i + 1][1] == _TRANSLITERATED) and (
                text.count(name) >= 2 and text.count(given) == text.count(name)):
            out.append((name, "nr"))
            i = j
        else:
            out.append((word, tag))
            i += 1
    return out


_TRANSLITERATED = "nrt"  # jieba's tag of a foreign name written in Han characters (尔帕斯)


def _given_name_end(tagged: list[tuple[str, str]], i: int) -> int:
    """Where the given name after the surname-like word at `i` ends (i + 1 when none
    follows): the words that are neither verbs, numbers nor function words, up to
    NAME_LENGTH characters in all; or, after a single character, one transliterated
    word of any length, since a foreign name is not three characters long."""
    word, tag = tagged[i]
    if tag in _NOT_GIVEN_NAME or not (
            (len(word) == 1 and (word in SURNAMES or tag == "nr"))
            or (len(word) == 2 and tag in ("nr", "nrfg") and word[0] in SURNAMES)):
        return i + 1
    if len(word) == 1 and i + 1 < len(tagged) and tagged[i + 1][1] == _TRANSLITERATED:
        return i + 2
    j, length = i + 1, len(word)
    while (j < len(tagged) and length + len(tagged[j][0]) <= NAME_LENGTH
           and tagged[j][1] not in _NOT_GIVEN_NAME and _HAN_WORD.fullmatch(tagged[j][0])
           and tagged[j][0] not in ZH_STOPWORDS):
        length += len(tagged[j][0])
        j += 1
    return j


# what may follow a word and still belong to it: not a verb, adverb, adjective, number,
# time, place word, pronoun, preposition, conjunction, particle of grammar or punctuation
# (地 "place" is tagged as the particle uv, 道 "road" as a measure word, 劳动 as the verbal
# noun vn: they may), nor an idiom (l, i: 接待客人), nor a person's name, which stands on its
# own (主席 + 鲍威尔)
_NOT_CONTINUATION = (_FUNCTION_TAGS - {"uv"}) | {
    "v", "vd", "vi", "d", "ad", "a", "m", "f", "t", "x", "eng", "y", "e", "o", "l", "i"}
_PERSON_TAGS = ("nr", "nrt", "nrfg")
CONTINUATION_TOKENS = 3  # 厚生 + 劳动 + 省, 尖沙咀 + 金马 + 伦 + 道
CONTINUATION_LENGTH = 7  # characters of the word so continued (香港铁路博物馆)


def _continuations_joined(tagged: list[tuple[str, str]], text: str,
                          title: str) -> list[tuple[str, str]]:
    """A word joined with the words after it when the article never writes it without
    them: jieba cuts names and terms it lacks at a word it knows (森喜 + 朗, 小池 + 百合 +
    子, 厚生 + 劳动 + 省, 油麻 + 地), and the piece alone is then filed as a keyphrase. The
    article shows the piece is part of something longer when each of its (at least two,
    the title counted once) occurrences is followed by the same words, none of them a
    verb, adverb, adjective, function word or name of its own (nor is it one: 声言 +
    欧洲). The word so continued also takes the one word the article always writes before
    it, on the same terms and two characters at least (欧元 + 集团主席: 欧元 stands alone
    elsewhere, 集团主席 never does), unless it is a person's name, which a title before it
    does not belong to (总统 + 特朗普). Keyphrases only: story names read jieba's own cut."""
    places: dict[str, list[int]] = {}
    for i, (word, tag) in enumerate(tagged):
        if (tag in ZH_PHRASE_TAGS and len(word) >= 2 and _HAN_WORD.fullmatch(word)
                and word not in _ZH_NOT_PHRASES):
            places.setdefault(word, []).append(i)
    in_title = to_simplified(title)
    spans: list[tuple[int, int]] = []  # (first, last) word of each continued occurrence
    for word, starts in places.items():
        # every occurrence is one of these words (not inside another), two besides the title's copy
        if text.count(word) != len(starts) or len(starts) - in_title.count(word) < 2:
            continue
        extra, length = 0, len(word)
        while extra < CONTINUATION_TOKENS:
            piece = _same_word(tagged, [i + extra + 1 for i in starts])
            if not _may_join(piece, length):
                break
            extra, length = extra + 1, length + len(piece[0])
        before = _same_word(tagged, [i - 1 for i in starts])
        back = int(extra > 0 and tagged[starts[0]][1] not in _PERSON_TAGS
                   and _may_lead(before, length))
        if extra:
            spans.extend((i - back, i + extra) for i in starts)
    return _spans_joined(tagged, spans)


def _same_word(tagged: list[tuple[str, str]], at: list[int]) -> tuple[str, str] | None:
    """The word and tag found at each of the places `at`, when it is the same at all."""
    found = {tagged[i] if 0 <= i < len(tagged) else None for i in at}
    return found.pop() if len(found) == 1 else None


def _may_join(piece: tuple[str, str] | None, length: int) -> bool:
    """Whether `piece` may join a word of `length` characters into one keyphrase: a Han
    word that is no verb, adverb, adjective, function word, idiom or name of its own, and
    the whole no longer than CONTINUATION_LENGTH."""
    return (piece is not None and piece[1] not in _NOT_CONTINUATION
            and piece[0] not in _ZH_NOT_PHRASES
            and not (piece[1] in _PERSON_TAGS and len(piece[0]) > 1)
            and _HAN_WORD.fullmatch(piece[0]) is not None
            and length + len(piece[0]) <= CONTINUATION_LENGTH)


def _may_lead(piece: tuple[str, str] | None, length: int) -> bool:
    """Whether `piece` may be joined before a word: as `_may_join`, but no verbal noun,
    which before a noun is its verb (纠正 + 错误), and no single character, which is
    mostly the end of a word jieba cut (新 + 冠 + 肺炎, 20 + 国 + 集团)."""
    return _may_join(piece, length) and piece is not None and (
        piece[1] != "vn" and len(piece[0]) >= 2)


def _spans_joined(tagged: list[tuple[str, str]],
                  spans: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """`tagged` with the words of each span joined into one, tagged as its first word;
    a span that overlaps one before it is left as cut."""
    ends: dict[int, int] = {}
    for first, last in sorted(spans):
        if not any(f <= first <= e for f, e in ends.items()):
            ends[first] = last
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(tagged):
        last = ends.get(i, i)
        out.append(("".join(w for w, _ in tagged[i:last + 1]), tagged[i][1]))
        i = last + 1
    return out


def _latin_names_joined(tagged: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Capitalised Latin words a single space apart joined into one name ("App Store" in
    a Chinese article): jieba cuts at the space, and "Store" alone was then filed."""
    out: list[tuple[str, str]] = []
    for word, tag in tagged:
        if (tag == "eng" and word[:1].isupper() and word.lower() not in KEYPHRASE_STOPWORDS
                and len(out) > 1 and out[-1] == (" ", "x")
                and out[-2][1] == "eng" and out[-2][0][:1].isupper()):
            out[-2:] = [(f"{out[-2][0]} {word}", "eng")]
        else:
            out.append((word, tag))
    return out


# the exchange of a ticker (0857.HK, 601857.SS) and the currency of a price (HK$, US$)
_CODE = re.compile(r"(?<=\d\.)[A-Z]{1,3}\b|\b[A-Z]{1,3}(?=\$)")
_LATIN = re.compile(r"[A-Za-z]+")


def _codes_only(text: str) -> set[str]:
    """Latin words the article writes only as an exchange or currency code: a stock
    list's "601857.SS" is not what a Chinese article is about."""
    codes = Counter(_CODE.findall(text))
    words = Counter(_LATIN.findall(text))
    return {code for code, n in codes.items() if words[code] == n}


def _as_written(word: str, simple: str, original: str) -> str:
    """`word` (Simplified) in the original's script: OpenCC converts character by
    character almost always, so the same position holds the original form."""
    at = simple.find(word)
    if at >= 0 and len(simple) == len(original):
        return original[at:at + len(word)]
    return to_traditional(word) if is_traditional(original) else word


# Nationality adjectives written with a capital ("Chinese cities") are not names.
_DEMONYM = re.compile(r"(?:ese|ian|ish|ican|ean)$")
# Lower-case single words kept only when their ending marks a noun ("cooperation").
_NOUN_ENDING = re.compile(r"(?:tion|sion|ment|ness|ity|ship|ism|ance|ence|logy|ure|ency|acy|"
                          r"ist|eer|dom|hood)$")
_NOT_IN_PHRASE = re.compile(r"(?:ing|ly|ed)$")
# lower-case runs of whole words: not the "angzhou" of "Hangzhou"
_WORD_RUN = re.compile(r"\b[a-z][a-z\-]+(?:\s+[a-z][a-z\-]+)*\b")


def _english_keyphrases(text: str, title: str, limit: int) -> list[str]:
    """Names (capitalised runs that are not nationality adjectives nor a sentence's first
    word) and lower-case noun phrases of two or three content words, scored by frequency
    with title mentions counting double; names count double too. A phrase of the title
    counts only when the text writes it too: headlines drop the articles and auxiliaries
    that mark a clause, so their runs of lower-case words join a subject to its verb
    ("start-ups weigh")."""
    scores: Counter[str] = Counter()
    written: dict[str, str] = {}
    in_text: set[str] = set()
    mid_sentence = {m.group(1) for m in re.finditer(r"[a-z,;:'’\-]\s+([A-Z][\w'’\-]*)", text)}
    for source, weight in ((text, 2), (title, 4)):
        for name in _name_runs(source):
            key = name.lower()
            if key in KEYPHRASE_STOPWORDS or (" " not in name and (_DEMONYM.search(name) or (
                    source is text and name.split("'")[0] not in mid_sentence
                    and not name.isupper()))):
                continue
            written.setdefault(key, name)
            scores[key] += weight
        for run in _WORD_RUN.findall(source):
            for phrase in _noun_phrases(run.split()):
                if source is title and phrase not in in_text:
                    continue  # a headline's lower-case run is often subject and verb
                written.setdefault(phrase, phrase)
                scores[phrase] += weight // 2
        in_text = set(scores)
    chosen: list[str] = []
    for key, score in scores.most_common():
        if score < 2 or len(chosen) == limit:
            break
        if any(key in other or other in key for other in chosen):
            continue
        chosen.append(key)
    return [written[key] for key in chosen]


def _noun_phrases(run: list[str]) -> list[str]:
    """Two- and three-word stretches of content words ending in a noun-like word, and
    single words with a noun ending."""
    # each word tested once ("" where it cannot be part of a phrase), not once per stretch
    usable = [w if w not in EN_STOPWORDS and len(w) > 2 and not _NOT_IN_PHRASE.search(w)
              else "" for w in run]
    phrases = []
    for size in (3, 2, 1):
        for i in range(len(usable) - size + 1):
            part = usable[i:i + size]
            if not all(part):
                continue
            if size == 1 and not _NOUN_ENDING.search(part[0]):
                continue
            phrases.append(" ".join(part))
    return phrases

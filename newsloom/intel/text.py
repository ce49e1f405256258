"""Sentences, words and numbers for English and Chinese: the shared tokenization behind
keyphrases, entities, summaries and answers. Chinese words come from jieba."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain
from pathlib import Path

from newsloom.han import HAN, HAN_CHAR, han_bigrams

_CJK = HAN_CHAR
HAN_RUN_SPLIT = re.compile(f"([{HAN}]+)")
_ZH_SENT = re.compile(r"(?<=[。！？!?；])(?=[^”’」』）)\"'])|(?<=[。！？!?][”’」』）)\"'])")
# a sentence starts with a capital, or with a quotation opened before any word (lower-cased
# copies write `said kiernan. "she ran ...`)
_EN_SENT = re.compile(r"(?<=[.!?])([\"'”’)]?)\s+(?=[\"'“‘(]?[A-Z0-9]|[\"“][a-z])")
_OPENING_QUOTES = "“「『"
_CLOSING_QUOTES = "”」』"
_QUOTE_MARK = re.compile(
    r"[“”「」『』\"]|``|''|"
    # single quotes, told from apostrophes (Nato's, don't, ’s) by what surrounds them
    r"(?P<open>(?<!\w)['‘](?=\w)(?!(?:s|t|re|ve|ll|d|m)\b))|(?P<close>(?<=[\w.,!?;:])['’](?!\w))")
_EN_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
_ABBREVIATIONS = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|St|No|Gen|Sen|Rep|Gov|Jr|Sr|vs|U\.S|U\.K)\.$")

EN_STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "said",
        "same",
        "says",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "mr",
        "mrs",
        "ms",
        "one",
        "two",
        "new",
        "year",
        "years",
        "told",
        "according",
        "also",
        "would",
        "could",
        "may",
        "might",
        "must",
    ]
)
ZH_STOPWORDS = frozenset(
    [
        "的",
        "了",
        "在",
        "是",
        "和",
        "与",
        "及",
        "或",
        "也",
        "都",
        "而",
        "就",
        "对",
        "将",
        "把",
        "被",
        "从",
        "向",
        "于",
        "以",
        "为",
        "之",
        "其",
        "这",
        "那",
        "这些",
        "那些",
        "一个",
        "我们",
        "他们",
        "她们",
        "你们",
        "他",
        "她",
        "它",
        "我",
        "你",
        "有",
        "没有",
        "不",
        "没",
        "又",
        "还",
        "并",
        "但",
        "但是",
        "而且",
        "因为",
        "所以",
        "如果",
        "已经",
        "可以",
        "表示",
        "指出",
        "认为",
        "称",
        "说",
        "据",
        "据报",
        "报道",
        "目前",
        "今天",
        "昨天",
        "明天",
        "周一",
        "周二",
        "周三",
        "周四",
        "周五",
        "周六",
        "周日",
        "今年",
        "去年",
        "方面",
        "进行",
        "相关",
        "中",
        "上",
        "下",
        "个",
        "名",
        "等",
        "等等",
        "人",
        "会",
        "要",
        "能",
        "到",
        "说明",
        "透过",
        "通过",
        "当",
        "的话",
        "们",
        "则",
        "时",
        "后",
        "前",
        "已",
        "该",
        "此",
        "亦",
        "而言",
        "记者",
    ]
)
"""Chinese function words and reporting fillers, in Simplified: names and keyphrases test
the Simplified words they cut, words() tests a word of either script with is_zh_stopword."""


def is_zh_stopword(word: str) -> bool:
    """True for a Chinese stopword written in either script: the list is kept in
    Simplified only, so that no check can miss a word for being written in the other
    script (a Traditional entry never matched the Simplified text names are cut from)."""
    return word in ZH_STOPWORDS or to_simplified(word) in ZH_STOPWORDS


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ZH_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_ZH_DAY_NUMBERS = "一二三四五六日"


def weekdays(text: str) -> set[int]:
    """The days of the week a text names in English or Chinese, 0 for Monday."""
    simple = to_simplified(text).lower()
    days = {i for i, day in enumerate(WEEKDAYS) if re.search(rf"\b{day}\b", simple)}
    # 星期天 and 礼拜天 are 星期日
    return days | {_ZH_DAY_NUMBERS.index(m.group(1).replace("天", "日"))
                   for m in _ZH_WEEKDAY.finditer(simple)}


def zh_weekday(day: int) -> list[str]:
    """The ways Chinese writes a day of the week (0 for Monday), in Simplified: a closed
    set, so an English question's day is translated by it, not guessed by the
    embedding (which puts Sunday nearest 四天)."""
    number = _ZH_DAY_NUMBERS[day]
    numbers = [number, "天"] if number == "日" else [number]
    return [f"{prefix}{n}" for prefix in ("周", "星期", "礼拜") for n in numbers]


CALENDAR_WORDS = frozenset(
    [*WEEKDAYS,
     "january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"]
)
"""Day and month names: written with a capital, never a name nor what an article is about."""
KEYPHRASE_STOPWORDS = CALENDAR_WORDS | frozenset(
    ["image", "images", "caption", "copyright", "photo", "photos", "getty", "advertisement",
     "source", "video", "media", "playback", "rss"]
)
"""Latin words never filed as keyphrases besides EN_STOPWORDS: dates, and the caption and
credit words of pictures and players that publishers' pages carry ("Image caption"), and
the RSS of a feed's footer."""
ZH_NOT_KEYPHRASES = frozenset(
    ["人称", "时说", "形容", "预料", "全部", "全面", "危害", "喻为", "的哥", "办公", "图片", "版权",
     "路透", "路透社", "汤森路透", "法新社", "美联社", "共同社", "中央社",
     "人士", "作者", "建议"]
)
"""Verbs, adverbs and mis-cut pieces that jieba's dictionary tags as nouns (形容 n, 全部 n)
or that it cuts across a word (发言 + 人称 for 发言人 + 称, 采访 + 时说, 克罗地亚的 +
哥历), and that the verb list learnt from the corpus (entities.VERB_LIST: 行使, 列明, 因应)
misses, words that only point at whoever or whatever the article names (消息 + 人士, the
作者 of an opinion piece, a 建议 jieba tags a noun where the article mostly proposes), the
caption words of pictures (图片版权 Getty Images), and the wire agencies, whose
name in a wire's copy is its credit and its source, not its subject (路透北京6月29日 -, 某人士
对路透表示, 汤森路透"信任原则"): never keyphrases, whatever their tag in context (Simplified
forms)."""
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋"
    "蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段"
    "雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤聂区麦岑涂葛温施骆庄翁柯祈尤欧司"
    "蓬努库耿"  # the last four: 蓬佩奥, 努钦, 库德洛, 耿爽
)
"""Common Chinese surnames (Simplified), the first character of most names in the news."""

_jieba_lock = threading.Lock()
_jieba_ready = False


USER_DICTIONARY = Path(__file__).with_name("zh_names.txt")
"""Names of today's news that jieba's own dictionary lacks (李家超), built from the corpus by
benchmarks/build_zh_names.py: "name frequency nr" per line."""


def _jieba():  # type: ignore[no-untyped-def]
    """jieba, initialised once (loading its dictionary takes about a second), with the
    news-names user dictionary so names stay whole in words, names and keyphrases."""
    global _jieba_ready
    import jieba

    with _jieba_lock:
        if not _jieba_ready:
            jieba.setLogLevel(60)
            jieba.initialize()
            if USER_DICTIONARY.exists():
                jieba.load_userdict(str(USER_DICTIONARY))
            _jieba_ready = True
    return jieba


_converter_lock = threading.Lock()
_converters: dict[str, object] = {}


def _convert(text: str, config: str) -> str:
    with _converter_lock:
        if config not in _converters:
            import opencc

            _converters[config] = opencc.OpenCC(config)
    return _converters[config].convert(text)  # type: ignore[attr-defined]


def to_simplified(text: str) -> str:
    """Traditional to Simplified Chinese (OpenCC), so 國安法 and 国安法 match."""
    return _convert(text, "t2s")


def to_traditional(text: str) -> str:
    """Simplified to Traditional Chinese for readers of the 繁體 interface, with Hong Kong
    forms (為, not OpenCC's standard 爲), as the Hong Kong and Taiwan press writes them."""
    return _convert(text, "s2hk")


def is_traditional(text: str) -> bool:
    """True when the text is written in Traditional characters (converting it to
    Simplified changes it)."""
    return to_simplified(text) != text


def is_chinese(text: str) -> bool:
    """True when Han characters make up a good part of the text."""
    sample = text[:500]
    return len(_CJK.findall(sample)) > max(5, len(sample) * 0.15)


_LATIN_WORD = re.compile(r"(?<![.!?\"“])\s([A-Za-z][a-z]+)")


def is_lower_cased(text: str) -> bool:
    """True for English written without capitals inside sentences (the QAGS copy of
    XSum: "judge thomas lipps rejected ..."), where capitals no longer mark names."""
    inside = _LATIN_WORD.findall(text[:3000])
    return len(inside) >= 40 and sum(w[0].isupper() for w in inside) < 0.01 * len(inside)


def sentences(text: str) -> list[str]:
    """Split into sentences: Chinese at full stops (and ！？；), English at . ! ? before a
    capital, not after common abbreviations and not inside a quotation that closes in the
    same paragraph (他说：「我们会努力。我们有信心。」 is one sentence: the quote is what
    was said, and cutting it would quote half of it as an answer). Paragraph breaks
    always split."""
    return list(iter_sentences(text))


def iter_sentences(text: str) -> Iterator[str]:
    """`sentences`, a paragraph at a time: a reader of the opening (an article's lead)
    stops without splitting the rest."""
    for paragraph in text.split("\n"):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        quoted = _quotations(paragraph)
        parts: list[str] = []
        start = 0
        pattern = _ZH_SENT if is_chinese(paragraph) else _EN_SENT
        for match in pattern.finditer(paragraph):
            end = match.end(1) if match.groups() else match.start()
            if any(opened < end <= closed for opened, closed in quoted):
                continue
            piece = paragraph[start:end]
            if parts and pattern is _EN_SENT and _ABBREVIATIONS.search(parts[-1]):
                parts[-1] = f"{parts[-1]} {piece.strip()}"
            else:
                parts.append(piece)
            start = match.end()
        piece = paragraph[start:]
        if parts and pattern is _EN_SENT and _ABBREVIATIONS.search(parts[-1]):
            parts[-1] = f"{parts[-1]} {piece.strip()}"
        else:
            parts.append(piece)
        yield from (p.strip() for p in parts if p and p.strip())


def _quotations(paragraph: str) -> list[tuple[int, int]]:
    """(opening, closing) positions of each quotation that closes within the paragraph:
    curly and corner quotes nest, straight double quotes and ``XSum-style'' pairs
    alternate, a single quote opens before a word and closes after one. A quotation left
    open (one running on into the next paragraph) is ignored, so it cannot swallow the
    rest of the paragraph."""
    spans: list[tuple[int, int]] = []
    nested: list[int] = []
    singles: list[int] = []
    straight: int | None = None
    backticks: int | None = None
    for match in _QUOTE_MARK.finditer(paragraph):
        mark, at = match.group(), match.start()
        if match.group("open"):
            singles.append(at)
        elif match.group("close"):
            if singles:
                spans.append((singles.pop(), at))
        elif mark in _OPENING_QUOTES:
            nested.append(at)
        elif mark in _CLOSING_QUOTES:
            if nested:
                spans.append((nested.pop(), at))
        elif mark == '"':
            role = _straight_role(paragraph, at)
            if straight is not None and role != "open":
                spans.append((straight, at))
                straight = None
            elif straight is not None:
                # a quote that opens while one is open: the one before ran on from a
                # paragraph the copy has joined to this one ("... recognise. "the
                # artwork ..."), and ended where this one opens
                spans.append((straight, len(paragraph[:at].rstrip()) - 1))
                straight = at
            elif role != "close":
                straight = at
        elif mark == "``":
            backticks = at
        elif backticks is not None:
            spans.append((backticks, at + 1))
            backticks = None
    return spans


def _straight_role(paragraph: str, at: int) -> str:
    """Whether the straight double quote at `at` opens a quotation (after a space, before
    a word), closes one (after a word or a stop, before a space or a stop) or may do either
    (between two characters of Chinese): English copy that joins paragraphs leaves quotes
    unclosed, so alternating opening and closing marks would run out of step."""
    before = paragraph[at - 1] if at else " "
    after = paragraph[at + 1] if at + 1 < len(paragraph) else " "
    if (before.isspace() or before in "([") and not after.isspace():
        return "open"
    if (after.isspace() or after in ".,;:!?)") and not before.isspace():
        return "close"
    return "either"


NAME_TAGS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})
"""jieba's tags of proper names: person, transliterated person, place, organisation, other."""
_TRANSLITERATED = "nrt"
MIN_TRANSLITERATIONS = 10  # a character in at least this many of jieba's nrt names ...
MIN_TRANSLITERATION_SHARE = 0.05  # ... and this share of all the dictionary words it is in


@lru_cache(maxsize=1)
def _transliteration_characters() -> frozenset[str]:
    """The characters Chinese writes foreign names with (斯, 特, 科, 夫, 威 ...), learnt
    from jieba's own dictionary: those found in many of its transliterated person names
    (tag nrt) and making up a fair share of the words they occur in, so that 京 or 人
    are not among them."""
    import jieba.posseg as posseg

    _jieba()
    tags = posseg.dt.word_tag_tab
    anywhere = Counter(chain.from_iterable(map(set, tags)))
    in_names = Counter(chain.from_iterable(set(w) for w, t in tags.items()
                                           if t == _TRANSLITERATED))
    return frozenset(c for c, n in in_names.items() if n >= MIN_TRANSLITERATIONS
                     and n / anywhere[c] >= MIN_TRANSLITERATION_SHARE)


# Single characters that tie words together rather than spell names: 比 "than" before
# 特朗普, 和 "and" between two names (prepositions, conjunctions, particles, pronouns).
_FUNCTION_TAGS = frozenset({"p", "c", "u", "uj", "ul", "uv", "uz", "ud", "ug", "r"})


def _name_piece(word: str, tag: str | None) -> bool:
    """A name, or a word jieba does not know, written in transliteration characters."""
    return (tag is None or tag in NAME_TAGS) and _transliteration_characters().issuperset(word)


def _whole_names(pieces: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Adjacent pieces of one transliterated name joined: jieba cuts a foreign name its
    dictionary lacks into pieces it knows (威 + 特科夫, 德米特 + 里耶夫, 帕特里 + 克), and a
    fragment then stands for the person in names, keyphrases and answers. A run of pieces
    written only in transliteration characters is joined when one of them is a name of two
    or more characters and each other one is a name too or a single character that is not
    a function word (克 tagged as a measure word is a name's last syllable; 比 "than" before
    特朗普 is not)."""
    spelling = _transliteration_characters()
    out: list[tuple[str, str | None]] = []
    run: list[tuple[str, str | None]] = []
    for piece in [*pieces, ("", None)]:
        word, tag = piece
        if word and spelling.issuperset(word) and (
                tag is None or tag in NAME_TAGS or (len(word) == 1 and tag not in _FUNCTION_TAGS)):
            run.append(piece)
            continue
        if len(run) > 1 and any(len(w) > 1 and _name_piece(w, t) for w, t in run):
            out.append(("".join(w for w, _ in run), _TRANSLITERATED))
        else:
            out.extend(run)
        run = []
        if word:
            out.append(piece)
    return out


def zh_tagged(text: str, hmm: bool = False) -> list[tuple[str, str]]:
    """jieba's words of Chinese text with their part-of-speech tags, transliterated
    names kept whole (HMM off by default: several times faster, and the dictionary holds
    the names)."""
    import jieba.posseg as posseg

    _jieba()
    cut = [(p.word, p.flag) for p in posseg.cut(text, HMM=hmm)]
    return [(w, t or "x") for w, t in _whole_names(cut)]  # type: ignore[misc]


@lru_cache(maxsize=4096)
def _zh_words(text: str) -> tuple[str, ...]:
    from jieba.posseg import dt

    jieba = _jieba()
    tags = dt.word_tag_tab
    return tuple(w for w, _ in _whole_names([(w, tags.get(w)) for w in jieba.lcut(text)]))


def zh_cut(text: str) -> tuple[str, ...]:
    """A run of Chinese as jieba cuts it, every piece kept (names whole)."""
    return _zh_words(text)


def jieba_frequency() -> dict[str, int]:
    """jieba's dictionary counts by word (the dictionary loaded to cut Chinese)."""
    return _jieba().dt.FREQ  # type: ignore[no-any-return]


def words(text: str) -> list[str]:
    """Content words, lower-cased, stopwords and punctuation removed (jieba for Chinese)."""
    result: list[str] = []
    for chunk in HAN_RUN_SPLIT.split(text):
        if not chunk:
            continue
        if _CJK.match(chunk):
            # single characters are mostly particles; two-character words carry meaning
            result.extend(w for w in _zh_words(chunk) if len(w) > 1 and not is_zh_stopword(w))
        else:
            result.extend(w for w in _EN_WORD.findall(chunk.lower()) if w not in EN_STOPWORDS)
    return result


def numbers(text: str) -> set[str]:
    """Numbers worth matching across reports (two or more digits, separators removed)."""
    found = set()
    for match in _NUMBER.findall(text):
        value = match.replace(",", "").rstrip(".")
        if len(value.replace(".", "")) >= 2:
            found.add(value)
    return found


def match_tokens(text: str) -> list[str]:
    """Tokens two reports of one event share whatever their script or segmentation: Han
    bigrams of the Simplified text (a Traditional and a Simplified report then share them,
    and no segmenter cuts a new name wrongly), and Latin content words without a plural s."""
    tokens: list[str] = []
    for chunk in HAN_RUN_SPLIT.split(to_simplified(text) if _CJK.search(text) else text):
        if not chunk:
            continue
        if _CJK.match(chunk):
            tokens.extend(han_bigrams(chunk))
            continue
        for word in _EN_WORD.findall(chunk.lower()):
            if word in EN_STOPWORDS:
                continue
            if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
                word = word[:-1]
            tokens.append(word)
    return tokens

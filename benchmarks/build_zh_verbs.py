"""Learn which words jieba's dictionary tags as nouns are used as verbs, from the corpus:
`python benchmarks/build_zh_verbs.py` writes newsloom/intel/zh_verbs.txt (shipped as package
data; nothing is read from the corpus at run time).

jieba tags a word by its dictionary entry alone, and the entry calls many verbs and adverbs
nouns (因应, 行使, 理会, 全部 n; 列明, 从简 nr), which are then filed as keyphrases. How the
news uses a word tells: a verb follows a negation (不理会) or a modal or aspect adverb (将因应,
已行使) and takes an aspect particle (预料了); a noun follows 的, a number or measure word, or
a demonstrative (该公司, 一名男子). A word jieba tags as a noun or name is listed when at least
MIN_COUNT of its uses are read (theagora-news1-zh-2020, reserved days and the keyphrase
benchmark's samples skipped), at least VERB_SHARE of them in a verb's place, and more in a
verb's place than in a noun's."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.keyphrase_faults import samples  # noqa: E402
from benchmarks.story_sets import reserved  # noqa: E402
from newsloom.articles.sanitize import html_to_text  # noqa: E402
from newsloom.intel.entities import VERB_LIST, ZH_PHRASE_TAGS  # noqa: E402
from newsloom.intel.text import to_simplified, zh_tagged  # noqa: E402
from tests.corpora import require_corpora, theagora_rows  # noqa: E402

MIN_COUNT = 20
VERB_SHARE = 0.08
# before a verb, hardly ever before a noun: negations, and adverbs of time, modality and
# aspect (not 将, 就 or 并, which also stand before nouns as "to", "about" and "and")
BEFORE_VERB = frozenset([
    "不", "没", "未", "并未", "尚未", "从未", "无法", "不会", "不能", "不再", "不要",
    "勿", "别", "毋须", "无须", "不必", "不用", "已", "已经", "曾", "曾经", "正在",
    "必须", "应该", "可以", "能够", "将会", "仍然", "亦", "也", "都", "再", "又", "还",
    "均", "即", "便", "才", "仍", "继续", "正", "须", "应", "可", "能", "会", "要"])
AFTER_VERB = frozenset(["了", "着", "过"])  # aspect particles
BEFORE_NOUN = frozenset(["的", "这", "那", "此", "各", "每", "这些", "那些", "该", "这个", "那个",
                         "一些", "所有"])
NUMBER_TAGS = ("m", "q")  # 一名, 三宗


def contexts() -> tuple[Counter[str], Counter[str], Counter[str]]:
    """(uses, uses in a verb's place, uses in a noun's place) of each word of two or more
    characters that jieba tags as a noun or a name."""
    skipped = {row["id"] for sample in samples() for row in sample}
    uses: Counter[str] = Counter()
    verb: Counter[str] = Counter()
    noun: Counter[str] = Counter()
    for row in theagora_rows():
        if reserved(row["published"]) or row["id"] in skipped:
            continue
        body = html_to_text(row["body"]) if row["body_format"] == "html" else row["body"]
        tagged = zh_tagged(to_simplified(f"{row['title']}。{body}"))
        for i, (word, tag) in enumerate(tagged):
            if len(word) < 2 or tag not in ZH_PHRASE_TAGS or tag == "eng":
                continue
            before = tagged[i - 1] if i else ("", "x")
            after = tagged[i + 1][0] if i + 1 < len(tagged) else ""
            uses[word] += 1
            verb[word] += before[0] in BEFORE_VERB or after in AFTER_VERB
            noun[word] += before[0] in BEFORE_NOUN or before[1] in NUMBER_TAGS
    return uses, verb, noun


def build() -> list[str]:
    uses, verb, noun = contexts()
    return sorted((w for w, n in uses.items()
                   if n >= MIN_COUNT and verb[w] >= VERB_SHARE * n and verb[w] > noun[w]),
                  key=lambda w: (-uses[w], w))


def main() -> None:
    require_corpora()
    verbs = build()
    VERB_LIST.write_text("".join(f"{word}\n" for word in verbs), encoding="utf-8")
    print(f"{len(verbs)} words written to {VERB_LIST.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

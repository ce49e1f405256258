"""Transliterated names kept whole, measured on the corpus: `python benchmarks/zh_whole_names.py`.

jieba cuts a foreign name its dictionary lacks into pieces it knows (威 + 特科夫), and
newsloom joins adjacent pieces written only in transliteration characters
(newsloom/intel/text.py). Two figures, on a random sample of theagora-news1-zh-2020
articles (reserved days never read):

* recall on names held back: every transliterated person name of jieba's dictionary (tag
  nrt, three characters or more) that occurs in the sample is removed from the dictionary
  in turn, as if jieba had never seen it, and the sentences holding it are cut again: the
  share in which the name comes out whole, with plain jieba (the baseline) and with the
  joining rule;
* what the rule joins in the sample as it is: how many joins per article, and the most
  frequent joined strings, to read for wrong joins.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.story_sets import reserved  # noqa: E402
from newsloom.intel.text import _jieba, _whole_names, to_simplified  # noqa: E402
from tests.corpora import require_corpora, theagora_rows  # noqa: E402

SAMPLE = 1500
SEED = 12
SENTENCES_PER_NAME = 3


def sample_texts() -> list[str]:
    rows = [r for r in theagora_rows() if not reserved(r["published"])]
    random.Random(SEED).shuffle(rows)
    return [to_simplified(f"{r['title']}。{re.sub('<[^>]+>', ' ', r['body'])}")
            for r in rows[:SAMPLE]]


def cut(sentence: str, join: bool) -> list[str]:
    import jieba.posseg as posseg

    pieces = [(p.word, p.flag) for p in posseg.cut(sentence, HMM=False)]
    return [w for w, _ in (_whole_names(pieces) if join else pieces)]


def held_back_recall(texts: list[str]) -> tuple[int, int, int, int]:
    """(names, sentences, whole with plain jieba, whole with joining)."""
    import jieba.posseg as posseg

    jieba = _jieba()
    sentences = [s for t in texts for s in re.split(r"[。！？\n]", t) if s.strip()]
    names = sorted({w for w, tag in posseg.dt.word_tag_tab.items()
                    if tag == "nrt" and len(w) >= 3}
                   & {w for s in sentences for w in jieba.lcut(s, HMM=False)})
    total = plain = joined = 0
    for name in names:
        frequency = jieba.get_FREQ(name)
        jieba.del_word(name)
        try:
            for sentence in [s for s in sentences if name in s][:SENTENCES_PER_NAME]:
                total += 1
                plain += name in cut(sentence, join=False)
                joined += name in cut(sentence, join=True)
        finally:
            jieba.add_word(name, frequency, "nrt")
    return len(names), total, plain, joined


def joins(texts: list[str]) -> Counter[str]:
    import jieba.posseg as posseg

    _jieba()
    found: Counter[str] = Counter()
    for text in texts:
        pieces = [(p.word, p.flag) for p in posseg.cut(text, HMM=False)]
        whole = {w for w, _ in pieces}
        found.update(w for w, tag in _whole_names(pieces) if tag == "nrt" and w not in whole)
    return found


def main() -> None:
    require_corpora()
    texts = sample_texts()
    names, total, plain, joined = held_back_recall(texts)
    print(f"\nTransliterated names held back from jieba's dictionary ({names} names of tag nrt "
          f"in {SAMPLE} articles, {total} sentences)")
    print(f"{'cutting':<28} {'name whole':>10}")
    print(f"{'jieba (baseline)':<28} {plain / total:>10.1%}")
    print(f"{'jieba + joining':<28} {joined / total:>10.1%}")
    found = joins(texts)
    print(f"\nJoins in the sample as it is: {sum(found.values())} in {SAMPLE} articles, "
          f"{len(found)} distinct; most frequent:")
    print(" ".join(f"{w}×{n}" for w, n in found.most_common(40)))


if __name__ == "__main__":
    main()

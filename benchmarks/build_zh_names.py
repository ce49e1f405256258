"""Build jieba's user dictionary of Chinese names from the names the corpus shows:
`python benchmarks/build_zh_names.py` writes newsloom/intel/zh_names.txt (shipped as
package data; nothing is downloaded or read from the corpus at run time).

jieba's bundled dictionary predates most of today's news names, so it cuts 李家超 into
李家 + 超 and 林鄭月娥 into pieces; keyphrases and story names then carry fragments. News
introduces a person by title ("保安局局长李家超表示"), so the 2-4 characters between a
title and a reporting verb or punctuation are a name candidate. A candidate is kept when it
occurs at least MIN_COUNT times in theagora-news1-zh-2020 (reserved days skipped), starts
with a common Chinese surname or is written only in transliteration characters (蓬佩奥),
and jieba does not already know it as one word."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.story_sets import reserved  # noqa: E402
from newsloom.intel.text import SURNAMES, USER_DICTIONARY, to_simplified  # noqa: E402
from tests.corpora import require_corpora, theagora_rows  # noqa: E402

MIN_COUNT = 5
FREQUENCY = 2000  # jieba word frequency: high enough that the name wins over its pieces
TITLES = ("行政长官|特首|局长|司长|主席|总统|总理|首相|部长|外长|国务卿|发言人|议员|知事|秘书长|"
          "大使|主任|署长|处长|总裁|委员|市长|州长|省长|书记|特使|法官|教授|院长|董事长|校长|"
          "会长|总监|副总统|副总理|防长|财长|医生|顾问|警司|召集人|常委")
AFTER = ("表示|说|称|指|今日|昨日|今天|昨天|周[一二三四五六日]|在|与|和|对|向|于|亦|又|强调|认为|"
         "重申|宣布|回应|出席|会见|提到|，|。|、|：")
CANDIDATE = re.compile(rf"(?:{TITLES})([\u4e00-\u9fff]{{2,4}}?)(?={AFTER})")
TRANSLITERATION = set("斯尔特克德普佩奥努钦龙纳瓦罗蓬莱恩马里拉加丁尼亚巴布朗伊西科夫基诺维托米卡塔"
                      "泽连沃茨埃珀杜鲁多古雷霍金贝哈索菲摩兰默蒂莫迪勒赫蒙格亨利约翰彼得艾安娜玛丽"
                      "丝琳萨施潘白思豪孔沙法波兹姆")


NOT_LAST = set("则将等曾内日告题期")  # 赵立坚则, 蓬佩奥将, 骆惠宁等: a name and the next word


def plausible(name: str, counts: Counter[str]) -> bool:
    """A person's name, not a name with the following word glued on (张晓明则: 张晓明 is
    itself a more frequent candidate) nor a phrase such as 周四公告 or 任期内."""
    if name[-1] in NOT_LAST or any(counts[name[:cut]] > counts[name]
                                   for cut in range(2, len(name))):
        return False
    return name[0] in SURNAMES or all(ch in TRANSLITERATION for ch in name)


def build() -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for row in theagora_rows():
        if reserved(row["published"]):
            continue
        body = re.sub("<[^>]+>", " ", row["body"]) if row["body_format"] == "html" else row["body"]
        text = to_simplified(f"{row['title']}。{body}")
        counts.update(m.group(1) for m in CANDIDATE.finditer(text))
    import jieba

    jieba.setLogLevel(60)
    bundled = jieba.Tokenizer()  # jieba's own dictionary, without the user dictionary
    return [(name, count) for name, count in counts.most_common()
            if count >= MIN_COUNT and plausible(name, counts)
            and len(bundled.lcut(name, HMM=False)) > 1]


def main() -> None:
    require_corpora()
    names = build()
    USER_DICTIONARY.write_text("".join(f"{name} {FREQUENCY} nr\n" for name, _ in names),
                               encoding="utf-8")
    print(f"{len(names)} names written to {USER_DICTIONARY.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""The English → Chinese dictionary (CC-CEDICT through lexicon) that "ask this article"
translates an English question's words with, into the words a Chinese article writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsloom.intel import lexicon
from newsloom.intel.question_terms import _written_as_word, dictionary_words


@pytest.mark.parametrize(("english", "chinese"), [
    ("hong kong", "香港"),       # a two-word name, whole
    ("nikkei", "日经"),          # a name the gloss opens ("Nikkei, abbr. for ...")
    ("lee teng hui", "李登辉"),  # a person, life dates dropped
    ("han kuo yu", "韩国瑜"),    # "Daniel Han Kuo-yu (1957-)": without the English given name
    ("icbc", "工行"),            # an acronym in parentheses
    ("world health organization", "世界卫生组织"),
    ("virus", "病毒"),           # the common word before the rare one (毒感)
    ("die", "去世"),             # "to die"
])
def test_the_dictionary_gives_the_chinese_for_english(english: str, chinese: str) -> None:
    assert chinese in [word for word, _ in lexicon.chinese(english)]


def test_the_best_translation_comes_first() -> None:
    assert lexicon.chinese("hong kong")[0] == ("香港", True)
    assert lexicon.chinese("china")[0] == ("中国", True)  # not 中, also "China"
    assert lexicon.chinese("no such english words here") == ()


@pytest.mark.parametrize(("gloss", "keys"), [
    ("to die", {"die"}),
    ("ICBC (Industrial and Commercial Bank of China)",
     {"icbc", "industrial and commercial bank of china"}),
    # a place named only as context, or a name that opens a description, is not translated
    ("Human Rights law (Hong Kong)", {"human rights law"}),
    ("Hong Kong catfish (Clarias fuscus)", {"hong kong catfish"}),
    ("surname Li", set()),
    ("variant of 中[zhong1]", set()),
    ("CL:個|个[ge4]", set()),
])
def test_glosses_give_keys_only_for_what_they_translate(gloss: str, keys: set[str]) -> None:
    assert {key for key, _ in lexicon.gloss_keys(gloss)} == keys


def test_chinese_numerals_are_also_looked_for_as_digits() -> None:
    assert lexicon.with_digits("十月") == "10月"
    assert lexicon.with_digits("二十一世纪") == "21世纪"
    assert lexicon.with_digits("香港") is None


def test_a_word_must_be_written_as_a_word() -> None:
    assert _written_as_word("香港", "香港人口减少")
    assert not _written_as_word("毒感", "病毒感染者增加")  # "virus" across 病毒 and 感染


def test_names_and_acronyms_are_read_as_written() -> None:
    article = "中国对美国出口下降，我们认为香港经济将放缓。10月数据"
    found = dictionary_words("How much did China's exports to the US fall in October?",
                             ["china", "us", "october"], article)
    assert found == {"china": "中国", "us": "美国", "october": "10月"}  # US is no 我们
    found = dictionary_words("Which bill did the Hong Kong legislature pass?",
                             ["bill", "hong", "kong"], "香港立法会通过条例草案，比尔表示")
    assert found.get("hong") == found.get("kong") == "香港"
    assert "bill" not in found  # Bill (比尔) is a name; "bill" written small is not


def test_the_table_is_written_once_and_read_back(tmp_path: Path) -> None:
    built = lexicon._table_bytes(tmp_path)
    files = list(tmp_path.glob("cedict-en-zh-*.txt"))
    assert len(files) == 1 and files[0].stat().st_size == len(built) > 1_000_000
    again = lexicon._table_bytes(tmp_path)  # mapped from the file, not built again
    assert again[:200] == built[:200] and len(again) == len(built)

"""Chinese keyphrases: names and noun phrases whole, never credits, verbs or fillers."""

from __future__ import annotations

from newsloom.intel.entities import keyphrases


def test_the_wire_that_files_the_story_is_not_a_keyphrase() -> None:
    # a wire's copy names itself in the dateline, as the one a source spoke to, and in its footer
    text = ("路透上海6月29日 - 中国多家银行计划申请券商牌照。一位银行人士对路透表示，券商业务"
            "可望带来新收入。另一位券商人士对路透称，牌照审批需时。\n"
            "我们的标准：汤森路透“信任原则”")
    phrases = keyphrases(text, "中国银行业计划申请券商牌照")
    assert {"券商", "牌照"} <= set(phrases), phrases
    assert not {"路透", "汤森路透"} & set(phrases), phrases

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


def test_a_foreign_name_jieba_cuts_after_its_first_syllable_is_whole() -> None:
    # jieba cuts 马 + 尔帕斯 (a transliterated name); the article never writes 尔帕斯 alone
    text = ("世界银行行长马尔帕斯周四表示，贫穷国家的债务负担日益沉重。马尔帕斯说，世行将在未来"
            "十五个月提供1600亿美元援助。马尔帕斯呼吁债权国暂停收取利息。")
    phrases = keyphrases(text, "世行行长：穷国债务负担沉重")
    assert "马尔帕斯" in phrases and "尔帕斯" not in phrases, phrases


def test_a_continued_word_takes_the_word_always_written_before_it() -> None:
    # 欧元 stands alone too, but 集团主席 never does; 美国 + 总统 + 特朗普: a person's name
    # does not take the title before it
    text = ("欧元集团主席森特诺周三表示，不排除发行联合债券。欧元区经济今年或萎缩，欧元汇价下跌。"
            "欧元集团主席又称，各国须团结应对。美国总统特朗普批评欧洲。美国总统特朗普又说，美国经济会复苏。")
    phrases = keyphrases(text, "欧元集团主席：不排除联合发债")
    assert "欧元集团主席" in phrases and "集团主席" not in phrases, phrases
    assert "特朗普" in phrases and "总统特朗普" not in phrases, phrases


def test_words_that_only_point_at_someone_are_not_keyphrases() -> None:
    # 人士 stands for the sources the article names by their trade, 作者 for the writer of
    # the piece, 建议 for what someone proposes
    text = ("银行业人士表示，今年楼价或会回落。地产业人士则认为，楼市需求仍然强劲。作者认为，"
            "政府应增加土地供应。作者又建议放宽按揭成数，有关建议可刺激楼市。")
    phrases = keyphrases(text, "评论：楼价走势难料")
    assert {"楼价", "楼市"} <= set(phrases), phrases
    assert not {"人士", "作者", "建议"} & set(phrases), phrases

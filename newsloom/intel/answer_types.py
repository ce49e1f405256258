"""What kind of answer a question asks for, and whether a sentence holds one.

"When did digital Zhejiang start?" is answered only by a sentence that gives a date or a
time; quoting the sentence that merely shares the word "start" was the wrong answer readers
saw. So a question gets a wanted kind (time, number, agent: a person or organisation,
place, reason, or any), and a sentence counts as a candidate answer only when it holds something of
that kind that the question does not already say. The patterns cover English and Chinese
(Traditional is compared as Simplified) whatever the question's language, so an
English "how many" question finds the number in a Chinese sentence."""

from __future__ import annotations

import re
from enum import Enum

from newsloom.intel.text import CALENDAR_WORDS, EN_STOPWORDS, NAME_TAGS, to_simplified, zh_tagged


class Kind(Enum):
    TIME = "time"
    AGE = "age"
    DURATION = "duration"
    MEASURE = "measure"
    MONEY = "money"
    NUMBER = "number"
    AGENT = "agent"
    PLACE = "place"
    REASON = "reason"
    ANY = "any"


# the nouns that name a sum of money in a Chinese question (份额 is a share, not a sum)
_ZH_MONEY_NOUN = (r"钱|租金|费用|金额|营收|收入|罚款|工资|薪金|薪酬|拨款|补贴|资助|资金|开支|"
                  r"(?<!份)额")
# a race time ("What was her finishing time?", "What was Smith's time in the 800m?") is how
# long the race took, given to the minute or second ("4:04.49", "seven minutes 18.29
# seconds"), not the years of an unbeaten run
_ASKS_RACE_TIME = r"\bwhat (?:is|was|were) (?:[\w\-]+(?:['’]s?)? ){1,4}?time\b"
# Order matters: "幾點" (what time) and "how long ago" ask for a time before "幾"/"how long"
# ask for a number; "which team" asks for a name before a bare "what" asks for anything.
_QUESTION_KINDS: list[tuple[re.Pattern[str], Kind]] = [
    (re.compile(r"\bwhy\b|为什么|为甚么|为何|什么原因|甚么原因"), Kind.REASON),
    (re.compile(r"^\s*when\b|\bwhat (?:time|date|day|year|month)s?\b|\bwhich (?:day|year|month|"
                r"date)s?\b|\bhow long ago\b|\bby when\b|\buntil when\b"), Kind.TIME),
    (re.compile(r"什么时候|甚么时候|何时|几时|哪天|哪一天|几点|哪一年|哪年|何日|几月|哪个月|什么日子|多久以前"),
     Kind.TIME),
    (re.compile(r"\bhow old\b|\bwhat age\b"), Kind.AGE),
    # 幾多歲 is Cantonese for 几岁
    (re.compile(r"几岁|几多岁|多少岁|多大年纪|享年多少|年龄"), Kind.AGE),
    (re.compile(rf"\bhow long\b|\bfor how many (?:days|weeks|months|years)\b|{_ASKS_RACE_TIME}"),
     Kind.DURATION),
    (re.compile(r"多久|多长时间|多少天|几天"), Kind.DURATION),
    (re.compile(r"\bhow (?:far|deep|high|tall|fast|heavy)\b|"
                r"\bhow much (?:[\w\-]+ ){1,6}?weighs?\b"), Kind.MEASURE),
    (re.compile(r"多重|多高|多深|多远|多快"), Kind.MEASURE),
    # a sum of money: a figure in a currency, not any number near the words
    (re.compile(r"\bhow much (?:money|cash)\b|\bhow much (?:[\w\-]+ ){0,5}?(?:cost|costs|pay|"
                r"paid|spend|spent|raise|raised|earn|earned|lose|lost|worth|charge|charged|"
                r"owe|owed)\b|\bhow much (?:[\w\-]+ ){0,2}?(?:revenue|rent|profit|income|funding|"
                r"compensation|salary|fees?|subsid(?:y|ies)|fines?)\b|多少钱|损失多少|花费多少|"
                r"赔偿多少"), Kind.MONEY),
    # "要付多少租金", "出口额有多少": a sum named by its noun, unless the question asks how
    # much it grew or fell (a percentage may answer that)
    (re.compile(rf"^(?!.*(?:增|降|涨|跌|减|升|比例|百分)).*?(?:{_ZH_MONEY_NOUN})[^，。？]{{0,4}}"
                rf"(?:多少|几多)|(?:多少|几多)(?:{_ZH_MONEY_NOUN})"), Kind.MONEY),
    # "how big was the economy" asks for an amount, with or without a unit; so does "What
    # was Apple's revenue?"
    (re.compile(r"\bhow (?:many|much|often|big|large)\b|多大|"
                r"\bwhat (?:(?:is|was|are|were) (?:the|its|their|his|her|[\w\-]+['’]s?) "
                r"(?:[\w\-]+ ){0,2}?)?"
                r"(?:percentage|proportion|share|number|amount|score|price|rate|cost|total|"
                r"figure|value|salary|fine|budget|revenue|profit|sales|turnover|earnings)\b"),
     Kind.NUMBER),
    (re.compile(r"多少|几多|几[个只间名人位家次宗成倍年条架艘]"), Kind.NUMBER),
    (re.compile(r"^\s*(?:who|whom|whose)\b|\b(?:by|to|for|with) whom\b|\bwho\b|"
                r"\bwhat is (?:the|his|her|their) name\b|\bwhat is \w+'s name\b|\bname of\b|"
                r"\bwhich (?:[\w-]+ ){0,3}?(?:company|companies|firm|firms|organisation|"
                r"organization|team|club|group|party|person|people|bank|agency|country|countries|newspaper|"
                r"broadcaster|airline|airlines|carrier|university|player|minister|official)\b"),
     Kind.AGENT),
    (re.compile(r"谁|哪位|何人|哪家|哪个机构|哪些机构|哪间|哪个组织|哪个公司|哪些公司|哪个国家|哪些国家"),
     Kind.AGENT),
    (re.compile(r"^\s*where\b|\bwhere\b|\bwhich (?:city|town|place|region|street|area|state)\b|"
                r"\bin what (?:city|town|place|country)\b"), Kind.PLACE),
    (re.compile(r"哪里|哪裏|何处|在哪|何地|哪个城市|哪个地区|什么地方"), Kind.PLACE),
    # any other "which X" picks out one of a kind by its name ("which schools")
    (re.compile(r"^\s*which\b"), Kind.AGENT),
]

_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|"
           r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b")
_TIME = re.compile(
    r"\b(?:1[89]|20)\d{2}s?\b|\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?(?:am|pm|a\.m\.|p\.m\.)|"
    rf"\b\d{{1,2}}\s+{_MONTHS}|\b{_MONTHS}\s+\d{{1,2}}\b|\b{_MONTHS}|"
    # a lower-cased text writes "26 december", "december 2008"
    rf"(?i:\b\d{{1,2}}\s+{_MONTHS}|\b{_MONTHS}\s+(?:\d{{1,2}}\b|(?:1[89]|20)\d{{2}}))|"
    # a lower-cased text writes "released on thursday"
    r"\b(?i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|"
    r"\b(?:today|yesterday|tomorrow|tonight|this (?:morning|afternoon|evening|week|month|year)|"
    r"(?:last|next) (?:week|month|year|night)|(?:weeks|months|years|days) ago|"
    r"\d+(?:st|nd|rd|th) minute|GMT|BST|EST|(?:in|this|next|last|by|until) (?:the )?"
    r"(?:spring|summer|autumn|winter|weekend))\b|"
    r"\d+\s*(?:年|月|日|号|时|時|点|分)|[一二三四五六七八九十]+月|[周星期礼拜][一二三四五六日天]|"
    r"上午|下午|早上|晚上|凌晨|中午|昨日|昨天|今日|今天|明日|明天|今年|去年|明年|前年|年底|年初|"
    # (早前 "earlier", 日前 "the other day" and 稍后 "later" say no when)
    r"月底|月初|本周|上周|下周|同期"
)
NUMBER_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                 r"fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
                 r"hundred|hundreds|thousand|thousands|million|millions|billion|dozen|half|"
                 r"first|second|third|fourth|fifth|tenth")
_NUMBER = re.compile(
    # a digit inside a code (PM10, 5G) is no amount
    rf"(?<![A-Za-z\d])\d+(?:[.,]\d+)*(?![A-Z](?![a-z]))|\b(?:{NUMBER_WORDS})\b|"
    r"[两三四五六七八九十百千万亿][个名人岁间只宗倍成次架艘种家所项条位天年万亿]|"
    r"[一二两三四五六七八九十]+[百千万亿]|[一二两三四五六七八九十百千万亿零]{2,}|半数|过半|逾倍",
    re.IGNORECASE)
_UNITS = (r"(?:metres?|meters?|m|km|kilometres?|kilometers?|miles?|feet|ft|inches|cm|mm|kg|"
          r"tonnes?|tons?|pounds?|lb|mph|km/h|degrees?|°C|°F|米|公里|千米|英里|公斤|吨|度|"
          r"平方米|呎|尺|%|percent|per cent)")
_AGE = re.compile(r"\b\d{1,3}-year-old\b|\baged? \d{1,3}\b|, \d{1,3} ,|, \d{1,3},|"
                  r"\bwho (?:was|is) \d{1,3}\b|"
                  r"\d{1,3}\s*岁|享年|\bin (?:his|her) (?:\d0s|teens|twenties|thirties|forties|"
                  r"fifties|sixties|seventies|eighties|nineties)\b")
_DURATION = re.compile(
    rf"(?:(?:\d[\d,.]*|\b(?:{NUMBER_WORDS}|a|an|several|few))[\s-]*(?:seconds?|minutes?|hours?|"
    r"days?|weeks?|months?|years?|decades?)\b|"
    # "90日内" is a span of days, "4月20日" a date and "2020年" a year
    r"(?<![月\d])\d{1,3}\s*(?:秒|分钟|小时|天|日|周|星期|个月|年)|"
    r"每\d+分钟|[一二两三四五六七八九十半]+(?:个)?(?:小时|天|周|星期|个月|年))"
    # "jailed three years ago", "三年前" date an event: they say when, not for how long
    r"(?!\s*(?:ago\b|[以之]?前))", re.IGNORECASE)
_RACE_TIME = re.compile(
    rf"\b\d{{1,2}}:\d{{2}}(?::\d{{2}}|\.\d{{1,2}})\b|(?:\d[\d.]*|\b(?:{NUMBER_WORDS}))\s*"
    r"(?:hours?|hrs?|minutes?|mins?|seconds?|secs?)\b|\d+(?:\.\d+)?\s*(?:秒|分钟|小时)",
    re.IGNORECASE)
_MEASURE = re.compile(rf"\d[\d,.]*\s*-?{_UNITS}(?![a-z])|\b(?:{NUMBER_WORDS})\s+{_UNITS}\b",
                      re.IGNORECASE)
_MONEY = re.compile(
    r"[$£€¥]\s?\d|\b(?:nt|hk|us|a|c)\$\s?\d|\d[\d,.]*\s*(?:m|bn|k|million|billion|trillion)?\s*"
    r"(?:[a-z]+\s+)?"
    r"(?:dollars?|pounds?|euros?|yuan|yen|pence|cents?|rupees?|francs?|roubles?|won|krona|"
    r"kronor|krone|rand|pesos?|lira|baht|ringgit|rupiah|shekels?|dinars?)\b|"
    r"\d[\d,.]*\s*(?:[万亿千百]+)?\s*(?:多)?\s*(?:元|美元|欧元|英镑|港元|港币|日元|人民币|镑|韩元|澳元|加元|新元|台币|卢布|卢比|法郎|瑞郎|比索|里拉|泰铢)",
    re.IGNORECASE)
# what gives a cause or a purpose: "closed due to a landslide", "因防疫需要", "took revenge
# after ...". A "why" question is answered only where one is written, not by a sentence
# that only tells what happened ("美国限中国72小时内关闭驻休斯敦总领馆后，中国回击…")
_REASON = re.compile(
    r"\b(?:because|due to|owing to|as a result of|thanks to|in order to|so that|so as to|after|"
    r"amid|citing|cited|reasons?|caused|blamed|for fear|to (?:avoid|protect|prevent|ensure|"
    r"encourage|reduce|help|allow|stop|keep))\b|"
    r"因|由于|为了|为由|原因|导致|出于|鉴于|以免|以便|理由|基于|所以|担心|以防", re.IGNORECASE)
_EN_NAME = re.compile(r"(?<![.!?]\s)\b[A-Z][a-z'’\-]+(?:\s+[A-Z][a-z'’\-]+)*|\b[A-Z]{2,}\b")
_AGENT_WORDS = re.compile(
    r"\b(?:council|police|government|union|company|ministry|court|agency|committee|"
    r"authorities|officials|association|institute|university|department|club|party|"
    r"army|military|group|board|bank|prosecutors|researchers|scientists)\b|"
    r"政府|警方|当局|公司|部门|委员会|法院|银行|集团|组织|机构|大学|政党|军方|部队|协会|"
    r"交易所|[\u4e00-\u9fff]{1,4}(?:局|署|委员会|协会|工会)")
_PLACE = re.compile(
    r"\b(?:in|at|near|on|off|outside|inside|across)\s+(?:the\s+)?[A-Z][a-zA-Z\-]+|"
    r"\b[A-Z][\w'’\-]*(?:\s+'s)?\s+(?:Hospital|Street|Road|Avenue|Square|Park|Airport|Station|"
    r"Palace|Castle|Forest|Ocean|Sea|River|Lake|Island|University|College|Centre|Center|"
    r"Stadium|Tunnels?|Bridge|Bay|Hall|House|Prison|Court|Gallery|Museum|Mosque|Church|"
    r"Cathedral|Theatre|Arena|Market|Coast)\b")
# A Chinese venue (沐元街, 养和医院, 一个地盘) is where something is wherever it stands; a
# country, region or city is only where something happens when the sentence puts it
# there: after a locative (在, 位于, 送到, 驻, 来自) or as the place of an existential 有
# ("休斯敦有成千上万人游行"). Otherwise it says whose something is ("美国国务卿蓬佩奥",
# "北韩领袖金正恩"), which answers no "where".
_ZH_VENUE = re.compile(r"[\u4e00-\u9fff]{1,6}(?:街|路|道|站|医院|机场|村|镇|公园|大厦|广场|地盘|"
                       r"院|园|园区|工业区)")
_ZH_REGION = ("市", "省", "区", "县", "州", "岛", "礁", "港", "湾", "海", "洋", "河", "山", "国",
              "城")
_ZH_LOCATIVE = ("在", "于", "於", "到", "赴", "抵", "往", "从", "驻", "至", "自")
_SAID_BEFORE = re.compile(r"\b(?:said|says|told|announced|reported|added|posted)\s+(?:\w+\s+)?"
                          r"(?:on|late|early|last|this)?\s*$")
_SAID_AFTER = re.compile(r"\s*(?:[\u4e00-\u9fff]{0,2}(?:表示|说|称|指出|宣布|发表|报道|报导))")
_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|from|to)\s+(?:the\s+)?(?:\w+\s+)?$")
_NOT_AGENTS = CALENDAR_WORDS | frozenset(
    ["he", "she", "it", "they", "we", "i", "but", "gmt", "bst", "est"])
# "路透香港7月19日 -", "LONDON, July 1 (Reuters) -": when and where the wire filed, not
# when or how many of what the question asks about
_DATELINE = re.compile(
    r"^\s*(?:路透|法新社|美联社|彭博|新华社|中新社)[\u4e00-\u9fff]{0,6}\d{1,2}月\d{1,2}日电?\s*[-—–]\s*|"
    r"^\s*[A-Z][A-Za-z .,]*\d*\s*\((?:Reuters|AP|AFP|Bloomberg)\)\s*[-—–]\s*")


# Figures a sentence writes that answer no "when", "how many" or "how long" (see
# `_unanswering`): an example or a condition, and a quantity that gives no figure
# the rest of a clause (a comma inside a figure such as 201,129 ends none)
_REST_ZH = r"(?:[^，,。；;：:]|,(?=\d))*"
_REST_EN = r"(?:[^,;:]|,(?=\d))*"
_HYPOTHETICAL = re.compile(
    rf"(?:举例|例如|比如|譬如|假如|假设|如果|倘若|若(?!干)){_REST_ZH}|"
    rf"\b(?:for example|for instance|if|unless|threat(?:en|ens|ened)(?: [\w\-]+)? to)\b{_REST_EN}",
    re.IGNORECASE)
# a figure for another event of the same sort ("In a similar collapse in 2010, ...") is not
# the asked one's, unless the question asks about that one
_SIMILAR = re.compile(rf"\bsimilar\b{_REST_EN}|类似{_REST_ZH}", re.IGNORECASE)
_VAGUE = re.compile(
    r"[数几上成好][十百千万亿]+|成千上万|数以[十百千万亿]+计|若干|"
    r"\b(?:(?:tens|hundreds|thousands|millions|billions|dozens|scores) of|a (?:number|couple) of|"
    r"several|numerous|a few)\b", re.IGNORECASE)
# a forecast; what makes a question ask for one ("How much will ...", "预计…多少"); and
# what makes it ask what has happened ("did", "已有"; Chinese marks no tense otherwise,
# so "何时结束" may ask about a date to come)
_FORECAST = re.compile(
    rf"(?:预计|预期|预测|预料|料将|有望|将会|将要|将于){_REST_ZH}|"
    r"\b(?:will|would|could|expects?|expected|forecasts?|forecast to|predicts?|predicted|"
    rf"projected|(?:is|are) set to|likely to)\b{_REST_EN}", re.IGNORECASE)
_ASKS_FORECAST = re.compile(
    r"预|将|会|料|有望|计划|打算|\b(?:will|would|could|expect\w*|forecast\w*|predict\w*|"
    r"project\w*|plan\w*|going to|set to|likely)\b", re.IGNORECASE)
_ASKS_DONE = re.compile(r"已|曾|上次|目前|迄今|至今|\b(?:did|was|were|has|have|had|so far|now|"
                        r"currently|last)\b", re.IGNORECASE)
# a year or a day of the month counts nothing: "the highest since July 2015", "2021年反弹"
_DATE_FIGURE = re.compile(
    r"(?:1[89]|20)\d{2}\s*年|\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?|"
    rf"(?:\b(?:in|since|until|by|from|between|during|of)\s+|{_MONTHS}\s+(?:\d{{1,2}},?\s+)?)"
    r"(?:1[89]|20)\d{2}\b(?![,.]\d)", re.IGNORECASE)
# an ordinal ranks and "one of" picks out: neither says how many ("won his first senior
# race", "one of the leading lawyers")
_NO_COUNT = re.compile(r"\b(?:first|second|third|fourth|fifth|tenth)\b|\bone of\b", re.IGNORECASE)
# a question that counts spans of time ("how many years", "多少天") is answered by one
_ASKS_TIME_SPAN = re.compile(r"\b(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|"
                             r"decades?)\b|[秒分时天日周月年]", re.IGNORECASE)


def _unanswering(kind: Kind, sentence: str, asked: str) -> str:
    """The sentence with the figures blanked that cannot answer a question of `kind`,
    whatever it asks: a figure given as an example or a condition ("例如一年", "if the
    vote is delayed by a year", "threatened to leave in 2020") is not what happened or
    will happen; a vague quantity ("数万亿美元", "thousands of people", "a number of")
    is no answer to how many or how much; and for a count or amount, a year, a date or an
    age ("the highest since July 2015", "2021年", "Federer, 33,") counts nothing, nor does
    a span of time unless time is what is counted ("has had no A380 order for two years"
    does not say how many A380s are on order). A
    question that asks about the example or condition itself ("若选举押后多久 ...") is
    answered by it. Likewise a forecast ("预计到10月初死亡病例将达到201,129人",
    "expected to cut rates in April") says what has not happened: it answers no
    question about what has ("How many have died so far?"), only one about what will
    or is expected to."""
    if kind in (Kind.AGENT, Kind.PLACE, Kind.REASON, Kind.ANY):
        return sentence
    blanks = [pattern for pattern in (_HYPOTHETICAL, _SIMILAR) if not pattern.search(asked)]
    if _ASKS_DONE.search(asked) and not _ASKS_FORECAST.search(asked):
        blanks.append(_FORECAST)
    if kind in (Kind.NUMBER, Kind.MONEY, Kind.MEASURE):
        blanks.append(_VAGUE)
    if kind is Kind.NUMBER:
        blanks += [_DATE_FIGURE, _AGE, _NO_COUNT]
        if not _ASKS_TIME_SPAN.search(asked):
            blanks.append(_DURATION)
    for pattern in blanks:
        sentence = pattern.sub(lambda m: " " * len(m.group(0)), sentence)
    return sentence


def without_dateline(sentence: str) -> str:
    """The sentence without the wire's dateline ("路透上海4月14日 -"): where and when the
    report was filed is not what the sentence reports on, so it answers nothing and its
    place matches no question's place."""
    return _DATELINE.sub("", sentence, count=1)


def wanted_kind(question: str) -> Kind:
    """The kind of answer a question asks for (ANY when it asks for a thing or event)."""
    text = to_simplified(question).lower() if _has_han(question) else question.lower()
    for pattern, kind in _QUESTION_KINDS:
        if pattern.search(text):
            return kind
    return Kind.ANY


# the English auxiliaries a question puts after its asking phrase ("which company *was*",
# "what *is* the ..."): one list for every rule that reads a question's head
AUXILIARIES = r"(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could|should|may|might)"
# the noun a "which"/"what" question names its answer by: "Which company was granted ...",
# "Which London areas had ...", "Which team beat ...", "What share of ...", "What was the
# final score?"
_EN_KIND_NOUN = (
    re.compile(rf"\b(?:which|what)\s+(?:[\w\-]+(?:['’]s?)?\s+){{0,2}}?([\w\-]+)\s+"
               rf"(?:{AUXILIARIES}|of)\b"),
    re.compile(rf"\bwhat\s+{AUXILIARIES}\s+(?:the|its|their|his|her)\s+(?:[\w\-]+\s+){{0,2}}?"
               r"([\w\-]+)\s*(?:\?|$|\b(?:of|in|for|at|on|now)\b)"),
    re.compile(r"\b(?:which|what)\s+(?:[\w\-]+['’]\s+)?([\w\-]+)"),
)
_ZH_ASKER = re.compile(r"^(?:哪(?![里裏儿])|什么$|甚么$)")


def kind_noun(question: str) -> str | None:
    """The noun a question names the kind of its answer by: "company" in "Which company
    was granted rights ...?", "报章" in "贝利在哪份报章发表评论文章？". The answer sentence
    names the company or the paper ("... granted to Minesto", "在英国《卫报》发表"), so
    the noun itself need not be written there."""
    simple = to_simplified(question)
    if _has_han(simple):
        tagged = zh_tagged(simple)
        for i, (word, _) in enumerate(tagged):
            if _ZH_ASKER.match(word):
                # the first common noun after it: "哪家越南报章" asks for a paper
                return next((w for w, flag in tagged[i + 1: i + 4] if flag == "n"), None)
        return None
    lowered = question.lower()
    for pattern in _EN_KIND_NOUN:
        match = pattern.search(lowered)
        if match and not re.fullmatch(AUXILIARIES, match.group(1)):
            return match.group(1)
    return None


def _has_han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _zh_names(text: str) -> set[str]:
    """Chinese proper names of a sentence. HMM on: it finds transliterated names jieba's
    dictionary lacks (欧达礼); affordable because only candidate sentences are tagged."""
    return {w for w, flag in zh_tagged(text, hmm=True) if flag in NAME_TAGS and len(w) >= 2}


# In a text written all in lower case, a word after a title is a name ("judge thomas
# lipps", "mr kenny"), and so is a word the encoder's vocabulary knows only capitalised
TITLES = ("mr", "mrs", "ms", "dr", "prof", "sir", "lord", "lady", "judge", "president",
          "minister", "chancellor", "captain", "coach", "manager", "councillor", "inspector",
          "sergeant", "sgt", "rev", "father", "sister", "chairman", "chief")
_TITLED = re.compile(rf"\b(?i:{'|'.join(TITLES)})\.?\s+([a-z][\w'’\-]+)")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'’\-]+\b")
# (the word before the noun names it: "in hospital", "the park" name no place)
_LOWER_PLACE = re.compile(
    r"\b(?!(?:in|at|on|to|into|from|near|by|of|for|and|or|the|a|an|this|that|his|her|their|"
    r"its|our|local|nearby)\b)[a-z][\w'’\-]+\s+(?:street|road|avenue|lane|terrace|drive|square|park|airport|"
    r"station|hospital|stadium|bridge|bay|hall|prison|court|sands|beach|crescent|close|"
    r"gallery|museum|mosque|church|cathedral|theatre|arena|market|coast)\b")


def _lower_names(sentence: str) -> list[str]:
    """Names in a lower-cased sentence: words after a title, and words the encoder's
    vocabulary holds only capitalised (delhi, scott, javier)."""
    from newsloom.intel.embed import capitalised_words

    known = capitalised_words()
    found = [m.group(1) for m in _TITLED.finditer(sentence)]
    found += [m.group(0) for m in _LOWER_WORD.finditer(sentence)
              if m.group(0) in known and m.group(0) not in _NOT_AGENTS]
    return found


def names(sentence: str, lower_cased: bool = False) -> list[str]:
    """The names of people and organisations in a sentence, as written there."""
    # a capitalised word after "in"/"at" is a place ("in eastern Chibok"), and a
    # sentence's first word is capitalised whatever it is
    found = [m.group(0) for m in _EN_NAME.finditer(sentence)
             if m.group(0).lower() not in EN_STOPWORDS | _NOT_AGENTS
             and not _PLACE_BEFORE.search(sentence[: m.start()])]
    if _has_han(sentence):
        found += sorted(_zh_names(sentence))
    if lower_cased:
        found += [name for name in _lower_names(sentence)
                  if not _PLACE_BEFORE.search(sentence[: sentence.find(name)])]
    return found


def spans(kind: Kind, sentence: str, lower_cased: bool = False) -> list[str]:
    """Everything of `kind` in a sentence, as it is written there (`lower_cased`: the
    article is written without capitals, so names are found by other signs)."""
    if kind is Kind.TIME:
        # "said on Sunday" dates the saying, not the event asked about
        return [m.group(0) for m in _TIME.finditer(sentence)
                if not _SAID_BEFORE.search(sentence[: m.start()])
                and not _SAID_AFTER.match(sentence[m.end():])]
    if kind is Kind.AGE:
        return [m.group(0) for m in _AGE.finditer(sentence)]
    if kind is Kind.DURATION:
        return [m.group(0) for m in _DURATION.finditer(sentence)]
    if kind is Kind.MEASURE:
        return [m.group(0) for m in _MEASURE.finditer(sentence)]
    if kind is Kind.NUMBER:
        return [m.group(0) for m in _NUMBER.finditer(sentence)]
    if kind is Kind.MONEY:
        return [m.group(0) for m in _MONEY.finditer(sentence)]
    if kind is Kind.REASON:
        return [m.group(0) for m in _REASON.finditer(sentence)]
    if kind is Kind.AGENT:
        return names(sentence, lower_cased) + [m.group(0) for m in _AGENT_WORDS.finditer(sentence)]
    if kind is Kind.PLACE:
        found = [m.group(0) for m in _PLACE.finditer(sentence)]
        if _has_han(sentence):
            found += _zh_places(sentence)
        if lower_cased:
            found += [m.group(0) for m in _LOWER_PLACE.finditer(sentence)]
            found += [name for name in _lower_names(sentence)
                      if _PLACE_BEFORE.search(sentence[: sentence.find(name)])]
        return found
    return [sentence]


def _zh_places(sentence: str) -> list[str]:
    """The Chinese places of a sentence that say where (see `_ZH_VENUE`): venues, any
    noun right after a locative (jieba tags 平壤 only as a noun and 阿拉斯加 as a name),
    with the places joined to it ("在莫斯科州希姆基市", "在平壤或板门店"), and a place
    name (jieba's ns, or a noun ending in 市, 省, 州 ...) before an existential 有."""
    found = [m.group(0) for m in _ZH_VENUE.finditer(sentence)]
    tagged = zh_tagged(sentence)
    located = False
    for i, (word, flag) in enumerate(tagged):
        named = flag == "ns" or (flag.startswith("n") and len(word) > 1
                                 and word.endswith(_ZH_REGION))
        following = tagged[i + 1][0] if i + 1 < len(tagged) else ""
        if (located and flag.startswith("n")) or (named and following in ("有", "发生")):
            found.append(word)
            continue
        if located and word in ("或", "和", "及", "、"):
            continue
        located = word.endswith(_ZH_LOCATIVE) and flag[0] in "pv"
    return found


# "多少家跨国银行" counts banks: only a number followed by 家 answers it, not the sum of
# money or the date in the same sentence; "合作了多少年" counts years (not 多少年轻人), not
# the 170多个国家 beside them
_ZH_COUNTED = re.compile(r"(?:多少|几)([家人名个间宗架艘次条位所项只辆部座张本户层]|年(?!轻))")


# "What share of school leavers ...", "百分比" ask for a part of a whole: a percentage or a
# fraction ("93.3%", "two thirds", "eight out of 10", "三成"), not any number beside it; so
# does a rate given in per cent ("the death rate", "失业率", "利率": a percentage or a
# change in basis points, not the count of patients or the date beside it)
_ASKS_SHARE = re.compile(
    r"\b(?:what|which)\s+(?:[\w\-]+\s+){0,4}?(?:share|proportion|percentage|fraction)\b|"
    r"\bhow many (?:per ?cent|percentage points?)\b|百分之几|百分比|比例|比率|几成(?!交)|"
    r"\b(?:death|mortality|fatality|unemployment|jobless|employment|interest|growth|inflation|"
    r"infection|turnout|approval|tax|vacancy|repo|deposit|lending|birth|survival|vaccination|"
    r"breastfeeding|participation|poverty)\s+rates?\b|"
    r"(?:利|死亡|病死|失业|就业|投票|支持|毛利|通胀|增长|感染|出生|准备金|入息|回报|税)率")
_SHARE = re.compile(
    rf"\d[\d.,]*\s*(?:%|per ?cent\b|percentage points?\b|basis points?\b|个百分点|个?基点)|"
    rf"\b(?:\d+|{NUMBER_WORDS}) (?:out of|in) (?:\d+|{NUMBER_WORDS})\b|"
    r"\b(?:a|one|two|three|four)[\s-](?:half|thirds?|quarters?|fifths?|tenths?)\b|\bhalf\b|"
    r"百分之[\d.一二三四五六七八九十百点]+|[一二三四五六七八九十]+分之[一二三四五六七八九十]+|"
    r"(?<![\d一二三四五六七八九十])[一二三四五六七八九]成|\d成|半数|过半|一半",
    re.IGNORECASE)
# "What was the final score?", "By what score did they win?", "比分是多少" ask for a
# score ("34-7", "3比2"), not for the tries, goals or minutes a match report counts beside it
_ASKS_SCORE = re.compile(r"\b(?:the|what|final|half-time|full-time)\s+score\b|"
                         r"\bscore (?:of|between|in)\b|比分")
_SCORE = re.compile(r"(?<![\d.,\-–])\d{1,3}\s?[-–:]\s?\d{1,3}(?![\d.,])|\d{1,3}\s*比\s*\d{1,3}")

# "How many more refugees will Wales take in?" asks for what is added to a count: a figure
# written as more ("another 20", "a further 300", "50 more", 再拘捕3人, 新增507人), not the
# count so far ("About 50 refugees have been resettled")
_ASKS_MORE = re.compile(r"\bhow (?:many|much) more\b")
_MORE = re.compile(
    rf"\b(?:another|further|additional|extra)\s+(?:\d[\d,.]*|(?:{NUMBER_WORDS})\b)|"
    rf"(?:\d[\d,.]*|\b(?:{NUMBER_WORDS}))\s+(?:more|additional|extra|further)\b|"
    r"(?:还|再|另|又|增加|新增|多)[\u4e00-\u9fff]{0,3}?(?:\d[\d,.]*|[一二两三四五六七八九十百千万]+)",
    re.IGNORECASE)


def _counted(question: str, sentence: str) -> list[str] | None:
    """The figures that give what a share question asks for (a percentage or fraction),
    a score question (a score) or a "how many more" question (a figure added), or count
    what a Chinese "多少 + measure word" question counts; None when the question asks for
    none of these."""
    if _ASKS_SHARE.search(question):
        return [m.group(0) for m in _SHARE.finditer(sentence)]
    if _ASKS_SCORE.search(question):
        return [m.group(0) for m in _SCORE.finditer(sentence)]
    if _ASKS_MORE.search(question):
        return [m.group(0) for m in _MORE.finditer(sentence)]
    wanted = _ZH_COUNTED.search(question)
    if not wanted:
        return None
    measure = wanted.group(1)
    number = r"(?:\d[\d,.]*|[一二两三四五六七八九十百千万亿]+)\s*[百千万亿]?[多余]?"
    return re.findall(number + measure, sentence)


def answers_in(kind: Kind, sentence: str, question: str, lower_cased: bool = False) -> list[str]:
    """The spans of `kind` in `sentence` (Simplified, as written there) that `question`
    does not already give ("截至6月30日 … 多少" is not answered by the 30 it mentions)."""
    asked = to_simplified(question).lower()
    simple = _unanswering(kind, without_dateline(to_simplified(sentence)), asked)
    counted = _counted(asked, simple) if kind is Kind.NUMBER else None
    if kind is Kind.DURATION and re.search(_ASKS_RACE_TIME, asked):
        counted = [m.group(0) for m in _RACE_TIME.finditer(simple)]
    found = []
    for span in spans(kind, simple, lower_cased) if counted is None else counted:
        core = span.strip().lower()
        for word in ("in ", "at ", "near ", "from ", "on ", "off ", "outside ", "inside ",
                     "across ", "to ", "the "):
            core = core.removeprefix(word)
        if core and core not in asked and not (
                kind is Kind.TIME and _dates_other(span, simple, asked)):
            found.append(span)
    return found


def holds(kind: Kind, sentence: str, question: str, lower_cased: bool = False) -> bool:
    """Whether `sentence` holds an answer of `kind` that `question` does not already give."""
    return bool(answers_in(kind, sentence, question, lower_cased))


def _dates_other(span: str, sentence: str, asked: str) -> bool:
    """Whether a time is written as the possessive of another event than the one asked
    about: "Friday's final televised debate before the election" dates the debate, so it
    does not say when the election is. A time written as a label ("the saturday
    concert") tells that one from others: when the question labels the same noun with
    another time ("When will the Sunday concert be broadcast?"), it is another one."""
    owned = re.search(re.escape(span) + r"\s?['’]s\s+((?:[\w\-]+\s+){0,2}[\w\-]+)", sentence)
    if owned is not None and not any(w.lower()[:5] in asked for w in owned.group(1).split()
                                     if len(w) > 3):
        return True
    label = re.search(r"\b(?:the|this|that)\s+" + re.escape(span) + r"\s+([\w\-]+)", sentence,
                      re.IGNORECASE)
    return label is not None and any(
        re.match(rf"\s+{re.escape(label.group(1).lower())}\b", asked[m.end():])
        for m in _TIME.finditer(asked) if m.group(0).lower() != span.lower())

"""Whether a sentence states the relation a question asks about, not only an answer of the
right kind beside the question's words.

The look-alikes readers were shown as answers share the question's subject with a
sentence that holds a name or a number, but that name or number belongs to something
else:
* "What is the name of the cyclist?" quoted a sentence about the cyclist holding no name
  of his; "Who is the state prosecutor?" quoted "Prosecutors say ...". A question asking
  who holds a role (who is the X, the name of the X, X是谁) needs a name written next to
  that role word: "state prosecutor javier perez duron", "会长吴秋北".
* "歷史科的成績比去年高多少？" quoted this year's results, with no word of last year; and
  "德勤预计香港经济今年收缩多少？" quoted last year's fall. A comparison needs its base
  in the sentence, and a sentence about another year than the one asked is not an answer.
* "Where does Mr Holmstrom teach?" quoted where Prof Romer teaches: a person the question
  names must be in the sentence, or in the one before it (which "he" then refers to).
* "Which two foreign phone companies are battling for the market?" quoted a sentence that
  names only the country: the names must belong to the asked head noun (companies).
* "How many operations did Turia Pitt have?" quoted her burns (65 %), and "How many
  wickets did Lukas Carey take?" a sentence about his fitness: "how many X" is answered
  only by a count of X ("200 operations"; `counts_asked`).
* "金与正何时与崔成结婚？" quoted "传与崔龙海之子结婚：2019年河内“特金会”失败后，…", and
  "When will Bolton's book be published?" the 2018 of a meeting his book tells about: a
  long Chinese sentence strings clauses about different things, so the answer must stand
  in a clause that holds a word of the question (`in_asked_clause`).
* "Who won Paris-Roubaix?" quoted riders nearly hit by a train, and "哪位中国外交官联系了德国
  官员？" a sentence naming only 德国政府: who *did* something is answered only where the
  deed is written, every word of the question in the sentence or the one before
  (`asks_doer`; a role's holder is checked by `role_asked` instead).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from newsloom.intel.answer_types import (
    AUXILIARIES,
    NUMBER_WORDS,
    TITLES,
    Kind,
    answers_in,
    names,
    spans,
)
from newsloom.intel.text import (
    EN_STOPWORDS,
    HAN_RUN_SPLIT,
    to_simplified,
    weekdays,
    zh_tagged,
)

# "who is the judge in the case", "who was Renault's chairman": a role, not a deed ("who
# was injured" names no role, so it has no article or possessive before the word)
_EN_ROLE = re.compile(
    r"^\s*who (?:is|was|are|were|will be) (?:the|a|an|his|her|its|their|[\w\-]+['’]s) "
    r"(?P<role>[\w\- ]+?)(?:\s+(?:of|at|for)\s+(?:the\s+)?(?P<of>[^?]+?)|"
    r"\s+(?:in|on|to|who|that|behind)\b.*)?\s*\??\s*$"
    r"|\bname of (?:the|a|an|his|her|its|their|[\w\-]+['’]s) "
    r"(?P<named>[\w\- ]+?)(?:\s+(?:of|at|for|in|on|to|who|that|which|whose)\b.*)?\s*\??\s*$",
    re.IGNORECASE)
# "which two foreign phone companies are ...": the head noun the names must belong to
_EN_WHICH = re.compile(rf"^\s*which (?:[\w\-]+\s+){{0,3}}?(?P<noun>[\w\-]+)\s+{AUXILIARIES}\b",
                       re.IGNORECASE)
_ZH_ROLE = re.compile(r"^(?P<role>[^，,。？?]+?)是谁|谁是(?P<after>[^，,。？?]+)")
_ZH_ROLE_REACH = 14  # characters after a Chinese role word within which its holder starts
_OF_REACH = 60       # characters around an English role word within which whose it is stands
# "nile street, causing a cyclist to ..." is no apposition: no verb between name and role
_NOT_A_VERB = r"(?![\w\-]*(?:ing|ed)\b)"
_CLAUSE_END = re.compile(r"[，,。；;：:！!？?]")

_RELATIVE_YEARS = ("去年", "今年", "明年", "前年", "last year", "this year", "next year")
_COMPARED = re.compile(r"比(去年|前年|上年|上月|上周|昨日|昨天|同期|上季|上半年)|"
                       r"than (last year|the previous year|a year earlier|last month)")
# a name as a question writes it: McDonald's, Turia Pitt (not US, not the first word)
_EN_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][A-Za-z'’\-]*[a-z][A-Za-z'’\-]*"
                      r"(?:\s+[A-Z][A-Za-z'’\-]*[a-z][A-Za-z'’\-]*)*")


@dataclass(frozen=True)
class Role:
    """A role a question asks the holder of: its word (minister, 会长) and, in English,
    whose role it is ("of Historic England", "Renault's"), as lower-cased words."""

    word: str
    of: frozenset[str]
    named_before: bool = False  # "which team": a name may come first ("the Lotus team")


def role_asked(question: str, unwritten: str | None = None) -> Role | None:
    """The role a question asks the holder of ("the French foreign minister" →
    minister, "工联会会长是谁" → 会长), or None when it asks who did something. A "which
    X" whose X the article never writes (`unwritten`: "Which company was granted rights
    ...?" where the article only says "granted to Minesto") can tie no name to X, so it
    asks who did the deed."""
    simple = to_simplified(question)
    if HAN_RUN_SPLIT.search(simple):
        match = _ZH_ROLE.search(simple.strip())
        if not match:
            return None
        phrase = match.group("role") or match.group("after")
        pieces = [w for w, _ in zh_tagged(phrase) if w.strip() and w != "的"]
        return Role(pieces[-1], frozenset()) if pieces and len(pieces[-1]) > 1 else None
    which = _EN_WHICH.search(question)
    if which:
        noun = which.group("noun").lower()
        return None if noun == unwritten else Role(noun, frozenset(), named_before=True)
    match = _EN_ROLE.search(question)
    if not match:
        return None
    phrase = (match.group("role") or match.group("named")).split()
    if not phrase or phrase[-1].lower() in EN_STOPWORDS:
        return None
    whose = re.findall(r"([\w\-]+)['’]s\b", question) + (match.group("of") or "").split()
    return Role(phrase[-1].lower(), frozenset(w.lower() for w in whose) - EN_STOPWORDS)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _role_tied(role: Role, question: str, sentence: str, lower_cased: bool) -> bool:
    """Whether a name that the question does not give is written as the holder of the
    role: right after it ("Fire Minister Penny Mordaunt", "会长吴秋北", "她的母亲是...高容姬"
    within the clause) or in apposition before it ("Carlos Ghosn, Renault's chairman").
    A role word right after another name is that name's role ("俄罗斯总统普京" does not
    say who America's president is), and a role asked "of" someone needs them nearby."""
    asked = to_simplified(question).lower()
    holders = [n for n in names(sentence, lower_cased) if n.lower() not in asked]
    if HAN_RUN_SPLIT.fullmatch(role.word):
        for match in re.finditer(re.escape(role.word), sentence):
            if any(sentence[: match.start()].endswith(name) for name in holders):
                continue
            # the holder starts within reach, however long it is (首席执行长Guillaume Faury)
            clause = _CLAUSE_END.split(sentence[match.end():])[0]
            if any(0 <= clause.find(name) < _ZH_ROLE_REACH for name in holders):
                return True
        return False
    lowered = sentence.lower()
    words = {w.lower() for n in holders for w in n.split()} - EN_STOPWORDS
    words = {w for w in words if w not in asked and _singular(w) != _singular(role.word)}
    if not words:
        return False
    holder = "|".join(re.escape(w) for w in sorted(words))
    for match in re.finditer(rf"\b{re.escape(_singular(role.word))}s?\b", lowered):
        ahead = re.findall(r"[\w\-]+", lowered[: match.start()])
        if ahead and ahead[-1] in words and not role.named_before:
            continue
        near = set(re.findall(r"[\w\-]+", lowered[max(0, match.start() - _OF_REACH):
                                                   match.end() + _OF_REACH]))
        if role.of and not role.of & {w.removesuffix("'s") for w in near}:
            continue
        if re.match(rf"(?:\s*,)?(?:\s+(?:is|was|are|were|such as|including|like))?\s+"
                    rf"(?:{holder})\b", lowered[match.end():]):
            return True
        if role.named_before and ahead and ahead[-1] in words:
            return True
        if re.search(rf"\b(?:{holder})\b[\w\s\-'’]{{0,30}}?,\s+(?:(?:the|a|an|its|his|her|"
                     rf"their|[\w\-]+\s?['’]s)\s+)?(?:{_NOT_A_VERB}[\w\-]+\s+){{0,2}}?$",
                     lowered[: match.start()]):
            return True
    return False


def _years_agree(question: str, sentence: str) -> bool:
    """A question about this year is not answered by a sentence about last year, and a
    comparison with last year needs last year in the sentence."""
    asked = to_simplified(question).lower()
    said = to_simplified(sentence).lower()
    base = _COMPARED.search(asked)
    if base and (base.group(1) or base.group(2)) not in said:
        return False
    wanted = [y for y in _RELATIVE_YEARS if y in asked]
    return not wanted or any(y in said for y in wanted) or not any(
        y in said for y in _RELATIVE_YEARS)


def _days_agree(question: str, sentence: str) -> bool:
    """A question about one day of the week ("How many cases did the US report on
    Sunday?") is not answered by a sentence about another ("周六，美国报告了…"): a day's
    figure and the next day's are neighbours that share every other word. The day a
    statement was made ("said on Monday", "周一表示") dates no event, so it is no other
    day (see answer_types.spans)."""
    asked = weekdays(question)
    if not asked:
        return True
    said = weekdays(" ".join(spans(Kind.TIME, to_simplified(sentence))))
    if not said:
        # "上日…收报7.068元" gives the day before the report's, which names no day of the
        # week: it does not say that it is the asked one
        return not _DAY_BEFORE.search(to_simplified(sentence))
    return bool(asked & said)


_DAY_BEFORE = re.compile(r"上日|前一日|前一天|昨日|昨天|前一交易日|上一交易日|\byesterday\b|"
                         r"\bthe (?:previous|prior) (?:day|trading day|session)\b|"
                         r"\bthe day before\b", re.IGNORECASE)


# a place told from its neighbour by a point of the compass: 新界东 / 新界西, North Korea /
# South Korea, Western Cape / Eastern Cape
_ZH_COMPASS = re.compile(r"([\u4e00-\u9fff]{2,4}?)([东西南北])")
_EN_COMPASS = re.compile(r"\b(north|south|east|west)(?:ern)?\s+(?!(?:of|the|and|in|to)\b)"
                         r"([a-z][\w\-]+)")


def _compass_agrees(question: str, sentence: str) -> bool:
    """Whether the sentence is about the same one of two places that differ only by a
    point of the compass: "新界東有多少個議席？" is not answered by "新界西同樣有9個議席",
    nor "North Korea" by a sentence about South Korea, though every other word matches
    (and "Korea" is part of both names). A sentence that writes the asked place too, or
    no place of that name with another direction, may answer."""
    asked = to_simplified(question).lower()
    said = to_simplified(sentence).lower()
    for match in _ZH_COMPASS.finditer(asked):
        base, direction = match.groups()
        if match.group(0) not in said and any(
                f"{base}{other}" in said for other in "东西南北" if other != direction):
            return False
    for match in _EN_COMPASS.finditer(asked):
        direction, base = match.groups()
        written = {m.group(1) for m in _EN_COMPASS.finditer(said) if m.group(2) == base}
        if written and direction not in written:
            return False
    return True


def _named(question: str) -> list[set[str]]:
    """The people and places an English question names (Holmstrom in "Where does Mr
    Holmstrom teach?"), each as its lower-cased words without titles: any one of them
    ("Pitt" of "Turia Pitt") stands for the name in a sentence."""
    found = []
    for match in _EN_NAME.finditer(question):
        name = match.group(0)
        if re.search(r"\bthe\s+$", question[: match.start()], re.IGNORECASE):
            continue  # "the Pope", "the Blue House": a title or institution, often unnamed
        parts = {w.lower().removesuffix("'s").removesuffix("’s") for w in name.split()}
        parts -= set(TITLES) | EN_STOPWORDS
        if parts:
            found.append(parts)
    return found


# jieba's name tags by what they name: a person, a place, an organisation
_NAME_FAMILIES = {"nr": "person", "nrt": "person", "nrfg": "person", "ns": "place",
                  "nt": "organisation"}


def _zh_named(text: str) -> dict[str, str]:
    """The people, places and organisations a Chinese text names (two characters or
    more, in Simplified), each with what it names."""
    return {w: _NAME_FAMILIES[flag] for w, flag in zh_tagged(to_simplified(text))
            if flag in _NAME_FAMILIES and len(w) >= 2}


def _asked_names(question: str, translation: Mapping[str, str]) -> dict[str, str]:
    """The people, places and organisations a question names, as the article writes them
    (an English question's words through their translation), each with what it names."""
    if HAN_RUN_SPLIT.search(question):
        return {translation.get(name, name): family
                for name, family in _zh_named(question).items()}
    return _zh_named(" ".join(translation.values()))


def _rival_named(asked: Mapping[str, str], question: str, context: str) -> bool:
    """Whether a Chinese context names another person, place or organisation in place of
    one the question names (`asked`, see _asked_names). A context that names none of that
    kind may still be about it (该行, 他, 央行 refer back to a name written before), so
    only a rival name counts."""
    simple = to_simplified(context)
    named = _zh_named(context)
    wanted = to_simplified(question)
    return any(name not in simple and any(kind == family and other not in wanted
                                          and other not in asked
                                          for other, kind in named.items())
               for name, family in asked.items())


def _names_another(question: str, context: str, translation: Mapping[str, str]) -> bool:
    """Whether a sentence (with the one before it) names another person, place or
    organisation in place of the one a Chinese question names: "美國今年向WHO提供多少資金？"
    is not answered by "英国…提供2亿英镑", nor "紐約州累計有多少人死亡？" by the count of
    美国."""
    return _rival_named(_asked_names(question, translation), question, context)


def states(question: str, kind: Kind, sentence: str, before: str,
           lower_cased: bool = False, translation: Mapping[str, str] | None = None,
           unwritten: str | None = None) -> bool:
    """Whether `sentence` (with `before`, the sentence ahead of it) states the relation
    the question asks about; see the module docstring for each rule. `translation` maps
    the words of a question in another language than the article to the article's own
    words (see qa), so that the asked role is looked for as the article writes it;
    `unwritten` is the question's kind noun the article never writes (see role_asked)."""
    if (not _years_agree(question, sentence) or not _days_agree(question, sentence)
            or not _compass_agrees(question, sentence)
            or not _ages_agree(question, f"{before} {sentence}")):
        return False
    simple = to_simplified(sentence)
    chinese = bool(HAN_RUN_SPLIT.search(question))
    if chinese != bool(HAN_RUN_SPLIT.search(sentence)):
        return _translated_role_tied(question, kind, simple, lower_cased, translation or {})
    if chinese:
        if _names_another(question, f"{before} {sentence}", translation or {}):
            return False
    else:
        context = set(re.findall(r"[\w\-]+", f"{before} {sentence}".lower()))
        if any(not parts & context for parts in _named(question)):
            return False
        if kind is Kind.AGE and not _age_tied(_named(question), sentence):
            return False
    role = role_asked(question, unwritten) if kind is Kind.AGENT else None
    return role is None or _role_tied(role, question, simple, lower_cased)


def _translated_role_tied(question: str, kind: Kind, sentence: str, lower_cased: bool,
                          translation: Mapping[str, str]) -> bool:
    """The role check for a question in another language than the article: "Who is the
    EU competition commissioner?" needs a name next to the article's word for
    commissioner (执委), as a question in the article's language would. When the role
    word has no counterpart in the article, no sentence can tie a name to it. "Which
    institute ..." is left alone: Chinese writes the name before such a noun
    (军事医学研究院), where a role's holder is written after it."""
    role = role_asked(question) if kind is Kind.AGENT else None
    if role is None or role.named_before:
        return True
    word = translation.get(role.word, role.word)
    # the embedding puts a member nearest the body (commissioner → 执委会, director →
    # 董事会); the member is the body's name without 会 (执委, 董事)
    members = [word, word[:-1]] if len(word) > 2 and word.endswith("会") else [word]
    return any(_role_tied(Role(member, frozenset()), question, sentence, lower_cased)
               for member in members)


# "the 36-year-old man", "36歲男子": an age the question gives picks out one person
_GIVEN_AGE = re.compile(r"\b(\d{1,3})-year-old\b|(\d{1,3})\s*岁")


def _ages_agree(question: str, context: str) -> bool:
    """Whether the ages a question identifies its person by ("How much money did the
    36-year-old man lose?") are in the sentence or the one before: a sentence about the
    28-year-old does not answer it, in whatever language the question is asked."""
    for match in _GIVEN_AGE.finditer(to_simplified(question)):
        age = match.group(1) or match.group(2)
        if not re.search(rf"(?<!\d){age}(?!\d)", context):
            return False
    return True


def _age_tied(named: list[set[str]], sentence: str) -> bool:
    """Whether an age stands next to the person asked about ("arif yunus" is not 59 in
    "Both leyla, 59, and arif yunus"): right after the name ("Pauline Flynn, 36," "Flynn,
    who is 36", "Flynn (36)") or as "the 36-year-old" shortly before it. A question that
    names nobody ("How old was the injured man?") needs no tie."""
    if not named:
        return True
    lowered = sentence.lower()
    for parts in named:
        for part in parts:
            word = re.escape(part)
            if re.search(rf"\b{word}\b\s*[,(]\s*(?:who (?:is|was) |aged? )?\d{{1,3}}\b", lowered):
                return True
            if re.search(rf"\b\d{{1,3}}-year-old\s+(?:[\w\-]+\s+){{0,3}}{word}\b", lowered):
                return True
    return False


_PEOPLE = ("people", "persons", "children", "men", "women", "staff", "police", "personnel")
_HOW_MANY = re.compile(rf"\bhow many (?:[a-z\-]+ ){{0,2}}?([a-z\-]+s|{'|'.join(_PEOPLE)}|"
                       r"cattle|sheep|fish)\b", re.IGNORECASE)
_COUNT = rf"(?:\d[\d,.]*|(?:{NUMBER_WORDS})(?:[\s-]+(?:hundred|thousand|million|billion))?)"


def asks_count(question: str) -> bool:
    """Whether an English question asks how many of a noun ("How many wickets ...")."""
    return _HOW_MANY.search(question) is not None


# a Chinese count: a number with a measure word ("30万加拿大人" counts people, "4家" firms,
# "14天" days), not a year or a date
_ZH_NUMBER = r"(?:\d[\d,.]*|[一二两三四五六七八九十百千]+)\s*[万亿]?[多余]?\s*"
_ZH_TOTAL = r"(?:人数|总数)[^，。；]{0,6}?\d"
_ZH_COUNT = re.compile(rf"{_ZH_NUMBER}(?:[个名人位家宗架艘次条所项只辆部座张本户层间票点例]|"
                       rf"万人|亿人)|{_ZH_TOTAL}")
# people are counted by 名, 位, 例 (cases) or a noun ending in 人 ("30万加拿大人"); "210个
# 国家" counts countries, not how many people
_ZH_PEOPLE_COUNT = re.compile(rf"{_ZH_NUMBER}(?:[名位例]|[\u4e00-\u9fff]{{0,4}}?人)|{_ZH_TOTAL}")
_ZH_TIME_COUNT = re.compile(r"(?:\d[\d,.]*|[一二两三四五六七八九十百千]+)\s*(?:个)?"
                            r"(?:天|日|周|星期|个月|月|年|小时|分钟)")
_TIME_UNITS = frozenset(["day", "week", "month", "year", "hour", "minute"])


def counts_asked(question: str, sentence: str) -> bool:
    """Whether the sentence counts the noun a "how many" question asks about ("200
    operations" for "How many operations ...", up to four words apart; in a Chinese
    sentence, a number with a measure word, one that counts people when people are
    asked about)."""
    match = _HOW_MANY.search(question)
    if not match:
        return False
    noun = _singular(match.group(1).lower())
    if HAN_RUN_SPLIT.search(sentence):
        count = (_ZH_TIME_COUNT if noun in _TIME_UNITS
                 else _ZH_PEOPLE_COUNT if match.group(1).lower() in _PEOPLE else _ZH_COUNT)
        return count.search(to_simplified(sentence)) is not None
    pattern = rf"\b{_COUNT}\s+(?:[\w\-]+\s+){{0,4}}{re.escape(noun)}"
    return re.search(pattern, sentence, re.IGNORECASE) is not None



# Clause breaks of a Chinese sentence (a comma inside a figure such as 1,959,000 is none)
_CLAUSE_BREAK = re.compile(r"([，；;：:。！？!?]|,(?!\d))")
# Answers that are a span of the sentence, so that where it stands can be checked (a name
# is tied to its deed or role by `asks_doer` and `role_asked`; an age by `_age_tied`)
_CLAUSED_KINDS = frozenset([Kind.TIME, Kind.NUMBER, Kind.MONEY, Kind.MEASURE, Kind.DURATION,
                            Kind.PLACE])
# "韓國出口在3月下跌了多少？", "By how much did exports fall?" ask for a change: a figure in a
# clause that says what rose or fell, not the size of a rescue package beside it
_ASKS_CHANGE = re.compile(
    r"(?:跌|降|涨|升|增|减|缩|滑|落)[^，。？]{0,4}(?:多少|几)|"
    r"\b(?:by )?how much (?:[\w\-']+ ){1,8}?(?:fall|fell|rise|rose|drop|dropped|decline|declined|"
    r"increase|increased|decrease|decreased|gain|gained|grow|grew|shrink|shrank|contract|"
    r"contracted|slump|slumped|jump|jumped|climb|climbed)\b")
_ZH_CHANGE = re.compile(r"跌|降|涨|升|增|减|缩|滑|落|扩|调|反弹|收窄|萎缩|走低|走高|攀|挫|飙")
# what may open a clause before its subject: conjunctions, adverbs (其后, 但, 同意)
_BEFORE_SUBJECT = ("c", "d", "ad", "b")


def _has_subject(clause: str) -> bool:
    """Whether a Chinese clause names what it is about ("总统特朗普与…会晤", "他表示"), or
    goes on about the subject of the clause before ("其后发现失去一张信用卡，合共损失约7250元")."""
    tagged = [(w, f) for w, f in zh_tagged(clause) if w.strip()]
    for i, (_, flag) in enumerate(tagged):
        if flag in _BEFORE_SUBJECT:
            continue
        if flag == "n":
            # jieba tags some verbs as nouns: "损失约7250元" goes on with an amount
            following = tagged[i + 1][1] if i + 1 < len(tagged) else "x"
            return following[0] in "nvpu"
        return flag[0] in "nrjmt" or flag == "eng"
    return False


def in_asked_clause(kind: Kind, sentence: str, question: str, mentions: Callable[[str], bool],
                    lower_cased: bool = False,
                    translation: Mapping[str, str] | None = None) -> bool:
    """Whether an answer of `kind` in a Chinese sentence stands in a clause that
    `mentions` a word of the question: "2019年河内“特金会”失败后" dates the failed summit,
    not a wedding written before the colon. A clause without a subject of its own is read
    with the ones before it that it goes on from, after commas ("一名28岁男子…认识两名女子，
    其后发现失去一张信用卡，合共损失约7250元"); a clause that is nothing but the answer
    ("4月29日，美国国务卿蓬佩奥讲话称…") sets the time of the clause after it. The
    clause must not name another person, place or organisation in place of one the
    question names: "国会已拨款近3万亿美元，美联储也已注入数万亿美元信贷" gives the
    congress's figure, not the Fed's (`translation`: an English question's words as the
    article writes them). English
    sentences are left alone: they are short, and their commas set off the time or place
    of the clause they sit in ("On Monday, the council said")."""
    simple = to_simplified(sentence)
    if kind not in _CLAUSED_KINDS or not HAN_RUN_SPLIT.search(simple):
        return True
    pieces = _CLAUSE_BREAK.split(simple)
    clauses, breaks = pieces[0::2], pieces[1::2]
    found = answers_in(kind, sentence, question, lower_cased)
    asked = _asked_names(question, translation or {})
    change = _ASKS_CHANGE.search(to_simplified(question).lower()) is not None
    for i, clause in enumerate(clauses):
        if not any(span in clause for span in found):
            continue
        rest = clause
        for span in found:
            rest = rest.replace(span, "")
        first = i
        while first and breaks[first - 1] in "，," and not _has_subject(clauses[first]):
            first -= 1
        last = i + 1 if len(rest.strip()) <= 2 else i
        around = "，".join(clauses[first: last + 1])
        if (any(mentions(c) for c in clauses[first: last + 1])
                and not _rival_named(asked, question, around)
                and (not change or _ZH_CHANGE.search(around))):
            return True
    return False


def asks_doer(question: str, kind: Kind, unwritten: str | None = None) -> bool:
    """Whether a question asks who did something ("Who won Paris-Roubaix?", "哪位外交官联系了
    德国官员？"), not who holds a role, whose holder `role_asked` ties to the role word."""
    return kind is Kind.AGENT and role_asked(question, unwritten) is None

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
* "How many operations did Turia Pitt have?" quoted her burns (65 %): when some sentence
  counts the asked noun ("200 operations"), that count is the answer (`counts_asked`).
"""

from __future__ import annotations

import re

from newsloom.intel.answer_types import Kind, names
from newsloom.intel.text import EN_STOPWORDS, HAN_RUN_SPLIT, to_simplified, zh_tagged

# "who is the judge in the case", "who was Renault's chairman": a role, not a deed ("who
# was injured" names no role, so it has no article or possessive before the word)
_EN_ROLE = re.compile(
    r"^\s*who (?:is|was|are|were|will be) (?:the|a|an|his|her|its|their|[\w\-]+['’]s) "
    r"(?P<role>[\w\- ]+?)(?:\s+(?:of|at|for|in|on|to|who|that|behind)\b.*)?\s*\??\s*$"
    r"|\bname of (?:the|a|an|his|her|its|their|[\w\-]+['’]s) "
    r"(?P<named>[\w\- ]+?)(?:\s+(?:of|at|for|in|on|to|who|that|which|whose)\b.*)?\s*\??\s*$",
    re.IGNORECASE)
_ZH_ROLE = re.compile(r"^(?P<role>[^，,。？?]+?)是谁|谁是(?P<after>[^，,。？?]+)")
_ZH_ROLE_REACH = 14  # characters after a Chinese role word within which its holder stands
# "nile street, causing a cyclist to ..." is no apposition: no verb between name and role
_NOT_A_VERB = r"(?![\w\-]*(?:ing|ed)\b)"
_CLAUSE_END = re.compile(r"[，,。；;：:！!？?]")

_RELATIVE_YEARS = ("去年", "今年", "明年", "前年", "last year", "this year", "next year")
_COMPARED = re.compile(r"比(去年|前年|上年|上月|上周|昨日|昨天|同期|上季|上半年)|"
                       r"than (last year|the previous year|a year earlier|last month)")
_EN_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][a-z'’\-]+(?:\s+[A-Z][a-z'’\-]+)*")


def role_asked(question: str) -> str | None:
    """The role a question asks the holder of ("the French foreign minister" →
    minister, "工联会会长是谁" → 会长), or None when it asks who did something."""
    simple = to_simplified(question)
    if HAN_RUN_SPLIT.search(simple):
        match = _ZH_ROLE.search(simple.strip())
        if not match:
            return None
        phrase = match.group("role") or match.group("after")
        pieces = [w for w, _ in zh_tagged(phrase) if w.strip() and w not in ("的",)]
        return pieces[-1] if pieces and len(pieces[-1]) > 1 else None
    match = _EN_ROLE.search(question)
    if not match:
        return None
    phrase = match.group("role") or match.group("named")
    last = phrase.split()[-1].lower() if phrase.split() else ""
    return None if not last or last in EN_STOPWORDS else last


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _role_tied(role: str, question: str, sentence: str, lower_cased: bool) -> bool:
    """Whether a name that the question does not give is written as the holder of the
    role: right after it ("Fire Minister Penny Mordaunt", "会长吴秋北", "她的母亲是...高容姬"
    within the clause) or in apposition before it ("Carlos Ghosn, Renault's chairman")."""
    asked = to_simplified(question).lower()
    holders = names(sentence, lower_cased)
    if HAN_RUN_SPLIT.fullmatch(role):
        for match in re.finditer(re.escape(role), sentence):
            after = _CLAUSE_END.split(sentence[match.end(): match.end() + _ZH_ROLE_REACH])[0]
            if any(name in after and name.lower() not in asked for name in holders):
                return True
        return False
    held = rf"\b{re.escape(_singular(role))}s?\b"
    lowered = sentence.lower()
    for name in {w.lower() for n in holders for w in n.split()}:
        if name in asked or _singular(name) == _singular(role) or name in EN_STOPWORDS:
            continue
        word = rf"\b{re.escape(name)}\b"
        if re.search(rf"{held}(?:\s*,)?(?:\s+(?:is|was|are|were))?\s+{word}", lowered):
            return True
        if re.search(rf"{word}[\w\s\-'’]{{0,30}}?,\s+(?:(?:the|a|an|its|his|her|their|"
                     rf"[\w\-]+\s?['’]s)\s+)?(?:{_NOT_A_VERB}[\w\-]+\s+){{0,2}}?{held}", lowered):
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


_TITLES = frozenset(["mr", "mrs", "ms", "dr", "prof", "sir"])


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
        parts -= _TITLES | EN_STOPWORDS
        if parts:
            found.append(parts)
    return found


def states(question: str, kind: Kind, sentence: str, before: str,
           lower_cased: bool = False) -> bool:
    """Whether `sentence` (with `before`, the sentence ahead of it) states the relation
    the question asks about; see the module docstring for each rule."""
    if not _years_agree(question, sentence):
        return False
    simple = to_simplified(sentence)
    chinese = bool(HAN_RUN_SPLIT.search(question))
    if chinese != bool(HAN_RUN_SPLIT.search(sentence)):
        return True  # translated word by word: the relation words are not the article's
    if not chinese:
        context = set(re.findall(r"[\w\-]+", f"{before} {sentence}".lower()))
        if any(not parts & context for parts in _named(question)):
            return False
    role = role_asked(question) if kind is Kind.AGENT else None
    return role is None or _role_tied(role, question, simple, lower_cased)


_HOW_MANY = re.compile(r"\bhow many (?:[a-z\-]+ ){0,2}?([a-z\-]+s)\b", re.IGNORECASE)
_COUNT = (r"(?:\d[\d,.]*|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
          r"twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|dozen)"
          r"(?:[\s-]+(?:hundred|thousand|million|billion))?)")


def counts_asked(question: str, sentence: str) -> bool:
    """Whether the sentence counts the noun a "how many" question asks about ("200
    operations" for "How many operations ..."), up to two words apart."""
    match = _HOW_MANY.search(question)
    if not match:
        return False
    noun = _singular(match.group(1).lower())
    pattern = rf"\b{_COUNT}\s+(?:[\w\-]+\s+){{0,2}}{re.escape(noun)}"
    return re.search(pattern, sentence, re.IGNORECASE) is not None


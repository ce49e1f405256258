"""Things news reports give figures for side by side, which a question tells apart.

A figure often belongs to the neighbour of what a question asks about: "How much did
private companies' bond issuance rise?" quoted the state-owned companies' rise; "What was
the yuan's spot close?" quoted the midpoint; "How many confirmed cases?" the suspected
ones; "What will the yuan close at?" the expected opening; the trade surplus, the
exports or the total trade. These pairs are written in the same sentences, so the
question's words cover the wrong one. Each group below holds the words (English, and
Chinese in Simplified) for the members of one contrast; a sentence that names another
member of a group than the question names, and not the question's own, is about the
neighbour.
"""

from __future__ import annotations

import re

from newsloom.intel.text import to_simplified

# one contrast a line: its members, each a list of the words that name it in English
# (matched as word beginnings) and in Chinese
CONTRASTS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("state-owned", "国有", "国企"), ("private", "privately", "民营", "私营", "民企")),
    (("spot", "现货", "即期"), ("futures", "期货"), ("midpoint", "central parity", "中间价")),
    (("confirmed", "确诊"), ("suspected", "疑似")),
    (("imports", "imported", "进口"), ("exports", "exported", "出口"), ("surplus", "顺差"),
     ("deficit", "逆差"), ("total trade", "进出口")),
    (("revenue", "营收", "营业额", "销售额"), ("profit", "利润", "盈利", "净利")),
    (("opening", "open at", "opens at", "opened at", "开盘", "开在", "开于", "开报"),
     ("closing", "close at", "closes at", "closed at", "收盘", "收报", "收于", "收在")),
)


def chinese_words(word: str) -> tuple[str, ...]:
    """The Chinese words for the contrast member an English question word names ("spot" →
    现货, 即期): a translation the embedding may miss (it made "spot" 标普), and one that
    must stay on its side of the contrast."""
    for group in CONTRASTS:
        for member in group:
            if word in member:
                return tuple(w for w in member if not w.isascii())
    return ()


def _names(sentence: str, member: tuple[str, ...]) -> bool:
    """Whether the (Simplified, lower-cased) sentence uses a word of the member."""
    return any(word in sentence if not word.isascii()
               else re.search(rf"\b{re.escape(word)}", sentence) is not None
               for word in member)


# "Ireland's try", "England's fifth try": a possessive and up to two words before its noun
_POSSESSIVE = re.compile(r"\b([A-Za-z][\w\-]*)['’]s\s+((?:[\w\-]+\s+){0,2}?)([\w\-]+)")


def _owned_by_another(question: str, said: str) -> bool:
    """Whether the (lower-cased) sentence gives the thing a name in the question owns
    ("Who scored Ireland's try?") as another's ("... to score England's fifth try") and
    never names the question's owner: the try is England's. Only a capitalised owner
    counts (a name, not "the company's"); nouns are compared by their first four letters,
    so "try" matches "tries"."""
    for match in _POSSESSIVE.finditer(question):
        owner = match.group(1).lower()
        if not match.group(1)[0].isupper() or re.search(rf"\b{re.escape(owner)}", said):
            continue
        for noun in (match.group(3), *match.group(2).split()):
            for other in re.finditer(r"\b([a-z][\w\-]*)['’]s\s+", said):
                if other.group(1) != owner and re.match(
                        rf"(?:[\w\-]+\s+){{0,2}}?{re.escape(noun[:4].lower())}",
                        said[other.end():]):
                    return True
    return False


def about_neighbour(question: str, sentence: str) -> bool:
    """Whether the sentence names another member of a contrast than the question names,
    and not the question's own, or gives what the question owns as another's (see
    _owned_by_another): its figure or name is the neighbour's."""
    asked = to_simplified(question).lower()
    said = to_simplified(sentence).lower()
    if _owned_by_another(question, said):
        return True
    for group in CONTRASTS:
        own = [member for member in group if _names(asked, member)]
        if len(own) != 1 or _names(said, own[0]):
            continue
        if any(_names(said, member) for member in group if member is not own[0]):
            return True
    return False

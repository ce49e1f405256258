"""jieba's bundled IDF table (how telling a Chinese word is), held in 3 MB instead of 40.

Chinese keyphrases are ranked by count x IDF with the table jieba ships
(`jieba/analyse/idf.txt`, 270,000 words). `jieba.analyse` loads it as a Python dict of
strings to floats: about 40 MB in every enrichment process, a tenth of the 400 MB a worker
process may use (issue 11), for a few dozen lookups an article. Here the words are kept
only as their hashes, sorted, beside their IDFs: one binary search a lookup. Python's
string hash differs between processes, but the table is built and read in the same one; a
collision of two 64-bit hashes among 270,000 words is about one in 10^9 and would only
give a word another word's weight.
"""

from __future__ import annotations

import threading
from array import array
from pathlib import Path

import numpy as np

_lock = threading.Lock()
_table: tuple[np.ndarray, np.ndarray, float] | None = None


def _idf_file() -> Path:
    """Found beside jieba's package, not through `jieba.analyse`, whose import alone loads
    the whole table as a dict."""
    import jieba

    return Path(jieba.__file__).parent / "analyse" / "idf.txt"


def _load() -> tuple[np.ndarray, np.ndarray, float]:
    global _table
    with _lock:
        if _table is None:
            # arrays, not lists: 270,000 Python floats and ints would stay behind as
            # fragmented heap (about 20 MB) after the lists are gone
            hashes, values = array("q"), array("d")
            with _idf_file().open(encoding="utf-8") as lines:
                for line in lines:
                    word, _, value = line.strip().partition(" ")
                    if value:
                        hashes.append(hash(word))
                        values.append(float(value))
            keys = np.frombuffer(hashes, dtype=np.int64)
            idf = np.frombuffer(values, dtype=np.float64)
            order = np.argsort(keys, kind="stable")
            # jieba's rule for a word its table lacks: the median IDF of the table
            median = float(np.sort(idf)[len(idf) // 2])
            _table = (keys[order], idf[order], median)
        return _table


def idf(word: str) -> float:
    """The word's IDF in jieba's table, or the table's median IDF when it has none (as
    jieba's own keyword extraction does)."""
    keys, values, median = _load()
    key = hash(word)
    at = int(np.searchsorted(keys, key))
    return float(values[at]) if at < len(keys) and keys[at] == key else median

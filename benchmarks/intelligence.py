"""Summaries, answers, faithfulness checking and enrichment speed, one command:
`python benchmarks/intelligence.py`.

* XSum (50 full test articles with references, human-eval-50.jsonl): ROUGE-1/2/L F1
  (Google rouge-score, stemming) of newsloom's one-sentence and three-bullet extractive
  summaries next to LEAD (first sentence) computed in the same run; the published LEAD and
  extractive-oracle figures on the full test set are printed as anchors.
* Ask-the-article on the same 50 articles' human QA pairs whose answer occurs verbatim in
  the article (the others were written from the abstractive summary): how often our quoted
  sentences contain the reference answer, and how often a question about another article is
  correctly answered with "the article does not say".
* QAGS (XSum and CNN/DM model summaries with human faithfulness votes): Pearson r between
  our support score (the check applied to LLM output) and the human share of faithful
  sentences, per summary. Published QAGS: 17.49 (XSum), 54.53 (CNN/DM).
* Enrichment throughput (language, embedding, names, summary, key points, keyphrases,
  topics) on the labelled Chinese set and the XSum articles, 2 cores; peak memory.
"""

from __future__ import annotations

import gzip
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import save  # noqa: E402
from newsloom.intel.features import ArticleInput, build_features  # noqa: E402
from newsloom.intel.language import detect_language  # noqa: E402
from newsloom.intel.qa import answer_question, support_score  # noqa: E402
from newsloom.intel.summarize import summarize  # noqa: E402
from newsloom.intel.topics import topic_labels  # noqa: E402
from tests.corpora import CORPORA, require_corpora  # noqa: E402

ANCHORS = {"LEAD (published, 11,334 docs)": (16.30, 1.60, 11.95),
           "Ext-Oracle (published)": (29.79, 8.81, 22.66)}


def rouge(pairs: list[tuple[str, str]]) -> tuple[float, float, float]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    totals = np.zeros(3)
    for reference, prediction in pairs:
        scores = scorer.score(reference, prediction)
        totals += [scores[k].fmeasure for k in ("rouge1", "rouge2", "rougeL")]
    return tuple(100 * totals / len(pairs))  # type: ignore[return-value]


def xsum() -> list[dict[str, object]]:
    return [json.loads(line) for line in
            (CORPORA / "xsum-edinburgh" / "human-eval-50.jsonl").read_text().splitlines()]


def summaries(docs: list[dict[str, object]]) -> list[tuple[str, tuple[float, float, float]]]:
    rows = []
    texts = [str(d["document_full"]) for d in docs]
    references = [str(d["reference"]) for d in docs]
    lead = [t.split("\n")[0] for t in texts]
    rows.append(("LEAD (same 50 docs)", rouge(list(zip(references, lead, strict=True)))))
    one = [" ".join(summarize(t, bullets=1).bullets) for t in texts]
    rows.append(("newsloom, 1 sentence", rouge(list(zip(references, one, strict=True)))))
    three = [" ".join(summarize(t).bullets) for t in texts]
    rows.append(("newsloom, 3 bullets", rouge(list(zip(references, three, strict=True)))))
    return rows


def answers(docs: list[dict[str, object]]) -> dict[str, float]:
    asked = hit = refused_foreign = foreign = 0
    for index, doc in enumerate(docs):
        text = str(doc["document_full"])
        for qa in doc.get("questions_answers", []) or []:  # type: ignore[union-attr]
            if qa["answer"].lower() not in text.lower():
                continue  # written from the abstractive summary; no sentence can contain it
            asked += 1
            result = answer_question(qa["question"], text)
            quoted = " ".join(result.sentences).lower()
            hit += result.found and qa["answer"].lower() in quoted
        other = docs[(index + 25) % len(docs)]
        for qa in (other.get("questions_answers", []) or [])[:1]:  # type: ignore[index]
            foreign += 1
            refused_foreign += not answer_question(qa["question"], text).found
    return {"questions": asked, "answer_in_quote": hit / asked,
            "foreign_questions": foreign, "foreign_refused": refused_foreign / foreign}


def faithfulness() -> dict[str, float]:
    out = {}
    for name in ("xsum", "cnndm"):
        human, ours = [], []
        with gzip.open(CORPORA / "qags-summary-faithfulness" / f"mturk_{name}.jsonl.gz",
                       "rt") as handle:
            for line in handle:
                row = json.loads(line)
                votes = []
                for sentence in row["summary_sentences"]:
                    yes = sum(r["response"] == "yes" for r in sentence["responses"])
                    votes.append(yes * 2 > len(sentence["responses"]))
                human.append(sum(votes) / len(votes))
                summary = " ".join(s["sentence"] for s in row["summary_sentences"])
                ours.append(support_score(summary, row["article"]))
        out[name] = float(np.corrcoef(human, ours)[0, 1]) * 100
        out[f"{name}_n"] = len(human)
    return out


def throughput(docs: list[dict[str, object]]) -> dict[str, float]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from clustering import load_zh

    zh_items, _, _ = load_zh()
    en_items = [ArticleInput(str(d["eval_index"]), str(d["document_full"]).split("\n")[0],
                             str(d["document_full"]), zh_items[0].published, "en")
                for d in docs]
    items = zh_items + en_items
    build_features(items[:2])  # load models outside the timing
    started = time.perf_counter()
    for item in items:
        detect_language(f"{item.title}\n{item.text[:500]}")
        summarize(item.text, item.title)
        topic_labels(item.title, item.text)
    build_features(items)
    elapsed = time.perf_counter() - started
    return {"articles": len(items), "seconds": elapsed, "per_second": len(items) / elapsed,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    require_corpora()
    docs = xsum()
    results: dict[str, object] = {}
    print("\nXSum summaries (ROUGE F1 x100, rouge-score with stemming)")
    print(f"{'system':<32} {'R-1':>6} {'R-2':>6} {'R-L':>6}")
    rows = summaries(docs)
    for name, (r1, r2, rl) in [*rows, *ANCHORS.items()]:
        print(f"{name:<32} {r1:>6.2f} {r2:>6.2f} {rl:>6.2f}")
    results["rouge"] = {name: scores for name, scores in rows}
    qa = answers(docs)
    results["qa"] = qa
    print(f"\nAsk this article: {qa['questions']} answerable human questions, reference "
          f"answer in the quoted sentences {qa['answer_in_quote']:.1%}; questions about "
          f"another article answered 'does not say' {qa['foreign_refused']:.1%} "
          f"of {qa['foreign_questions']}")
    faith = faithfulness()
    results["faithfulness"] = faith
    print(f"\nFaithfulness check vs human votes (Pearson r x100): XSum {faith['xsum']:.2f} "
          f"(n={faith['xsum_n']:.0f}; QAGS 17.49), CNN/DM {faith['cnndm']:.2f} "
          f"(n={faith['cnndm_n']:.0f}; QAGS 54.53)")
    speed = throughput(docs)
    results["enrichment"] = speed
    print(f"\nEnrichment: {speed['articles']:.0f} articles in {speed['seconds']:.1f} s = "
          f"{speed['per_second']:.1f} articles/s; peak RSS {speed['max_rss_mb']:.0f} MB")
    save("intelligence", results)


if __name__ == "__main__":
    main()

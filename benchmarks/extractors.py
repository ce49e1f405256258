"""Extractors side by side, quality and CPU in one run: `python benchmarks/extractors.py`.

Systems, each on the same pages in the same process:
- plain trafilatura (`trafilatura.extract`),
- newsloom's extractor with the page's metadata (the feed gave no title or date),
- newsloom's extractor when the feed gave title and date (no trafilatura metadata step, no
  date search; the title a feed would give is taken from the page's head for the test,
  and that parse is counted in its CPU),
- rs-trafilatura (Rust), when it can be imported: it ships only a CPython 3.12 wheel, so
  run this script with a 3.12 interpreter to include it (see docs/benchmarks.md).

Datasets: Zyte's article-extraction benchmark (shingle F1 against human ground truth),
trafilatura's evaluation set (segment F1) and Mozilla Readability's test pages (shingle F1
against Readability.js output: a regression target, not human annotation). CPU is process
time per page after one warm-up page per system; the warm-up (one-off set-up: dateparser
locales, models) is reported on its own.

Dates, on the Readability pages that state `publishedTime` and the ones that do not:
trafilatura's extensive date search (what newsloom used before) against newsloom's
metadata-only page date. An "invented" date is one given for a page that states none.

Prints tables and writes benchmarks/results/extractors.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.extraction_metrics import segment_scores, zyte_scores  # noqa: E402
from benchmarks.ingest import _load_trafilatura_eval, _load_zyte  # noqa: E402
from benchmarks.results import save  # noqa: E402
from tests.corpora import CORPORA, require_corpora  # noqa: E402

Extractor = Callable[[bytes, str], str]
READABILITY = CORPORA / "mozilla-readability-test-pages" / "pages"


def _plain_trafilatura(raw: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(raw, url=url) or ""


def _newsloom(feed_gave_title_and_date: bool) -> Extractor:
    def run(raw: bytes, url: str) -> str:
        from newsloom.articles.extract import extract_article
        from newsloom.articles.headmeta import head_meta

        if not feed_gave_title_and_date:
            page = extract_article(raw, url)
            return page.text if page else ""
        from trafilatura.utils import load_html

        tree = load_html(raw)  # a feed title stands in as the page's own (og:)title
        title = head_meta(tree).title if tree is not None else ""
        page = extract_article(raw, url, want_date=False, feed_title=title or "untitled")
        return page.text if page else ""
    return run


def _rs_trafilatura(raw: bytes, url: str) -> str:
    import rs_trafilatura

    return rs_trafilatura.extract_bytes(raw, url=url or None).main_content or ""


def systems() -> tuple[dict[str, Extractor], str]:
    """The extractors to compare, and why rs-trafilatura is missing when it is."""
    found: dict[str, Extractor] = {
        "trafilatura (plain)": _plain_trafilatura,
        "newsloom, page metadata wanted": _newsloom(False),
        "newsloom, feed gave title and date": _newsloom(True),
    }
    try:
        import rs_trafilatura  # noqa: F401
    except ImportError as exc:
        return found, (f"rs-trafilatura not importable on Python "
                       f"{sys.version_info.major}.{sys.version_info.minor}: {exc}")
    found["rs-trafilatura"] = _rs_trafilatura
    return found, ""


def _html_text(html: bytes) -> str:
    import lxml.html

    return lxml.html.fromstring(html).text_content() if html.strip() else ""


def _load_readability(limit: int | None) -> list[tuple[str, str, bytes, dict[str, object]]]:
    rows = []
    for folder in sorted(READABILITY.iterdir()):
        if not (folder / "source.html.gz").exists():
            continue
        expected = gzip.decompress((folder / "expected.html.gz").read_bytes())
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        rows.append((f"https://{folder.name}.example/", _html_text(expected),
                     gzip.decompress((folder / "source.html.gz").read_bytes()), meta))
    return rows[:limit] if limit else rows


def _cpu(extractor: Extractor, pages: list[tuple[bytes, str]]) -> tuple[list[str], float]:
    started = time.process_time()
    out = [extractor(raw, url) for raw, url in pages]
    return out, (time.process_time() - started) / max(1, len(pages)) * 1e3


def quality(limit: int | None) -> list[dict[str, object]]:
    found, missing = systems()
    zyte = _load_zyte()[:limit] if limit else _load_zyte()
    teval = _load_trafilatura_eval(limit)
    readability = _load_readability(limit)
    rows: list[dict[str, object]] = []
    for name, extractor in found.items():
        warm = time.process_time()
        extractor(zyte[0][2], zyte[0][0])
        setup_ms = (time.process_time() - warm) * 1e3
        texts, ms = _cpu(extractor, [(raw, url) for url, _, raw in zyte])
        rows.append({"dataset": f"zyte ({len(zyte)})", "system": name, "setup_ms": setup_ms,
                     **zyte_scores([(t, p) for (_, t, _), p in zip(zyte, texts, strict=True)]),
                     "cpu_ms_per_page": ms})
        texts, ms = _cpu(extractor, [(raw, url) for url, _, _, raw in teval])
        rows.append({"dataset": f"trafilatura-eval ({len(teval)})", "system": name,
                     **segment_scores([(w, wo, p) for (_, w, wo, _), p
                                       in zip(teval, texts, strict=True)]),
                     "cpu_ms_per_page": ms})
        texts, ms = _cpu(extractor, [(raw, url) for url, _, raw, _ in readability])
        rows.append({"dataset": f"readability ({len(readability)})", "system": name,
                     **zyte_scores([(t, p) for (_, t, _, _), p
                                    in zip(readability, texts, strict=True)]),
                     "cpu_ms_per_page": ms})
    if missing:
        rows.append({"dataset": "-", "system": "rs-trafilatura", "note": missing})
    return rows


def _day(value: object) -> str:
    text = str(value or "")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return text[:10]


def dates(limit: int | None) -> list[dict[str, object]]:
    """Page dates on the Readability pages: right, wrong, missed, and invented."""
    import trafilatura
    from trafilatura.utils import load_html

    from newsloom.articles.pagedate import metadata_date

    def extensive(raw: bytes, url: str) -> str:
        document = trafilatura.bare_extraction(
            raw, url=url, with_metadata=True, date_extraction_params={
                "extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%d"})
        return (document.date or "") if document else ""

    def metadata_only(raw: bytes, url: str) -> str:
        tree = load_html(raw)
        found = metadata_date(tree, url) if tree is not None else None
        return found.date().isoformat() if found else ""

    pages = _load_readability(limit)
    rows = []
    for name, finder in (("trafilatura extensive search (before)", extensive),
                         ("newsloom metadata only (now)", metadata_only)):
        counts = {"right": 0, "wrong": 0, "missed": 0, "invented": 0, "none_when_none": 0}
        for url, _, raw, meta in pages:
            truth, found = _day(meta.get("publishedTime")), finder(raw, url)[:10]
            if truth:
                counts["right" if found == truth else "wrong" if found else "missed"] += 1
            else:
                counts["invented" if found else "none_when_none"] += 1
        rows.append({"system": name, **counts})
    return rows


def _table(rows: list[dict[str, object]], columns: list[str]) -> None:
    print(" | ".join(columns))
    for row in rows:
        print(" | ".join(f"{row[c]:.3f}" if isinstance(row.get(c), float) else str(row.get(c, ""))
                         for c in columns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    args = parser.parse_args()
    require_corpora()
    rows = quality(args.limit)
    _table(rows, ["dataset", "system", "precision", "recall", "f1", "cpu_ms_per_page",
                  "setup_ms", "note"])
    print()
    date_rows = dates(args.limit)
    _table(date_rows, ["system", "right", "wrong", "missed", "invented", "none_when_none"])
    save("extractors", {"python": sys.version.split()[0], "quality": rows, "dates": date_rows})


if __name__ == "__main__":
    main()

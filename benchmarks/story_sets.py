"""The hand-labelled story streams, as the story engine sees them: every article of a
window, singletons and all (`../shared/corpora/story-dev/` and `benchmarks/data/`).

Stream sets (every article of a window):
* zh 2020-06-22: the shared development set, 458 articles of two days;
* zh 2020-03-31, 2020-04-14, 2020-07-21 (two days each) and 2020-04-08, 2020-04-22,
  2020-04-29, 2020-05-27, 2020-06-05, 2020-06-30, 2020-07-07, 2020-08-04 (one day each):
  labelled the same way for newsloom (`benchmarks/data/story-stream-zh-*.json`, method in
  the .md beside each);
* en AllSides, split in time into two halves (April-June, June-August 2021), so English
  can be both fitted on and scored on.
Other sets (not streams, scored but never fitted on): the cross-lingual demo pages.

Days 2020-05-04 to 2020-05-19 of theagora are reserved for held-out evaluation: rows
published then are skipped before anything else is read of them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from newsloom.articles.sanitize import html_to_text
from newsloom.intel.features import ArticleInput, build_features
from newsloom.intel.story_training import LabelledStream
from tests.corpora import CORPORA, theagora_rows

DATA = Path(__file__).resolve().parent / "data"
RESERVED = (date(2020, 5, 4), date(2020, 5, 19))
ALLSIDES_SPLIT = "2021-06-15"


def reserved(published: str) -> bool:
    """True for the days kept for held-out evaluation."""
    day = date.fromisoformat(published[:10])
    return RESERVED[0] <= day <= RESERVED[1]


def theagora_items(labels: dict[str, str]) -> list[ArticleInput]:
    """The labelled articles of theagora-news1-zh-2020 as the engine's inputs (reserved
    days skipped before anything of them is read)."""
    items = []
    for row in theagora_rows():
        if reserved(row["published"]) or row["id"] not in labels:
            continue
        body = html_to_text(row["body"]) if row["body_format"] == "html" else row["body"]
        # "zh" for Traditional and Simplified alike, as language detection stores it
        items.append(ArticleInput(row["id"], row["title"], body,
                                  datetime.fromisoformat(row["published"]), "zh",
                                  row["source"]))
    return items


def _stream(name: str, items: list[ArticleInput], gold: dict[str, str]) -> LabelledStream:
    missing = set(gold) - {i.key for i in items}
    if missing:
        raise SystemExit(f"{name}: {len(missing)} labelled articles not in the corpus")
    return LabelledStream(name, build_features(items), gold)


def zh_streams() -> list[LabelledStream]:
    files = [CORPORA / "story-dev" / "theagora-zh-dev-2020-06-22.json",
             *sorted(DATA.glob("story-stream-zh-*.json"))]
    labelled = _labels_by_window([p for p in files if p.exists()])
    wanted = {key for labels in labelled.values() for key in labels}
    rows = {i.key: i for i in theagora_items(dict.fromkeys(wanted, ""))}
    return [_stream(name, [rows[k] for k in labels if k in rows], labels)
            for name, labels in sorted(labelled.items())]


def en_streams() -> list[LabelledStream]:
    path = CORPORA / "story-dev" / "allsides-en-dev.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    halves: dict[str, tuple[list[ArticleInput], dict[str, str]]] = {}
    for row in rows:
        half = "en AllSides Apr-Jun" if row["published"] < ALLSIDES_SPLIT \
            else "en AllSides Jun-Aug"
        items, gold = halves.setdefault(half, ([], {}))
        items.append(ArticleInput(row["id"], row["title"], row["text"],
                                  datetime.fromisoformat(row["published"].replace("Z", "+00:00")),
                                  "en", row["source"]))
        gold[row["id"]] = str(row["story"])
    return [_stream(name, *halves[name]) for name in sorted(halves)]


def _title_text(row: dict[str, object]) -> tuple[str, str]:
    """A written item's own title and text, or those of the corpus article it points to
    (`from`: a line of an XSum file, kept in the corpus): its first line and about 150
    words after it."""
    if "from" not in row:
        return str(row["title"]), str(row["text"])
    source = row["from"]
    assert isinstance(source, dict)
    lines = (CORPORA / source["corpus"]).read_text().splitlines()
    first, *rest = json.loads(lines[source["line"]])["document_full"].split("\n")
    text: list[str] = []
    for line in rest:
        if len(" ".join([*text, line]).split()) > 150:
            break
        text.append(line)
    return first, " ".join(text)


def bilingual_sets(streams: list[LabelledStream]) -> dict[str, LabelledStream]:
    """Stream set name -> that stream with English reports of its events added
    (`benchmarks/data/story-bilingual-*.jsonl`: written from the Chinese reports, plus real
    English news of other times as distractors), scored by the model of that stream's
    fold: does an English report join the Chinese story of its event, and only it?"""
    by_name = {s.name: s for s in streams}
    sets = {}
    for path in sorted(DATA.glob("story-bilingual-*.jsonl")):
        base = by_name.get(f"zh {path.stem.removeprefix('story-bilingual-')}")
        if base is None:
            continue
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        english = build_features([ArticleInput(r["id"], *_title_text(r),
                                               datetime.fromisoformat(r["published"]),
                                               r["language"], r["source"]) for r in rows])
        sets[base.name] = LabelledStream(
            f"{base.name} + en", base.items + english,
            {**base.gold, **{r["id"]: r["story"] for r in rows}})
    return sets


def second_labellings() -> dict[str, dict[str, str]]:
    """Stream set name -> the labels a second labeller gave the same articles, working
    apart from the first (`benchmarks/data/agreement/`): how far two careful people
    agree is the most any system can be expected to reach on a set."""
    return _labels_by_window(sorted((DATA / "agreement").glob("story-stream-zh-*-second.json")))


def _labels_by_window(paths: list[Path]) -> dict[str, dict[str, str]]:
    """Stream set name ("zh" and the window's first day) -> article id -> story label, from
    label files of the stream format (each read once)."""
    files = [json.loads(path.read_text()) for path in paths]
    return {f"zh {data['window'][:10]}": data["labels"] for data in files}


def demo_set() -> LabelledStream:
    """The demo corpus: English and Chinese reports of the same events."""
    from newsloom.articles.extract import extract_article
    from newsloom.demo.server import data_path, render_template

    labels = json.loads((DATA / "story-labels-demo.json").read_text())
    gold = {page: story for story, pages in labels.items() for page in pages}
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    items = []
    for page in sorted(gold):
        raw = render_template((data_path() / "pages" / f"{page}.html").read_text(), "http://x",
                              now)
        extracted = extract_article(raw.encode(), f"http://x/{page}")
        if extracted is None:
            raise SystemExit(f"demo page {page} did not extract")
        items.append(ArticleInput(page, extracted.title, extracted.text, extracted.date or now,
                                  extracted.language, page.split("-")[0]))
    return _stream("cross-lingual demo", items, gold)


def stream_sets() -> list[LabelledStream]:
    return zh_streams() + en_streams()

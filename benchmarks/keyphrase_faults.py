"""Bad keyphrases before and after, counted by hand: `python benchmarks/keyphrase_faults.py`.

Keyphrases are the names and noun phrases a reader files an article under (issue 12); a
review found names cut (劉家 for 劉家棟), verbs and fillers kept (行使, 全部), dates and
caption words ("June", "Image") and a title phrase cut inside a word ("angzhou start-ups
weigh"). This prints the keyphrases of the demo pages and of random samples of
theagora-news1-zh-2020 articles, with the code of each of BASELINES (main before the fixes of
the fifth, the sixth and the tenth session, loaded from git) and the code as it is, and counts
those a person judged bad on reading them
(benchmarks/data/keyphrase-faults.json, phrase -> kind, Simplified). The rules were
tuned on days 2020-06-20..29; the samples are drawn from the other days, reserved days (and
one day either side) never read. Development reads the measured sample (seed 2020) and the
sixth session's held-out sample (seed 2026: reported on once, development data since the
tenth session). A phrase not in the judgements counts as good: run with --show to read them,
or --new for those no earlier code showed. --held-out reports on 20 fresh articles instead
(seed 2027), kept out of development (read once, to report on).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import types
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.story_sets import reserved  # noqa: E402
from newsloom.articles.extract import extract_article  # noqa: E402
from newsloom.articles.sanitize import html_to_text  # noqa: E402
from newsloom.intel.entities import keyphrases  # noqa: E402
from newsloom.intel.text import to_simplified  # noqa: E402
from tests.corpora import require_corpora, theagora_rows  # noqa: E402

# main before kp5's fix, before kp6's, and before kp12's
BASELINES = ("5ffd2aa", "b5a3f0e", "78c6a8a")
SAMPLE = 40
SEED = 2020
OLD_HELD_OUT_SEED = 2026  # the sixth session's held-out sample, development data since
HELD_OUT = 20
HELD_OUT_SEED = 2027
TUNING_DAYS = "2020-06-2"
PAGES = ROOT / "newsloom" / "demo" / "data" / "pages"
JUDGEMENTS = ROOT / "benchmarks" / "data" / "keyphrase-faults.json"


def baseline_keyphrases(commit: str) -> types.FunctionType:
    """`keyphrases` as `commit` wrote it, with that commit's text module too (stopword
    lists and tags live there): both loaded from git, so earlier code runs as it was."""
    def source(path: str) -> str:
        return subprocess.run(["git", "show", f"{commit}:{path}"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout

    modules = {}
    today = sys.modules["newsloom.intel.text"]
    for name in ("text", "entities"):
        path = f"newsloom/intel/{name}.py"
        module = types.ModuleType(f"baseline_{commit}_{name}")
        module.__file__ = str(ROOT / path)  # its names dictionary sits beside it
        sys.modules[module.__name__] = module  # a dataclass looks its module up
        sys.modules["newsloom.intel.text"] = modules.get("text", today)
        try:
            exec(compile(source(path), module.__name__, "exec"), module.__dict__)
        finally:
            sys.modules["newsloom.intel.text"] = today
        modules[name] = module
    return modules["entities"].keyphrases


def near_reserved(published: str) -> bool:
    """The reserved days and one day either side: a story of a reserved day is still
    news the day before and after, so those days are never read either."""
    day = date.fromisoformat(published[:10])
    return any(reserved((day + timedelta(days=shift)).isoformat()) for shift in (-1, 0, 1))


def samples() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The development articles (the measured sample, SAMPLE articles of seed SEED, then
    the old held-out one, HELD_OUT other articles of seed OLD_HELD_OUT_SEED) and the fresh
    held-out sample (HELD_OUT articles of seed HELD_OUT_SEED, read only to report on, outside
    the days next to the reserved ones too), all outside the reserved and the tuning days.
    Each sample is drawn from what the ones before it left, as it was first drawn.
    benchmarks/build_zh_verbs.py learns from none of them."""
    rows = [r for r in theagora_rows()
            if not reserved(r["published"]) and not r["published"].startswith(TUNING_DAYS)]
    measured = random.Random(SEED).sample(rows, SAMPLE)
    rest = [r for r in rows if r not in measured]
    old = random.Random(OLD_HELD_OUT_SEED).sample(rest, HELD_OUT)
    fresh = [r for r in rest if r not in old and not near_reserved(r["published"])]
    return measured + old, random.Random(HELD_OUT_SEED).sample(fresh, HELD_OUT)


def articles(held_out: bool) -> list[tuple[str, str, str]]:
    """(name, title, text): the demo pages, then the development theagora articles; or the
    held-out sample alone."""
    found = []
    if not held_out:
        for page in sorted(PAGES.glob("*.html")):
            extracted = extract_article(page.read_bytes())
            if extracted is not None:
                found.append((page.stem, extracted.title, extracted.text))
    development, other = samples()
    for row in other if held_out else development:
        body = html_to_text(row["body"]) if row["body_format"] == "html" else row["body"]
        found.append((row["id"], row["title"], body))
    return found


def main() -> None:
    require_corpora()
    held_out = "--held-out" in sys.argv
    judged: dict[str, str] = json.loads(JUDGEMENTS.read_text(encoding="utf-8"))
    versions = {f"main {commit}": baseline_keyphrases(commit) for commit in BASELINES}
    versions["this code"] = keyphrases
    faults = {name: Counter() for name in versions}
    shown = Counter()
    for key, title, text in articles(held_out):
        told = {name: extract(text, title) for name, extract in versions.items()}
        for name, phrases in told.items():
            shown[name] += len(phrases)
            faults[name].update(judged[p] for p in map(to_simplified, phrases) if p in judged)
            if "--show" in sys.argv:
                print(key, name, phrases)
        if "--new" in sys.argv:  # what a reader must judge: phrases no earlier code showed
            before = {p for name, phrases in told.items() if name != "this code" for p in phrases}
            print(key, title[:40], [p for p in told["this code"] if p not in before])
    kinds = sorted({kind for counts in faults.values() for kind in counts})
    what = (f"{HELD_OUT} held-out theagora articles (seed {HELD_OUT_SEED})" if held_out else
            f"{len(list(PAGES.glob('*.html')))} demo pages and {SAMPLE + HELD_OUT} theagora "
            f"articles (seeds {SEED} and {OLD_HELD_OUT_SEED})")
    print(f"\nKeyphrases of {what}, bad ones by kind")
    print(f"{'code':<18} {'shown':>6} {'bad':>5} " + " ".join(f"{k:>14}" for k in kinds))
    for name in versions:
        print(f"{name:<18} {shown[name]:>6} {sum(faults[name].values()):>5} "
              + " ".join(f"{faults[name][k]:>14}" for k in kinds))


if __name__ == "__main__":
    main()

"""Bad keyphrases before and after, counted by hand: `python benchmarks/keyphrase_faults.py`.

Keyphrases are the names and noun phrases a reader files an article under (issue 12); a
review found names cut (劉家 for 劉家棟), verbs and fillers kept (行使, 全部), dates and
caption words ("June", "Image") and a title phrase cut inside a word ("angzhou start-ups
weigh"). This prints the keyphrases of the demo pages and of a random sample of
theagora-news1-zh-2020 articles, with the code of each of BASELINES (main before the fixes of
the fifth and of the sixth session, loaded from git) and the code as it is, and counts those
a person judged bad on reading them
(benchmarks/data/keyphrase-faults.json, phrase -> kind, Simplified). The rules were
tuned on days 2020-06-20..29; the sample is drawn from the other days, reserved days
never read. A phrase not in the judgements counts as good: run with --show to read them, or
--new for those no earlier code showed. --held-out reports on 20 other articles instead,
kept out of development (read once, to report on).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import types
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.story_sets import reserved  # noqa: E402
from newsloom.articles.extract import extract_article  # noqa: E402
from newsloom.articles.sanitize import html_to_text  # noqa: E402
from newsloom.intel.entities import keyphrases  # noqa: E402
from newsloom.intel.text import to_simplified  # noqa: E402
from tests.corpora import require_corpora, theagora_rows  # noqa: E402

BASELINES = ("5ffd2aa", "b5a3f0e")  # main before kp5's fix, and before kp6's
SAMPLE = 40
SEED = 2020
HELD_OUT = 20
HELD_OUT_SEED = 2026
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


def samples() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The measured sample (SAMPLE articles, seed SEED) and the held-out one (HELD_OUT other
    articles, seed HELD_OUT_SEED, read only to report on), both outside the reserved and
    the tuning days. benchmarks/build_zh_verbs.py learns from neither."""
    rows = [r for r in theagora_rows()
            if not reserved(r["published"]) and not r["published"].startswith(TUNING_DAYS)]
    measured = random.Random(SEED).sample(rows, SAMPLE)
    taken = {r["id"] for r in measured}
    rest = [r for r in rows if r["id"] not in taken]
    return measured, random.Random(HELD_OUT_SEED).sample(rest, HELD_OUT)


def articles(held_out: bool) -> list[tuple[str, str, str]]:
    """(name, title, text): the demo pages, then the random theagora sample; or the
    held-out sample alone."""
    found = []
    if not held_out:
        for page in sorted(PAGES.glob("*.html")):
            extracted = extract_article(page.read_bytes())
            if extracted is not None:
                found.append((page.stem, extracted.title, extracted.text))
    measured, other = samples()
    for row in other if held_out else measured:
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
            f"{len(list(PAGES.glob('*.html')))} demo pages and {SAMPLE} theagora articles "
            f"(seed {SEED})")
    print(f"\nKeyphrases of {what}, bad ones by kind")
    print(f"{'code':<18} {'shown':>6} {'bad':>5} " + " ".join(f"{k:>14}" for k in kinds))
    for name in versions:
        print(f"{name:<18} {shown[name]:>6} {sum(faults[name].values()):>5} "
              + " ".join(f"{faults[name][k]:>14}" for k in kinds))


if __name__ == "__main__":
    main()

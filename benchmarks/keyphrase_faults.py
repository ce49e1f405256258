"""Bad keyphrases before and after, counted by hand: `python benchmarks/keyphrase_faults.py`.

Keyphrases are the names and noun phrases a reader files an article under (issue 12); a
review found names cut (劉家 for 劉家棟), verbs and fillers kept (行使, 全部), dates and
caption words ("June", "Image") and a title phrase cut inside a word ("angzhou start-ups
weigh"). This prints the keyphrases of the demo pages and of a random sample of
theagora-news1-zh-2020 articles, with the code of BASELINE (before the fix, loaded from
git) and the code as it is, and counts those a person judged bad on reading them
(benchmarks/data/keyphrase-faults.json, phrase -> kind, Simplified). The rules were
tuned on days 2020-06-20..29; the sample is drawn from the other days, reserved days
never read. A phrase not in the judgements counts as good: run with --show to read them.
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

BASELINE = "5ffd2aa"  # main before the fix
SAMPLE = 40
SEED = 2020
TUNING_DAYS = "2020-06-2"
PAGES = ROOT / "newsloom" / "demo" / "data" / "pages"
JUDGEMENTS = ROOT / "benchmarks" / "data" / "keyphrase-faults.json"


def baseline_keyphrases() -> types.FunctionType:
    """`keyphrases` as the BASELINE commit wrote it, run against today's shared text
    module (the fix touches keyphrases only)."""
    source = subprocess.run(["git", "show", f"{BASELINE}:newsloom/intel/entities.py"],
                            cwd=ROOT, check=True, capture_output=True, text=True).stdout
    module = types.ModuleType("baseline_entities")
    sys.modules[module.__name__] = module  # its dataclass looks its module up
    exec(compile(source, "baseline_entities.py", "exec"), module.__dict__)
    return module.keyphrases


def articles() -> list[tuple[str, str, str]]:
    """(name, title, text): the demo pages, then the random theagora sample."""
    found = []
    for page in sorted(PAGES.glob("*.html")):
        extracted = extract_article(page.read_bytes())
        if extracted is not None:
            found.append((page.stem, extracted.title, extracted.text))
    rows = [r for r in theagora_rows()
            if not reserved(r["published"]) and not r["published"].startswith(TUNING_DAYS)]
    for row in random.Random(SEED).sample(rows, SAMPLE):
        body = html_to_text(row["body"]) if row["body_format"] == "html" else row["body"]
        found.append((row["id"], row["title"], body))
    return found


def main() -> None:
    require_corpora()
    judged: dict[str, str] = json.loads(JUDGEMENTS.read_text(encoding="utf-8"))
    versions = {f"before ({BASELINE})": baseline_keyphrases(), "after": keyphrases}
    faults = {name: Counter() for name in versions}
    shown = Counter()
    for key, title, text in articles():
        for name, extract in versions.items():
            phrases = extract(text, title)
            shown[name] += len(phrases)
            faults[name].update(judged[p] for p in map(to_simplified, phrases) if p in judged)
            if "--show" in sys.argv:
                print(key, name, phrases)
    kinds = sorted({kind for counts in faults.values() for kind in counts})
    print(f"\nKeyphrases of {len(list(PAGES.glob('*.html')))} demo pages and {SAMPLE} theagora "
          f"articles (seed {SEED}), bad ones by kind")
    print(f"{'code':<18} {'shown':>6} {'bad':>5} " + " ".join(f"{k:>14}" for k in kinds))
    for name in versions:
        print(f"{name:<18} {shown[name]:>6} {sum(faults[name].values()):>5} "
              + " ".join(f"{faults[name][k]:>14}" for k in kinds))


if __name__ == "__main__":
    main()

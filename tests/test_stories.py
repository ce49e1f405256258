"""The story engine on the cases that break simple clustering (recurring reports, a big
story next to a small one of the same days), and its database wiring: re-running
enrichment never double-counts, `newsloom recluster` rebuilds the same stories."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.core.management import call_command

from newsloom.intel.cluster import ArticleFeatures, StoryEngine, cluster_batch
from newsloom.intel.features import ArticleInput, build_features
from newsloom.intel.story_model import StoryModel, Tree

DAY1 = datetime(2026, 11, 23, 8, tzinfo=UTC)
DAY2 = DAY1 + timedelta(days=1)


def _assign(items: list[ArticleInput]) -> dict[str, int]:
    return cluster_batch(build_features(items))


def _item(key: str, title: str, text: str, published: datetime, source: str,
          language: str = "en") -> ArticleInput:
    return ArticleInput(key, title, text, published, language, source)


def test_one_market_close_per_day() -> None:
    stories = _assign([
        _item("mon-a", "Hang Seng index closes up 1.2% as tech shares rally",
              "Hong Kong stocks rose on Monday. The Hang Seng index closed up 312 points, or "
              "1.2%, at 26,150, led by Tencent and Alibaba. Turnover was HK$98 billion.",
              DAY1, "rthk"),
        _item("mon-b", "Hong Kong shares end 1.2% higher, tech leads",
              "The Hang Seng index ended Monday up 1.2% at 26,150 points as technology stocks "
              "gained; Tencent rose 3%. Market turnover reached HK$98 billion.",
              DAY1 + timedelta(hours=1), "reuters"),
        _item("tue-a", "Hang Seng index closes down 0.8% on profit taking",
              "Hong Kong stocks fell on Tuesday. The Hang Seng index closed down 210 points, or "
              "0.8%, at 25,940 as investors took profits. Turnover was HK$87 billion.",
              DAY2, "rthk"),
    ])
    assert stories["mon-a"] == stories["mon-b"]
    assert stories["tue-a"] != stories["mon-a"]


def test_daily_case_counts_of_two_places_stay_apart() -> None:
    stories = _assign([
        _item("hk", "Hong Kong reports 28 new coronavirus cases",
              "Hong Kong reported 28 new coronavirus infections on Monday, 20 of them local, "
              "health officials said. The Centre for Health Protection said 9 cases were of "
              "unknown origin.", DAY1, "rthk"),
        _item("sg", "Singapore reports 28 new coronavirus cases",
              "Singapore reported 28 new coronavirus infections on Monday, most of them in "
              "migrant worker dormitories, the health ministry said. No new deaths were "
              "reported.", DAY1 + timedelta(hours=2), "cna"),
        _item("hk2", "Hong Kong confirms 28 more Covid-19 infections",
              "The Centre for Health Protection confirmed 28 more Covid-19 infections in Hong "
              "Kong on Monday, including 9 untraceable local cases.", DAY1 + timedelta(hours=3),
              "scmp"),
    ])
    assert stories["hk"] == stories["hk2"]
    assert stories["sg"] != stories["hk"]


PROTEST_ANGLES = [
    "Police fired tear gas at protesters in Mong Kok",
    "Thousands marched from Causeway Bay to Central",
    "Organisers said 50,000 people joined the march",
    "Police arrested 120 people during the protest",
    "Protesters blocked Nathan Road for several hours",
    "The government condemned violence at the protest",
    "Student groups joined the march against the bill",
    "MTR closed stations as the protest spread",
    "Lawmakers called for an inquiry into police tactics",
    "Shops in Causeway Bay closed early during the march",
]


def _protest(i: int) -> ArticleInput:
    angle = PROTEST_ANGLES[i % len(PROTEST_ANGLES)]
    return _item(f"protest-{i}", f"Hong Kong protest against extradition bill: {angle.lower()}",
                 f"{angle} on Sunday as the protest against the extradition bill continued in "
                 f"Hong Kong. Demonstrators demanded the bill be withdrawn. Report {i} from the "
                 "scene of the extradition bill protest.",
                 DAY1 + timedelta(minutes=20 * i), ["rthk", "scmp", "hkfp", "reuters"][i % 4])


def test_a_report_in_the_other_language_joins_its_event_and_nothing_else() -> None:
    """English and Chinese reports of one event score 0.45-0.6 on the embedding here,
    below the old fixed bar of 0.6 (the written bilingual days: most true pairs do)."""
    stories = _assign([
        _item("en-hkex", "HKEX interim profit up 12 per cent",
              "Hong Kong Exchanges and Clearing said first-half net profit rose 12 per cent to "
              "HK$6.5 billion, a record, as trading volumes climbed.", DAY1, "wire"),
        _item("heat-1", "天文台发出酷热天气警告",
              "天文台今早发出酷热天气警告，预计今日市区气温高达三十五度。天文台提醒市民避免长时间"
              "在户外活动，并要多喝水。", DAY1 + timedelta(hours=1), "rthk", "zh"),
        _item("hkex-1", "港交所上半年纯利按年升12%",
              "香港交易所公布上半年业绩，股东应占溢利按年上升百分之十二至六十五亿元，收入创新高，"
              "主要受惠于交易量增加。", DAY1 + timedelta(hours=2), "rthk", "zh"),
        _item("heat-2", "酷热天气警告生效 市区气温逾35度",
              "酷热天气警告现正生效。天文台表示，受副热带高压影响，本港今日天气酷热，部分地区气温"
              "超过三十五度。", DAY1 + timedelta(hours=3), "hket", "zh"),
        _item("en-heat", "Very hot weather warning in force in Hong Kong",
              "The Hong Kong Observatory has issued its very hot weather warning, with "
              "temperatures in urban areas expected to climb above 35 degrees. People were "
              "advised to avoid prolonged outdoor activity and drink plenty of water.",
              DAY1 + timedelta(hours=4), "wire"),
        _item("en-other", "Brazil's Senate approves pension reform",
              "Brazil's Senate has approved a sweeping overhaul of the pension system, a key "
              "part of the government's plan to cut the budget deficit.",
              DAY1 + timedelta(hours=5), "wire"),
    ])
    assert stories["heat-1"] == stories["heat-2"] == stories["en-heat"]
    assert stories["en-hkex"] == stories["hkex-1"] != stories["heat-1"]
    assert len({stories["en-other"], stories["heat-1"], stories["hkex-1"]}) == 3


def test_a_big_protest_story_does_not_swallow_the_press_freedom_index() -> None:
    items = [_protest(i) for i in range(40)]
    items += [
        _item("rsf", "Hong Kong falls to 80th in press freedom index",
              "Reporters Without Borders ranked Hong Kong 80th in its annual World Press "
              "Freedom Index, down seven places, citing pressure on journalists.",
              DAY1 + timedelta(hours=6), "hkfp"),
        _item("rsf2", "Press freedom index: Hong Kong drops seven places to 80th",
              "Hong Kong dropped seven places to 80th in the World Press Freedom Index "
              "published by Reporters Without Borders on Monday.",
              DAY1 + timedelta(hours=9), "rthk"),
    ]
    stories = _assign(items)
    protest = {stories[f"protest-{i}"] for i in range(40)}
    assert stories["rsf"] == stories["rsf2"]
    assert stories["rsf"] not in protest
    assert len(protest) <= 3  # one story (a few stragglers at most), not forty


# ----------------------------------------------------------------------------- database

def _import_two_events() -> None:
    from newsloom.news.bulk import import_jsonl

    quake = ("Earthquake of magnitude 7.1 hits Miyagi, Japan",
             "A magnitude 7.1 earthquake struck off Miyagi prefecture in Japan on Monday, "
             "shaking buildings in Tokyo and prompting a tsunami warning.")
    budget = ("Hong Kong budget raises stamp duty on luxury homes",
              "Hong Kong's financial secretary raised the stamp duty on homes over HK$100 "
              "million in the budget speech on Monday and cut salaries tax by 10 per cent.")
    lines = [json.dumps({"url": f"https://paper{i}.example/{n}", "title": title,
                         "text": f"{text} Reporter {i} wrote this.", "source": f"Paper {i}",
                         "published": (DAY1 + timedelta(minutes=10 * i + n)).isoformat(),
                         "language": "en"})
             for n, (title, text) in enumerate([quake, budget]) for i in range(3)]
    import_jsonl(lines)


def _import_article_about_both() -> None:
    """An article, two hours after `_import_two_events`, about both of its events."""
    from newsloom.news.bulk import import_jsonl

    import_jsonl([json.dumps({"url": "https://paper9.example/both", "source": "Paper 9",
                              "title": "Quake and budget: a day in Hong Kong and Japan",
                              "text": "Both the Miyagi earthquake and the stamp duty rise "
                                      "made news on Monday. " * 3,
                              "published": (DAY1 + timedelta(hours=2)).isoformat(),
                              "language": "en"})])


def _memberships() -> dict[str, int]:
    from newsloom.news.models import Article

    return dict(Article.objects.values_list("url", "story_id"))


def test_a_long_running_engine_forgets_old_words_and_decides_as_before(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Live ingestion keeps one engine for weeks: the ids of words only forgotten articles
    had are dropped, and that changes no decision."""
    rng = np.random.default_rng(7)
    topics = rng.normal(size=(60, 512))
    stream = []
    for n in range(600):  # ten stories a day for six days, most words in one article
        topic = n // 10
        vector = topics[topic] + 0.35 * rng.normal(size=512)
        shared = tuple(f"topic{topic}-{w}" for w in range(60))
        own = tuple(f"w{n}-{w}" for w in range(150))
        stream.append(ArticleFeatures(
            key=f"a{n:03}", vector=(vector / np.linalg.norm(vector)).astype(np.float32),
            title_tokens=shared[:8], text_tokens=shared + own, names=frozenset(),
            numbers=frozenset(), published=DAY1 + timedelta(minutes=15 * n),
            language="en", source=f"paper-{n % 5}"))

    def run() -> tuple[list[int], int]:
        engine = StoryEngine(window=timedelta(hours=12))
        return [engine.assign(item) for item in stream], len(engine._vocab)

    renumbered, vocabulary = run()
    monkeypatch.setattr(StoryEngine, "_renumber_tokens", lambda self: None)
    kept, everything = run()
    assert vocabulary < everything / 2  # the forgotten articles' words are gone
    assert renumbered == kept
    assert len(set(kept)) < len(kept) / 5  # articles did join stories


@pytest.mark.django_db(transaction=True)
def test_re_enriching_keeps_story_counts_and_recluster_rebuilds_the_same_stories() -> None:
    from newsloom.news.enrich import enrich_articles
    from newsloom.news.models import Article, Story

    _import_two_events()
    before = _memberships()
    assert len(set(before.values())) == 2
    counts = dict(Story.objects.values_list("pk", "article_count"))
    assert counts == {pk: 3 for pk in set(before.values())}

    enrich_articles(list(Article.objects.values_list("pk", flat=True)))  # enrich --all
    call_command("enrich", "--all")
    assert _memberships() == before
    assert dict(Story.objects.values_list("pk", "article_count")) == counts
    assert all(s.source_count == 3 for s in Story.objects.all())

    call_command("recluster")
    assert _memberships() == before  # deterministic, and story ids (links) kept
    assert dict(Story.objects.values_list("pk", "article_count")) == counts

    call_command("recluster", "--since", (DAY1 + timedelta(minutes=15)).isoformat())
    assert _memberships() == before


@pytest.mark.django_db(transaction=True)
def test_a_batch_that_fails_to_finish_leaves_nothing_half_done(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch's stories, related lists and enrichment are written in one transaction: one
    that fails at its last write leaves no story behind (nor an engine that remembers
    one), and enriching the articles again puts them in stories counted right."""
    from newsloom.news import enrich, stories
    from newsloom.news.bulk import import_jsonl
    from newsloom.news.models import Article, Story

    import_jsonl([json.dumps({"url": f"https://paper{i}.example/q", "source": f"Paper {i}",
                              "title": "Earthquake of magnitude 7.1 hits Miyagi, Japan",
                              "text": "A magnitude 7.1 earthquake struck off Miyagi prefecture "
                                      f"in Japan on Monday. Reporter {i} wrote this.",
                              "published": (DAY1 + timedelta(minutes=i)).isoformat(),
                              "language": "en"}) for i in range(3)], enrich=False)
    ids = list(Article.objects.values_list("pk", flat=True))

    class _Broken:
        @staticmethod
        def now() -> datetime:
            raise RuntimeError("disk full")

    monkeypatch.setattr(enrich, "timezone", _Broken)
    with pytest.raises(RuntimeError):
        enrich.enrich_articles(ids)
    assert not Story.objects.exists()
    assert not Article.objects.filter(story__isnull=False).exists()
    assert stories._Held.engine is None
    monkeypatch.undo()
    assert enrich.enrich_articles(ids) == 3
    assert list(Story.objects.values_list("article_count", flat=True)) == [3]
    assert not Article.objects.filter(enriched_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_enriching_an_old_archive_again_keeps_its_stories_and_related_lists() -> None:
    """`newsloom enrich --all` on an archive that has moved on: last week's articles were
    put in stories among last week's articles, which the engine's window no longer holds;
    enriched again with their text unchanged, they stay where they were."""
    from newsloom.news.bulk import import_jsonl

    _import_two_events()
    import_jsonl([json.dumps({"url": "https://paper7.example/later", "source": "Paper 7",
                              "title": "Harbour ferry fares rise next month",
                              "text": "Ferry fares across Victoria Harbour rise by 5 per cent "
                                      "next month, the operator said.",
                              "published": (DAY1 + timedelta(days=10)).isoformat(),
                              "language": "en"})])
    stories, related = _memberships(), _related_lists()
    assert len(set(stories.values())) == 3
    call_command("enrich", "--all")
    assert _memberships() == stories and _related_lists() == related


@pytest.mark.django_db(transaction=True)
def test_recluster_rejects_a_bad_date() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("recluster", "--since", "last tuesday")


def test_parallel_features_equal_the_serial_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """`newsloom cluster` builds features in one process per core: same features, same
    order, as one process would."""
    from newsloom.intel import features

    monkeypatch.setattr(features, "PARALLEL_FROM", 10)
    items = [_protest(i) for i in range(24)]
    serial = build_features(items)
    parallel = list(features.build_features_parallel(items))
    assert [f.key for f in parallel] == [f.key for f in serial]
    for a, b in zip(parallel, serial, strict=True):
        assert a.title_tokens == b.title_tokens and a.names == b.names
        assert abs(float(a.vector @ b.vector) - 1.0) < 1e-5


def test_fit_stories_names_the_unlabelled_lines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.management.base import CommandError

    stream = tmp_path / "stream.jsonl"
    stream.write_text("\n".join(json.dumps({
        "id": f"a{i}", "title": "Hang Seng closes higher", "text": "Stocks rose.",
        "published": DAY1.isoformat(), "source": "rthk", "language": "en",
        **({"story": "s1"} if i else {})}) for i in range(3)))
    model = tmp_path / "model.json"
    with pytest.raises(CommandError, match="1 line\\(s\\) without 'story', first id a0"):
        call_command("fit_stories", "--input", str(stream), "--output", str(model))
    assert not model.exists()  # nothing half-written


WEATHER = [
    ("Typhoon Koinu signal 8 raised in Hong Kong",
     "The Observatory raised the No 8 gale signal as Typhoon Koinu approached Hong Kong on "
     "Monday; schools closed and ferries stopped."),
    ("Rainstorm black warning floods Hong Kong streets",
     "Hong Kong issued its black rainstorm warning on Tuesday as record rain flooded streets "
     "and MTR stations in Wong Tai Sin."),
    ("Heatwave: Hong Kong Observatory records hottest day",
     "The Hong Kong Observatory recorded 36.1C on Wednesday, the hottest day of the year, and "
     "issued a very hot weather warning."),
    ("Typhoon Saola forces Shenzhen to shut schools and factories",
     "Shenzhen closed schools, factories and the airport as Super Typhoon Saola neared the "
     "Guangdong coast on Thursday."),
    ("Hong Kong Observatory warns of cold snap, temperatures to 8C",
     "The Hong Kong Observatory issued a cold weather warning as temperatures were forecast "
     "to fall to 8C in urban areas on Friday."),
    ("Macau raises typhoon signal 10 as Hato makes landfall",
     "Macau's weather bureau raised the No 10 hurricane signal as Typhoon Hato made landfall, "
     "flooding the inner harbour."),
    ("Amber rainstorm warning issued in Hong Kong",
     "The Observatory issued an amber rainstorm warning on Saturday morning as heavy showers "
     "hit Hong Kong Island and Lantau."),
    ("Guangzhou hit by hailstorm and strong winds",
     "A hailstorm with strong winds hit Guangzhou on Sunday, damaging cars and uprooting "
     "trees, the city's weather bureau said."),
]


def _related_lists() -> dict[int, list[int]]:
    from newsloom.news.models import RelatedArticle

    lists: dict[int, list[int]] = {}
    for article, related in RelatedArticle.objects.order_by(
            "article_id", "-score", "related_id").values_list("article_id", "related_id"):
        lists.setdefault(article, []).append(related)
    return lists


@pytest.mark.django_db(transaction=True)
def test_related_lists_are_mutual_capped_and_stable_when_enriched_again() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from newsloom.intel.embed import from_bytes
    from newsloom.news.bulk import import_jsonl
    from newsloom.news.enrich import enrich_articles
    from newsloom.news.models import Article
    from newsloom.news.related import PER_PUBLISHER, RELATED_LIMIT, relate

    import_jsonl([json.dumps({"url": f"https://wx{i}.example/a", "title": title, "text": text,
                              "source": f"Weather desk {i % 4}", "language": "en",
                              "published": (DAY1 + timedelta(hours=3 * i)).isoformat()})
                  for i, (title, text) in enumerate(WEATHER)])
    articles = {a.pk: a for a in Article.objects.all()}
    lists = _related_lists()
    assert sum(len(v) for v in lists.values()) >= 8  # typhoons and rainstorms relate
    for pk, related in lists.items():
        assert pk not in related and len(related) <= RELATED_LIMIT
        assert all(articles[r].story_id != articles[pk].story_id for r in related)
        publishers = [articles[r].source_id for r in related]
        assert max(publishers.count(p) for p in publishers) <= PER_PUBLISHER
        for other in related:  # a short list takes in whoever listed it
            assert pk in lists.get(other, [])

    enrich_articles(list(articles))  # `newsloom enrich --all`: the same lists, no doubles
    assert _related_lists() == lists

    # neighbours' lists change in bulk: a fixed number of queries per article
    busiest = max(lists, key=lambda pk: len(lists[pk]))
    article = articles[busiest]
    with CaptureQueriesContext(connection) as queries:
        relate(article, from_bytes(article.embedding))
    assert len(queries) <= 10, [q["sql"][:80] for q in queries.captured_queries]
    assert _related_lists() == lists


# ----------------------------------------------------------------------------- merges

def test_a_day_of_protests_reported_piecemeal_ends_as_one_story() -> None:
    """2020-05-27 (a hand-labelled real day): the first reports of the protests against the
    anthem bill came from separate districts (nails on a road in Hung Hom, a slow drive in
    the tunnel, arrests in Sham Shui Po) before any report tied them together; each started
    a story of its own and stayed apart. An article that belongs to two open stories now
    merges them, so the day's 39 protest reports end mostly in one story, while the
    same-day debate in the Legislative Council stays a story of its own."""
    from benchmarks.story_sets import DATA, theagora_items
    from newsloom.intel.story_model import default_model
    from tests.corpora import require_corpora

    require_corpora()
    labels = json.loads((DATA / "story-stream-zh-2020-05-27.json").read_text())["labels"]
    stories = _assign(theagora_items(labels))
    protest = [k for k, label in labels.items()
               if label.endswith("protests-anthem-bill-nsl-arrests")]
    debate = [k for k, label in labels.items() if label.endswith("second-reading-debate")]
    assert len(protest) == 39 and len(debate) == 7
    assert default_model().merge_at < 1  # the shipped model merges
    biggest, size = Counter(stories[k] for k in protest).most_common(1)[0]
    assert size >= 30  # 18 before merges
    assert sum(stories[k] == biggest for k in debate) <= 1


def _constant_model(probability: float, threshold: float, merge_at: float) -> StoryModel:
    """A story model that gives every (article, story) pair the same probability: the
    merge mechanism on its own, whatever the learned trees would say of these texts."""
    leaf = Tree(np.array([0]), np.array([0.0]), np.array([0]), np.array([0]),
                np.array([True]), np.array([True]), np.array([0.0]))
    return StoryModel(float(np.log(probability / (1 - probability))), (leaf,), threshold,
                      merge_at=merge_at)


def test_an_article_that_joins_two_stories_merges_them_and_keys_resolve() -> None:
    items = build_features([_protest(0), _item("rsf", "Hong Kong falls to 80th in press freedom "
                                               "index", "Reporters Without Borders ranked Hong "
                                               "Kong 80th.", DAY1 + timedelta(hours=1), "hkfp")])
    engine = StoryEngine(_constant_model(0.2, 0.35, 0.5))
    first, second = engine.assign(items[0]), engine.assign(items[1])
    assert first != second  # 0.2 is below the threshold: two stories
    engine._model = _constant_model(0.9, 0.35, 0.5)
    third = engine.assign(build_features([_protest(1)])[0])
    assert third == first  # the tie goes to the older story, and the other merges into it
    assert engine.resolve(second) == first and set(engine.stories) == {first}
    assert {engine.story_of(k) for k in ("protest-0", "rsf", "protest-1")} == {first}
    assert StoryModel.from_json(engine.model.to_json()).merge_at == 0.5
    old = json.loads(engine.model.to_json())
    del old["merge_at"]  # a model file written before merges existed: it never merges
    assert StoryModel.from_json(json.dumps(old)).merge_at > 1


@pytest.mark.ingest  # and again on PostgreSQL
@pytest.mark.django_db(transaction=True)
def test_merged_stories_in_the_database_old_address_and_other_workers() -> None:
    """Live ingestion: the merge moves every article of the other story (each with the
    next story_seq, so another worker's engine moves them too as it catches up), recounts
    the survivor, and the merged story's page and API address lead to it."""
    from django.test import Client

    from newsloom.api.passwords import create_reader, issue
    from newsloom.news import stories as live
    from newsloom.news.models import Article, Story

    _import_two_events()
    before = _memberships()
    quake_story, budget_story = sorted(set(before.values()))
    other_worker = StoryEngine()
    watermark = live._hold(other_worker, Article.objects.filter(story__isnull=False))

    live.synced_engine()._model = _constant_model(0.9, 0.35, 0.5)
    _import_article_about_both()
    live.forget_engine()  # the next assignment reloads the shipped model
    after = _memberships()
    assert set(after.values()) == {quake_story}  # the older story survives
    survivor = Story.objects.get()
    assert survivor.article_count == 7 and survivor.source_count == 4

    page = Client().get(f"/s/{budget_story}/")
    assert page.status_code == 301 and page["Location"] == f"/s/{quake_story}/"
    assert Client().get(f"/s/{budget_story + 100}/").status_code == 404
    reader = create_reader("ines", "harbour-lights-79")
    api = Client(HTTP_X_AUTH_TOKEN=issue(reader)).get(f"/api/v1/stories/{budget_story}")
    assert api.status_code == 301 and api["Location"] == f"/api/v1/stories/{quake_story}"

    live._hold(other_worker, Article.objects.filter(story_seq__gt=watermark), "story_seq")
    assert set(other_worker.stories) == {quake_story}
    assert {other_worker.story_of(str(pk)) for pk in Article.objects.values_list("pk", flat=True)
            } == {quake_story}


@pytest.mark.ingest  # and again on PostgreSQL
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("since", [None, DAY1 + timedelta(minutes=15)])
def test_recluster_that_merges_moves_every_article_and_old_addresses_lead_on(
        monkeypatch: pytest.MonkeyPatch, since: datetime | None) -> None:
    """A re-fitted model that joins two stories through an article about both:
    `newsloom recluster` (all, or --since a time inside both stories) puts every article
    in one story, the earlier articles it does not rebuild included, and the other
    stories' pages lead to it."""
    from django.test import Client

    from newsloom.news.models import Story

    _import_two_events()
    quake_story, budget_story = sorted(set(_memberships().values()))
    _import_article_about_both()
    gone = set(_memberships().values()) - {quake_story}
    monkeypatch.setattr("newsloom.intel.cluster.default_model",
                        lambda: _constant_model(0.9, 0.35, 0.5))
    call_command("recluster", *(["--since", since.isoformat()] if since else []))
    assert set(_memberships().values()) == {quake_story}
    survivor = Story.objects.get()
    assert survivor.article_count == 7 and survivor.source_count == 4
    assert budget_story in gone
    for story in gone:
        page = Client().get(f"/s/{story}/")
        assert page.status_code == 301 and page["Location"] == f"/s/{quake_story}/"

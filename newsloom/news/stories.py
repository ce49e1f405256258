"""Stories in the database: the story engine (`newsloom.intel.cluster`) wired to Article and
Story rows, for live ingestion, bulk import, `newsloom enrich` and `newsloom recluster`.

Each process holds one engine over the recent window, so assigning an article reads no
stories from the database. Assignments are serialised (SQLite's IMMEDIATE transaction holds
the write lock, PostgreSQL a transaction-level advisory lock) and each takes the next
`story_seq`; before deciding, a process first adds the assignments other processes made
since its last one (`story_seq` above its watermark), so every worker decides on the same
stories and two workers never open two stories for one event.

Story totals (articles, publishers, languages, first and last seen, lead) are counted from
membership every time a story changes, never incremented: re-running anything cannot
double-count."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime

import numpy as np
from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from newsloom.intel.cluster import ArticleFeatures, StoryEngine
from newsloom.intel.embed import from_bytes
from newsloom.intel.features import ArticleInput, engine_features
from newsloom.news.models import Article, Story, StoryRedirect
from newsloom.news.rows import write_fields

_ADVISORY_KEY = 7_341_022
_FIELDS = ("pk", "title", "text", "embedding", "names", "numbers", "published_at",
           "language", "source_id", "story_id", "story_seq")


class _Held:
    """This process's engine and the last assignment it has seen."""

    engine: StoryEngine | None = None
    watermark = 0


def lock_for_stories() -> None:
    """Serialise story changes across processes (SQLite: the IMMEDIATE transaction
    already holds the write lock)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_KEY])


def stored_features(row: dict[str, object]) -> ArticleFeatures | None:
    """Engine features of a stored, enriched article (None without an embedding)."""
    vector = from_bytes(row["embedding"])  # type: ignore[arg-type]
    if vector is None:
        return None
    item = ArticleInput(str(row["pk"]), str(row["title"] or ""), str(row["text"] or ""),
                        row["published_at"], str(row["language"] or ""),  # type: ignore[arg-type]
                        str(row["source_id"]))
    return engine_features(item, vector / max(float(np.linalg.norm(vector)), 1e-9),
                           frozenset(row["names"] or ()),  # type: ignore[arg-type]
                           frozenset(row["numbers"] or ()))  # type: ignore[arg-type]


def _hold(engine: StoryEngine, rows: QuerySet[Article], order: str = "published_at") -> int:
    """Add stored articles to the engine; returns the highest `story_seq` among them.
    Catching up orders by `story_seq`, so the database walks that index alone (ordered by
    time, SQLite walked the date index of the whole archive, testing story_seq on each of
    10^6 rows: 0.5 s an article)."""
    highest = 0
    for row in rows.values(*_FIELDS).order_by(order, "pk").iterator(chunk_size=500):
        item = stored_features(row)
        if item is not None and row["story_id"]:
            engine.add(item, int(row["story_id"]))  # type: ignore[arg-type]
        highest = max(highest, int(row["story_seq"] or 0))  # type: ignore[arg-type]
    return highest


def synced_engine() -> StoryEngine:
    """The engine, holding every assignment made so far by any process (call under the
    lock). The first call loads the window before the newest assigned article; so does a
    call after the database went back in time (restored, or emptied by a test)."""
    newest = _newest_seq()
    if _Held.engine is not None and newest < _Held.watermark:
        forget_engine()
    if _Held.engine is None:
        engine = StoryEngine()
        latest = Article.objects.filter(story__isnull=False).aggregate(
            latest=Max("published_at"))["latest"]
        if latest is not None:
            _hold(engine, Article.objects.filter(story__isnull=False,
                                                 published_at__gte=latest - engine.window))
        # every assignment so far, in the window or not, is now accounted for (under the
        # lock nobody assigned since `newest` was read)
        _Held.engine = engine
        _Held.watermark = newest
        return engine
    if newest > _Held.watermark:  # other processes assigned since: take theirs in
        _Held.watermark = max(_Held.watermark, _hold(
            _Held.engine, Article.objects.filter(story_seq__gt=_Held.watermark), "story_seq"))
    return _Held.engine


def _newest_seq() -> int:
    """The last assignment's number (0: none yet). Asked before every decision, so one
    plain statement on the story_seq index, not a query built by the ORM each time."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(story_seq) FROM news_article")
        return int(cursor.fetchone()[0] or 0)


def forget_engine() -> None:
    """Drop this process's engine (after a failed transaction or a recluster): the next
    assignment reloads it from the database."""
    _Held.engine = None
    _Held.watermark = 0


def _decide(feature: ArticleFeatures) -> tuple[StoryEngine, Story | None, list[int]]:
    """The engine's choice for `feature` (None: a new story) and the other stories it
    merges into that one. A story deleted since the engine loaded it (by an
    administrator) makes the engine reload and decide again."""
    for _ in range(2):
        engine = synced_engine()
        if feature.key in engine.members:
            engine.remove(feature.key)
        engine.forget_before(feature.published - engine.window)
        decision = engine.decide(feature)
        if decision.story is None:
            return engine, None, []
        story = Story.objects.filter(pk=decision.story).first()
        # (no query for the merges when there are none: this runs for every article)
        merge = sorted(Story.objects.filter(pk__in=decision.merge).values_list(
            "pk", flat=True)) if decision.merge else []
        if story is not None and len(merge) == len(decision.merge):
            return engine, story, merge
        forget_engine()
    return synced_engine(), None, []


def assign_story(article: Article, feature: ArticleFeatures) -> Story:
    """Put the article in the story the engine chooses, or a new one (serialised,
    deterministic). An article assigned before is decided afresh: it moves, never counts
    twice. `article.story_id` must have been read under the story lock: an article in no
    story then is in none now; one in a story is asked again (an earlier merge of its
    batch may have moved it)."""
    try:
        with transaction.atomic():
            lock_for_stories()
            previous = article.story_id and Article.objects.filter(
                pk=article.pk).values_list("story_id", flat=True).first()
            engine, story, merge = _decide(feature)
            if story is None:
                story = Story.objects.create(first_seen=article.published_at,
                                             last_seen=article.published_at)
            _Held.watermark += 1
            Article.objects.filter(pk=article.pk).update(story=story,
                                                         story_seq=_Held.watermark)
            engine.add(feature, story.pk)
            for other in merge:
                _merge_story(engine, other, story)
            article.story = story
            refresh_story(story)
            if previous and previous != story.pk and previous not in merge:
                refresh_story_by_id(previous)
    except Exception:
        forget_engine()  # the engine may hold what the rolled-back transaction did not
        raise
    return story


def _merge_story(engine: StoryEngine, source_id: int, target: Story) -> None:
    """Move every article of story `source_id` into `target` (call under the lock). Each
    move takes the next `story_seq`, so other processes' engines move them too as they
    catch up; the old story's address leads to `target` from now on."""
    _Held.watermark = _move_articles(source_id, target.pk, _Held.watermark)
    engine.merge(source_id, target.pk)
    _redirect(source_id, target.pk)
    Story.objects.filter(pk=source_id).delete()


def _redirect(old_id: int, story_id: int) -> None:
    """The address of story `old_id`, about to go, leads to story `story_id` from now on,
    and so do the addresses that led to `old_id` (before its deletion cascades to them)."""
    StoryRedirect.objects.filter(story_id=old_id).update(story_id=story_id)
    StoryRedirect.objects.update_or_create(old_id=old_id, defaults={"story_id": story_id})


def merged_into(story_id: int) -> int | None:
    """The story that story `story_id`, merged away, became (None: it never was)."""
    return StoryRedirect.objects.filter(old_id=story_id).values_list(
        "story_id", flat=True).first()


# ----------------------------------------------------------------------------- totals

def story_score(source_count: int, last_seen: datetime, now: datetime | None = None) -> float:
    """More publishers rank higher; the score halves every 12 hours of silence."""
    age_hours = max(0.0, ((now or timezone.now()) - last_seen).total_seconds() / 3600)
    return math.log2(1 + source_count) * 0.5 ** (age_hours / 12)


def publisher(source_name: str) -> str:
    """One publisher for all its feeds ("SCMP - Hong Kong", "SCMP - China")."""
    return source_name.split(" - ")[0].split(" | ")[0].strip().casefold()


def refresh_story_by_id(story_id: int) -> None:
    story = Story.objects.filter(pk=story_id).first()
    if story is not None:
        refresh_story(story)


def refresh_story(story: Story) -> None:
    """Recount a story from its members; delete it when it has none left. Runs for every
    article placed, so the members are read as plain rows (no model instances: a story of
    70 made this 2-3 ms an article) and the totals written in one statement."""
    members = list(Article.objects.filter(story=story).order_by("published_at", "pk")
                   .values_list("pk", "title", "language", "published_at", "embedding",
                                "source__name", "source__region"))
    if not members:
        story.delete()
        return
    story.article_count = len(members)
    story.source_count = len({publisher(name) for *_, name, _ in members})
    story.region_count = len({region for *_, region in members if region})
    story.languages = dict(Counter(language for _, _, language, *_ in members if language))
    story.first_seen = members[0][3]
    story.last_seen = max(published for _, _, _, published, *_ in members)
    lead = _central(members)
    story.lead_article_id, story.title = lead[0], lead[1]
    story.score = story_score(story.source_count, story.last_seen)
    write_fields([story], _TOTALS)


_TOTALS = ("article_count", "source_count", "region_count", "languages", "first_seen",
           "last_seen", "lead_article", "title", "score")


def _central(members: list[tuple]) -> tuple:  # type: ignore[type-arg]
    """The member closest to the others (the earliest wins a tie): the story's lead.
    Members are rows of refresh_story, the embedding fifth."""
    vectors = [(m, from_bytes(m[4])) for m in members]
    vectors = [(m, v) for m, v in vectors if v is not None]
    if not vectors:
        return members[0]
    matrix = np.stack([v / max(float(np.linalg.norm(v)), 1e-9) for _, v in vectors])
    centre = matrix.sum(axis=0)
    similarity = matrix @ centre
    return vectors[int(np.argmax(similarity >= similarity.max() - 1e-6))][0]


# ----------------------------------------------------------------------------- recluster

def recluster(since: datetime | None = None, progress=None) -> int:  # type: ignore[no-untyped-def]
    """Rebuild the stories of every enriched article published since `since` (all when
    None) with the current model, in publication order: deterministic. Stories that
    straddle `since` continue. A new story keeps the id of the old story most of its
    articles were in, so links to stories mostly survive. Returns the articles placed."""
    chosen = Article.objects.filter(embedding__isnull=False, duplicate_of__isnull=True,
                                    status=Article.Status.READY)
    if since is not None:
        chosen = chosen.filter(published_at__gte=since)
    with transaction.atomic():
        lock_for_stories()
        first_new = (Story.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        engine = StoryEngine(first_key=first_new)
        if since is not None:
            _hold(engine, Article.objects.filter(story__isnull=False,
                                                 published_at__lt=since,
                                                 published_at__gte=since - engine.window))
        earlier = set(engine.stories)  # stories that began before `since`
        old = dict(chosen.values_list("pk", "story_id"))
        placed: dict[int, int] = {}
        rows = chosen.values(*_FIELDS).order_by("published_at", "pk")
        for row in rows.iterator(chunk_size=500):
            item = stored_features(row)
            if item is not None:
                placed[int(row["pk"])] = engine.assign(item)  # type: ignore[arg-type]
            if progress is not None:
                progress()
        placed = {pk: engine.resolve(key) for pk, key in placed.items()}
        final = _stable_ids(placed, old, first_new, earlier)
        _write(placed, final, old, {s: final[survivor] for s in engine.merged
                                    if s in earlier and (survivor := engine.resolve(s)) in final})
    forget_engine()
    return len(placed)


def _stable_ids(placed: dict[int, int], old: dict[int, int | None], first_new: int,
                earlier: set[int]) -> dict[int, int]:
    """Engine keys of new stories -> story ids: the old story most of a new story's
    articles were in, unless another new story took it first or it began before `since`
    (its earlier articles, not rebuilt, stay in it: the new story would join them against
    the engine's decision); else a new row."""
    final: dict[int, int] = {}
    taken: set[int] = set(earlier)
    groups: dict[int, list[int]] = {}
    for pk, key in placed.items():
        groups.setdefault(key, []).append(pk)
    for key, pks in sorted(groups.items(), key=lambda g: min(g[1])):
        if key < first_new:
            final[key] = key  # a story that began before `since` continues
            continue
        votes = Counter(old[pk] for pk in pks if old.get(pk))
        reuse = next((s for s, _ in sorted(votes.items(), key=lambda v: (-v[1], v[0]))
                      if s not in taken), None)
        if reuse is None or not Story.objects.filter(pk=reuse).exists():
            moment = Article.objects.filter(pk=min(pks)).values_list(
                "published_at", flat=True).get()
            reuse = Story.objects.create(first_seen=moment, last_seen=moment).pk
        taken.add(reuse)
        final[key] = reuse
    return final


def _write(placed: dict[int, int], final: dict[int, int], old: dict[int, int | None],
           merged_earlier: dict[int, int]) -> None:
    """Store the new memberships with a fresh sequence, so other processes' engines take
    them in; move the earlier articles of a story begun before `since` that the rebuild
    merged into another (`merged_earlier`: its id -> the survivor's); lead every story
    left empty to where most of its articles went; then recount every story that gained
    or lost articles."""
    seq = _store_memberships([(pk, final[key]) for pk, key in sorted(placed.items())],
                             Article.objects.aggregate(seq=Max("story_seq"))["seq"] or 0)
    for source, target in sorted(merged_earlier.items()):
        seq = _move_articles(source, target, seq)
    went: dict[int, Counter[int]] = {}
    for pk, key in placed.items():
        if old.get(pk):
            went.setdefault(old[pk], Counter())[final[key]] += 1  # type: ignore[index]
    for source, target in merged_earlier.items():
        went.setdefault(source, Counter())[target] += 1
    touched = set(final.values()) | set(went)
    kept = set(Article.objects.filter(story_id__in=touched).values_list("story_id", flat=True))
    for story_id, where in sorted(went.items()):
        if story_id not in kept:
            _redirect(story_id, min(where.items(), key=lambda w: (-w[1], w[0]))[0])
    for story_id in sorted(touched):
        refresh_story_by_id(story_id)


def _move_articles(source_id: int, target_id: int, after: int) -> int:
    """Every article of story `source_id` into story `target_id`, numbered after `after`
    (_store_memberships); returns the last number used."""
    moved = Article.objects.filter(story_id=source_id).order_by("pk").values_list(
        "pk", flat=True)
    return _store_memberships([(pk, target_id) for pk in moved], after)


def _store_memberships(memberships: list[tuple[int, int]], after: int) -> int:
    """Write (article, story) memberships in bulk, numbered `story_seq` after `after` in
    the order given, so other processes' engines take them in as they catch up. Returns
    the last number used."""
    rows = [Article(pk=pk, story_id=story_id, story_seq=after + n)
            for n, (pk, story_id) in enumerate(memberships, start=1)]
    write_fields(rows, ["story", "story_seq"])
    return after + len(rows)

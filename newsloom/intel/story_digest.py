"""A story summary across outlets that names who reported what: the most central sentence
of each publisher's coverage (its summary's first bullet, ranked at enrichment), ordered by
when that publisher first reported. An article whose summary is empty gives its headline:
ranking its sentences here, at request time, loaded jieba into each web process (1.3 s on
its first story page, benchmarks/web.py at 10^6 articles)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attribution:
    publisher: str
    sentence: str
    article_id: int


def story_digest(articles: list, limit: int = 5) -> list[Attribution]:  # type: ignore[type-arg]
    """One attributed sentence per publisher (articles in publication order)."""
    seen: set[str] = set()
    digest: list[Attribution] = []
    for article in articles:
        publisher = article.source.name
        if publisher in seen:
            continue
        sentence = (article.summary or [article.title])[0]
        seen.add(publisher)
        digest.append(Attribution(publisher, sentence, article.pk))
        if len(digest) == limit:
            break
    return digest

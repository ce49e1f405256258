"""A story summary across outlets that names who reported what: the most central sentence
of each publisher's coverage, ordered by when that publisher first reported."""

from __future__ import annotations

from dataclasses import dataclass

from newsloom.intel.summarize import rank_sentences


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
        sentence = (article.summary or [s for _, _, s in rank_sentences(article.text,
                                                                          article.title)[:1]]
                    or [article.title])[0]
        seen.add(publisher)
        digest.append(Attribution(publisher, sentence, article.pk))
        if len(digest) == limit:
            break
    return digest

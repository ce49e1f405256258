"""From article text to story-engine features, in batches (embedding is the costly step and
is much faster per article in a batch)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsloom.intel.cluster import ArticleFeatures
from newsloom.intel.embed import embed
from newsloom.intel.entities import named_things
from newsloom.intel.text import match_tokens, sentences

LEAD_CHARS = 360
BODY_CHARS = 1200  # word overlap reads further than the embedding: names recur there


@dataclass(frozen=True)
class ArticleInput:
    key: str
    title: str
    text: str
    published: datetime
    language: str
    source: str = ""


def lead(title: str, text: str) -> str:
    """Title plus the opening sentences: what a story is about, without the background
    paragraphs that differ between outlets."""
    opening = ""
    for sentence in sentences(text):
        if len(opening) >= LEAD_CHARS:
            break
        opening = f"{opening} {sentence}".strip()
    return f"{title}. {opening}"[: LEAD_CHARS + len(title) + 2]


def build_features(items: list[ArticleInput]) -> list[ArticleFeatures]:
    leads = [lead(i.title, i.text) for i in items]
    vectors = embed(leads)
    features = []
    for item, text, vector in zip(items, leads, vectors, strict=True):
        things = named_things(text)
        features.append(ArticleFeatures(
            key=item.key, vector=vector, title_tokens=tuple(match_tokens(item.title)),
            text_tokens=tuple(match_tokens(item.text[:BODY_CHARS])), names=things.names,
            numbers=things.numbers, published=item.published, language=item.language,
            source=item.source))
    return features

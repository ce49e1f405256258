""""Ask this article" at the web boundary: a per-client rate limit and a cache of answers per
(article, question). Answering embeds every sentence of the article and may call an LLM,
so an anonymous GET must neither be repeatable without bound nor recompute what was
answered a minute ago."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

from newsloom.intel.llm import LLMConfig
from newsloom.intel.llm import ask as ask_llm
from newsloom.news.models import Article
from newsloom.web.client_address import client_ip
from newsloom.web.ratelimit import hit

PER_MINUTE = 10  # questions answered afresh per client; cached answers are free
PER_DAY = 300
CACHE_SECONDS = 24 * 3600


class TooManyQuestions(Exception):
    """The client has used up its questions for now."""


def _cache_key(article: Article, question: str, config: LLMConfig | None) -> str:
    """Same article text, same question (case and spacing aside), same answering backend:
    same answer. The text's hash makes a re-extracted article a new entry."""
    normal = " ".join(question.casefold().split())
    backend = f"{config.url}|{config.model}" if config else "extractive"
    digest = hashlib.sha256("\x00".join(
        [str(article.pk), article.text, normal, backend]).encode()).hexdigest()
    return f"ask:{digest}"


def answer(request: HttpRequest, article: Article, question: str) -> Any:
    """The checked answer to `question`, from the cache or computed within the client's
    limits; raises TooManyQuestions past them. Answers that hit an LLM error are not kept,
    so the next reader gets a fresh try."""
    config = LLMConfig.from_env()
    key = _cache_key(article, question, config)
    checked = cache.get(key)
    if checked is not None:
        return checked
    address = client_ip(request)
    if not (hit(f"ask-min:{address}", PER_MINUTE, 60)
            and hit(f"ask-day:{address}", PER_DAY, 24 * 3600)):
        raise TooManyQuestions
    checked = ask_llm(question, article.text, config)
    if not checked.error:
        cache.set(key, checked, CACHE_SECONDS)
    return checked

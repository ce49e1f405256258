"""Optional LLM backend through any OpenAI-compatible chat endpoint (Ollama, llama.cpp
server, vLLM), configured with NEWSLOOM_LLM_URL (e.g. http://127.0.0.1:11434/v1),
NEWSLOOM_LLM_MODEL and optionally NEWSLOOM_LLM_KEY. Off by default: newsloom's answers are
extractive and offline. An LLM answer is shown only when the article supports it
(`qa.supported`); otherwise the reader gets the article's own sentences."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from newsloom.config import current
from newsloom.intel.qa import Answer, answer_question, backing, supported

SYSTEM_PROMPT = (
    "You answer questions about one news article. Use only facts stated in the article. "
    "Answer in one or two sentences, in the language of the question. If the article does "
    "not contain the answer, reply exactly: NOT_IN_ARTICLE"
)
MAX_ARTICLE_CHARS = 12000


class LLMError(RuntimeError):
    """The configured endpoint failed or answered in an unexpected shape."""


@dataclass(frozen=True)
class LLMConfig:
    url: str
    model: str
    key: str = ""
    timeout: float = 30.0

    @classmethod
    def from_env(cls) -> LLMConfig | None:
        """The endpoint of the configuration's NEWSLOOM_LLM_* variables, or None (off)."""
        config = current()
        if not config.llm_url:
            return None
        return cls(url=config.llm_url, model=config.llm_model, key=config.llm_key,
                   timeout=config.llm_timeout)


def chat(config: LLMConfig, question: str, article: str) -> str:
    """One chat completion; raises LLMError with a readable reason."""
    headers = {"Authorization": f"Bearer {config.key}"} if config.key else {}
    payload = {
        "model": config.model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Article:\n{article[:MAX_ARTICLE_CHARS]}\n\n"
                                        f"Question: {question}"},
        ],
    }
    try:
        response = httpx.post(f"{config.url}/chat/completions", json=payload, headers=headers,
                              timeout=config.timeout)
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"]).strip()
    except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as exc:
        raise LLMError(f"LLM endpoint failed: {exc}") from exc


@dataclass(frozen=True)
class CheckedAnswer:
    """What the reader sees: a verified generated answer, or the extractive one."""

    generated: str            # '' unless the LLM answer passed the check
    extractive: Answer        # always computed: the supporting sentences
    rejected: bool = False    # the LLM said something the article does not back
    error: str = ""


def ask(question: str, article: str, config: LLMConfig | None) -> CheckedAnswer:
    """Answer with the LLM when configured and verifiable, else extractively."""
    extractive = answer_question(question, article)
    if config is None:
        return CheckedAnswer("", extractive)
    try:
        reply = chat(config, question, article)
    except LLMError as exc:
        return CheckedAnswer("", extractive, error=str(exc))
    if "NOT_IN_ARTICLE" in reply:
        return CheckedAnswer("", Answer(False, [], [], 0.0))
    if supported(reply, article):
        return CheckedAnswer(reply, extractive if extractive.found else backing(reply, article))
    return CheckedAnswer("", extractive, rejected=True)

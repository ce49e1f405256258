"""Enrichment in batches of whatever is ready, for the worker's fetching threads.

Each fetching thread stores an article and then wants it enriched. One article at a time,
enrichment cost 60 ms wall and 98 ms CPU an article; the same models on a batch, 13.5 and
20 ms (issue 11's measurements), because the embedding model and the database writes are
paid once per batch. So the threads hand their articles to one dispatcher thread, which
sends everything that has arrived while the previous batch was being enriched (at most
MAX_BATCH) to the enrichment process (`newsloom.news.cpu.run_serial`) in one call; each
thread waits for its own article's batch, so `process_article` still returns only when its
article is enriched.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future

from newsloom.news import cpu

MAX_BATCH = 32  # a batch this size still holds the story lock only a few hundred ms


class _Dispatcher:
    def __init__(self) -> None:
        self.ready = threading.Condition()
        self.waiting: list[tuple[int, Future[None]]] = []
        self.thread: threading.Thread | None = None
        self.batches = 0  # sent so far (how well batching works, for tests and benchmarks)

    def submit(self, article_id: int) -> Future[None]:
        done: Future[None] = Future()
        with self.ready:
            self.waiting.append((article_id, done))
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._loop, name="enrichment batches",
                                               daemon=True)
                self.thread.start()
            self.ready.notify()
        return done

    def _loop(self) -> None:
        from newsloom.news.enrich import enrich_batch_safely  # (heavy models load lazily)

        while True:
            with self.ready:
                while not self.waiting:
                    self.ready.wait()
                batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
                self.batches += 1
            try:
                cpu.run_serial(enrich_batch_safely, [article_id for article_id, _ in batch])
            except BaseException as exc:  # the callers decide (a crashed process, say)
                for _, done in batch:
                    done.set_exception(exc)
            else:
                for _, done in batch:
                    done.set_result(None)


_dispatcher = _Dispatcher()


def load_models() -> None:
    """Load every model enrichment uses (embeddings, language, jieba with its tagger and
    IDF table, OpenCC), in the enrichment process as it starts: its memory is then
    settled before the first batch, and the loading's garbage can be given back."""
    from newsloom.intel.embed import embed
    from newsloom.intel.entities import keyphrases
    from newsloom.intel.language import detect_language

    keyphrases("香港特區政府今日宣佈新措施。", "預熱")
    embed(["warm-up"])
    detect_language("warm-up 預熱")


def batches_sent() -> int:
    return _dispatcher.batches


def enrich(article_id: int) -> None:
    """Enrich the article with whatever else is ready; returns when its batch is done.
    Without enrichment processes (`cpu.configure(0)`, library calls and tests) it runs
    here, alone, as before."""
    if not cpu.serial_configured():
        from newsloom.news.enrich import enrich_batch_safely

        enrich_batch_safely([article_id])
        return
    _dispatcher.submit(article_id).result()

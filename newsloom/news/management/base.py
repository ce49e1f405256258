"""Shared pieces of the CLI commands: schema check and rich progress bars."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsloom.news import cpu
from newsloom.news.runner import RefreshSummary, refresh_and_process
from newsloom.news.schema import require_current


def ensure_schema() -> None:
    """Stop with one clear line unless the database is migrated. Only `newsloom migrate`,
    `serve` and `demo` migrate (under a lock): N workers starting together must not."""
    require_current()


def progress_bar() -> Progress:
    """A rich progress bar with counts and elapsed time (writes to stderr)."""
    from rich.console import Console

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )


def refresh_with_progress(source_ids: list[int], workers: int = 8,
                          processes: int | None = None) -> tuple[RefreshSummary, int]:
    """Refresh sources and process every pending article here, with progress bars: I/O on
    `workers` threads, extraction on `processes` processes (default one per core) and
    enrichment on one more (newsloom.news.cpu); 0 keeps both on the threads."""
    cpu.configure(cpu.default_processes() if processes is None else processes)
    try:
        return _refresh(source_ids, workers)
    finally:
        cpu.configure(0)  # pool processes stopped; later stages run inline again


def _refresh(source_ids: list[int], workers: int) -> tuple[RefreshSummary, int]:
    with progress_bar() as progress:
        feeds = progress.add_task("feeds", total=len(source_ids))
        pages = progress.add_task("articles", total=0)
        return refresh_and_process(
            source_ids, workers,
            source_tick=lambda: progress.advance(feeds),
            on_batch=lambda n: progress.update(pages, total=(progress.tasks[pages].total or 0) + n),
            tick=lambda: progress.advance(pages),
        )

"""Shared pieces of the CLI commands: schema check and rich progress bars."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsloom.news.runner import RefreshSummary, process_all_pending, refresh_sources


def ensure_schema() -> None:
    """Apply pending migrations, so every command works on a fresh data folder."""
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


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


def refresh_with_progress(source_ids: list[int], workers: int = 8) -> tuple[RefreshSummary, int]:
    """Refresh sources and process every pending article here, with progress bars."""
    with progress_bar() as progress:
        feeds = progress.add_task("feeds", total=len(source_ids))
        summary = refresh_sources(source_ids, workers,
                                  source_tick=lambda: progress.advance(feeds))
        pages = progress.add_task("articles", total=0)
        processed = process_all_pending(
            workers,
            on_batch=lambda n: progress.update(pages, total=(progress.tasks[pages].total or 0) + n),
            tick=lambda: progress.advance(pages),
        )
    return summary, processed

"""Starting Django the way every newsloom entry point must: prepare the data folder first
(loading the apps opens the SQLite queue there, and the settings only read the secret key
from it), then configure Django with newsloom's settings. Used by the `newsloom` command
and by scripts such as the benchmarks that use the ORM in-process."""

from __future__ import annotations

import os

from newsloom.config import current, prepare_data_folder


def start_django() -> None:
    """Prepare the data folder and set Django up (once per process). Raises ConfigError,
    naming the variable, on a bad configuration value."""
    import django
    from django.apps import apps

    if apps.ready:
        return
    prepare_data_folder(current())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsloom.settings")
    django.setup()

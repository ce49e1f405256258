"""The `newsloom` console script: Django management commands with friendlier names
(`newsloom add-source` runs the `add_source` command)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsloom.settings")
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["newsloom", *args])


if __name__ == "__main__":
    main()

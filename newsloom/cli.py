"""The `newsloom` console script.

newsloom's commands are Django management commands, but a reader should not have to know
that: `newsloom --help` lists only newsloom's own commands under hyphenated names with one
line each, `newsloom help COMMAND` shows a command's options, and Django's own commands
(flush, dbshell, startproject...) stay reachable behind `newsloom django ...`. Every error
ends as one line on stderr and exit status 1 (usage errors included), so scripts and people
get the same clear answer; `--traceback` shows the details of an unexpected one.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

from newsloom.config import ConfigError
from newsloom.startup import start_django

# Django commands that belong to newsloom's own workflow, with the line `--help` shows.
ADOPTED_DJANGO_COMMANDS = {
    "migrate": "Create or upgrade the database schema.",
    "createsuperuser": "Create an administrator account for /admin/.",
    "changepassword": "Change a user's password.",
}
USAGE = "usage: newsloom COMMAND [OPTIONS]   (newsloom help COMMAND: its options)"


class CLIError(Exception):
    """An error to print as one line, ending the command with exit status 1."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: `newsloom [--version | --help | help COMMAND | django ... | COMMAND ...]`."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        sys.exit(_dispatch(args))
    except CLIError as exc:
        sys.stderr.write(f"newsloom: {_one_line(str(exc))}\n")
        sys.exit(1)


def _dispatch(args: list[str]) -> int:
    if args in ([], ["-h"], ["--help"], ["help"]):
        print(_overview())
        return 0
    if args[0] in ("--version", "-V"):
        print(_version())
        return 0
    if args[:2] == ["help", "django"]:
        return _run_django([])
    if args[0] == "help":
        name = _own_command(args[1])
        _load(name).print_help("newsloom", _display(name))
        return 0
    if args[0] == "django":
        return _run_django(args[1:])
    if args[0].startswith("-"):
        raise CLIError(f"unknown option {args[0]!r} (see newsloom --help)")
    name = _own_command(args[0])
    return _run(_load(name), _display(name), args[1:])


def _overview() -> str:
    _setup_django()
    commands = _own_commands()
    width = max(len(_display(name)) for name in commands) + 2
    lines = [USAGE, "", "newsloom: a self-hosted news portal. Commands:"]
    lines += [f"  {_display(name):<{width}}{_summary(name)}" for name in sorted(commands)]
    lines += ["", "  --version     print newsloom's version",
              "  django ...    Django's own management commands (newsloom django --help)"]
    return "\n".join(lines)


def _run_django(args: list[str]) -> int:
    """`newsloom django COMMAND ...`: any Django management command, by its Django name."""
    _setup_django()
    from django.core.management import get_commands

    if args in ([], ["-h"], ["--help"], ["help"]):
        names = [n for n, app in get_commands().items() if not app.startswith("newsloom")]
        print("usage: newsloom django COMMAND [OPTIONS]\n\nDjango's commands:\n  "
              + "\n  ".join(sorted(names)))
        return 0
    name = args[0].replace("-", "_")
    if name not in get_commands():
        raise CLIError(f"unknown Django command {args[0]!r} (see newsloom django --help)")
    return _run(_load(name, own=False), f"django {name}", args[1:])


def _own_commands() -> dict[str, str]:
    """newsloom's commands (those of its apps plus the adopted Django ones) and their apps."""
    from django.core.management import get_commands

    return {name: app for name, app in get_commands().items()
            if app.startswith("newsloom") or name in ADOPTED_DJANGO_COMMANDS}


def _own_command(typed: str) -> str:
    """The Django name of a newsloom command typed as `add-source` (or `add_source`)."""
    _setup_django()
    from django.core.management import get_commands

    name = typed.replace("-", "_")
    commands = _own_commands()
    if name in commands:
        return name
    if name in get_commands():
        raise CLIError(f"{typed!r} is one of Django's commands: run `newsloom django {name}`")
    close = difflib.get_close_matches(typed, [_display(n) for n in commands], n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise CLIError(f"unknown command {typed!r} ({hint}see newsloom --help)")


def _display(name: str) -> str:
    return name.replace("_", "-")


def _summary(name: str) -> str:
    if name in ADOPTED_DJANGO_COMMANDS:
        return ADOPTED_DJANGO_COMMANDS[name]
    text = str(_load(name).help or "").strip()
    return text.splitlines()[0] if text else ""


def _load(name: str, own: bool = True):  # type: ignore[no-untyped-def]
    """The command object; newsloom's own commands answer `--version` with newsloom's version and
    leave Django's plumbing options (--settings, --pythonpath, colours) out of their help."""
    from django.core.management import get_commands, load_command_class

    command = load_command_class(get_commands()[name], name)
    if own:
        command.get_version = _version
        command.suppressed_base_arguments = {"--settings", "--pythonpath", "--no-color",
                                             "--force-color"}
    return command


def _setup_django() -> None:
    """Start Django; a bad configuration value ends here, with its one-line message."""
    try:
        start_django()
    except ConfigError as exc:
        raise CLIError(f"configuration error: {exc}") from None


def _run(command, shown: str, argv: list[str]) -> int:  # type: ignore[no-untyped-def]
    """Parse and run one command. Usage errors and every failure become one line naming
    the command (`--traceback` re-raises instead, for a bug report)."""
    from django.core.management.base import CommandError, handle_default_options
    from django.db import connections

    # Without a command-line flag on the parser, Django's parser raises CommandError for a
    # usage error instead of printing the usage and exiting with status 2.
    parser = command.create_parser("newsloom", shown)
    traceback = "--traceback" in argv
    try:
        options = parser.parse_args(argv)
    except CommandError as exc:
        raise CLIError(f"{shown}: {str(exc).removeprefix('Error: ')} "
                       f"(see newsloom help {shown})") from None
    try:
        values = vars(options)
        positional = values.pop("args", ())
        handle_default_options(options)
        command.execute(*positional, **values)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if traceback:
            raise
        message, status = _describe(exc)
        sys.stderr.write(f"newsloom {shown}: {_one_line(message)}\n")
        return status
    finally:
        connections.close_all()
    return 0


def _describe(exc: Exception) -> tuple[str, int]:
    """The message and exit status for a failure; unexpected ones say how to see more."""
    from django.core.management.base import CommandError
    from django.db import DatabaseError

    kinds: list[tuple[type[BaseException], Callable[[Exception], str]]] = [
        (CommandError, lambda e: str(e).removeprefix("Error: ")),
        (ConfigError, lambda e: f"configuration error: {e}"),
        (DatabaseError, lambda e: f"database error: {e}"),
        (OSError, _os_error),
    ]
    for kind, render in kinds:
        if isinstance(exc, kind):
            return render(exc), max(1, int(getattr(exc, "returncode", 1)))
    return (f"unexpected error: {type(exc).__name__}: {exc} "
            "(run again with --traceback for the details)"), 1


def _os_error(exc: Exception) -> str:
    assert isinstance(exc, OSError)
    if exc.strerror and exc.filename:
        return f"{exc.strerror}: {exc.filename}"
    return exc.strerror or str(exc)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _version() -> str:
    try:
        return f"newsloom {version('newsloom')}"
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "newsloom (version unknown: not installed)"


if __name__ == "__main__":
    main()

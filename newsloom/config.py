"""newsloom's configuration: every environment variable it reads, parsed once into one typed,
validated object.

Why one module: reads scattered over the code base went unvalidated (`NEWSLOOM_PER_HOST=two`
surfaced as a traceback deep in a worker) and could change under a running process. Here a
bad value fails at start-up with a message naming the variable, and the rest of the code
asks `current()` for typed values. Importing this module, or the Django settings built from
it, never writes a file: the data folder and the generated secret key are created by
`prepare_data_folder()`, which the entry points (the `newsloom` command, the WSGI module)
call before Django starts.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import re
import secrets
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import platformdirs

from newsloom.fetch.ssrf import AllowList

T = TypeVar("T")
SECRET_KEY_FILE = "secret_key"
_HOST_NAME = re.compile(r"^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62}[a-z0-9_])?"
                        r"(\.[a-z0-9_]([a-z0-9_-]{0,62}[a-z0-9_])?)*\.?$", re.IGNORECASE)
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A configuration value is invalid; the message names the variable and what it takes."""


@dataclass(frozen=True)
class Config:
    """Everything a deployment can change (the README's configuration table)."""

    data_dir: Path
    secret_key: str  # empty: the key generated into the data folder
    debug: bool
    allowed_hosts: tuple[str, ...]
    csrf_trusted_origins: tuple[str, ...]
    behind_https_proxy: bool
    trusted_proxies: tuple[str, ...]  # CIDRs whose X-Forwarded-For is believed
    remote_images: bool  # load article images from publishers (they see readers' addresses)
    database_url: str  # empty: SQLite in the data folder
    redis_url: str  # empty: the SQLite queue in the data folder
    queue_name: str
    fetch_allow: AllowList
    languages: tuple[str, ...]
    llm_url: str  # empty: no LLM
    llm_model: str
    llm_key: str
    llm_timeout: float
    email_backend: str
    email_host: str
    email_port: int
    email_user: str
    email_password: str
    email_tls: bool
    email_from: str
    ad_snippet: str
    ad_every: int
    time_zone: str
    log_level: str
    max_bytes: int
    per_host: int
    host_spacing: float
    connect_timeout: float
    read_timeout: float
    article_lease: int
    worker_nice: int  # added to the worker's niceness: readers' pages win the CPU

    @property
    def secret_key_file(self) -> Path:
        return self.data_dir / SECRET_KEY_FILE

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Config:
        """Parse and check every variable; raises ConfigError on the first bad one."""
        env = _Reader(environ)
        return cls(
            data_dir=env.get("NEWSLOOM_DATA_DIR", platformdirs.user_data_dir("newsloom"), Path),
            secret_key=env.text("NEWSLOOM_SECRET_KEY"),
            debug=env.flag("NEWSLOOM_DEBUG"),
            allowed_hosts=env.get("NEWSLOOM_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]",
                                  _non_empty_list),
            csrf_trusted_origins=env.get("NEWSLOOM_CSRF_TRUSTED_ORIGINS", "", _origins),
            behind_https_proxy=env.flag("NEWSLOOM_BEHIND_HTTPS_PROXY"),
            trusted_proxies=env.get("NEWSLOOM_TRUSTED_PROXIES", "", _networks),
            remote_images=env.flag("NEWSLOOM_REMOTE_IMAGES"),
            database_url=env.get("DATABASE_URL", "", _database_url),
            redis_url=env.get("REDIS_URL", "", _redis_url),
            queue_name=env.get("NEWSLOOM_QUEUE_NAME", "newsloom", _word),
            fetch_allow=env.get("NEWSLOOM_FETCH_ALLOW", "", _allow_list),
            languages=env.get("NEWSLOOM_LANGUAGES", "en,zh", _languages),
            llm_url=env.get("NEWSLOOM_LLM_URL", "", _http_url).rstrip("/"),
            llm_model=env.text("NEWSLOOM_LLM_MODEL", "llama3.1"),
            llm_key=env.text("NEWSLOOM_LLM_KEY"),
            llm_timeout=env.number("NEWSLOOM_LLM_TIMEOUT", 30.0, minimum=0.1),
            email_backend=env.text("NEWSLOOM_EMAIL_BACKEND",
                                   "django.core.mail.backends.console.EmailBackend"),
            email_host=env.text("NEWSLOOM_EMAIL_HOST", "localhost"),
            email_port=env.whole("NEWSLOOM_EMAIL_PORT", 25, minimum=1, maximum=65535),
            email_user=env.text("NEWSLOOM_EMAIL_USER"),
            email_password=env.text("NEWSLOOM_EMAIL_PASSWORD"),
            email_tls=env.flag("NEWSLOOM_EMAIL_TLS"),
            email_from=env.text("NEWSLOOM_EMAIL_FROM", "newsloom@localhost"),
            ad_snippet=env.text("NEWSLOOM_AD_SNIPPET"),
            ad_every=env.whole("NEWSLOOM_AD_EVERY", 4, minimum=1),
            time_zone=env.get("NEWSLOOM_TIME_ZONE", "UTC", _time_zone),
            log_level=env.get("NEWSLOOM_LOG", "INFO", _log_level),
            max_bytes=env.whole("NEWSLOOM_MAX_BYTES", 10 * 1024 * 1024, minimum=1),
            per_host=env.whole("NEWSLOOM_PER_HOST", 2, minimum=1),
            host_spacing=env.number("NEWSLOOM_HOST_SPACING", 0.5, minimum=0),
            connect_timeout=env.number("NEWSLOOM_CONNECT_TIMEOUT", 10.0, minimum=0.1),
            read_timeout=env.number("NEWSLOOM_READ_TIMEOUT", 20.0, minimum=0.1),
            article_lease=env.whole("NEWSLOOM_ARTICLE_LEASE", 300, minimum=1),
            worker_nice=env.whole("NEWSLOOM_WORKER_NICE", 10, minimum=0, maximum=19),
        )


@functools.cache
def current() -> Config:
    """The configuration of this process, read from the environment on first use only."""
    return Config.from_environ(os.environ)


def stored_secret_key(config: Config) -> str:
    """NEWSLOOM_SECRET_KEY, else the key kept in the data folder ("" until one is made)."""
    if config.secret_key:
        return config.secret_key
    try:
        return config.secret_key_file.read_text().strip()
    except FileNotFoundError:
        return ""


def prepare_data_folder(config: Config) -> None:
    """Create what the data folder must hold before Django starts: the folder itself, its
    static/ folder (whitenoise warns without it) and, unless NEWSLOOM_SECRET_KEY is set, a
    random secret key made once, so no secret lives in the repository and sessions survive
    restarts. Writes nothing that already exists, so a read-only folder that is complete
    passes. Raises ConfigError naming NEWSLOOM_DATA_DIR when the folder cannot be made."""
    try:
        config.data_dir.joinpath("static").mkdir(parents=True, exist_ok=True)
        if not config.secret_key and not config.secret_key_file.exists():
            _write_secret_key(config.secret_key_file)
    except OSError as exc:
        raise ConfigError(f"NEWSLOOM_DATA_DIR: cannot prepare the data folder {config.data_dir}:"
                          f" {exc.strerror or exc}") from exc


def _write_secret_key(path: Path) -> None:
    """Write a new random key to `path` whole or not at all: written aside, then linked
    into place, so a process starting at the same moment never reads a half-written key
    and the first of two racing processes wins."""
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(50))
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another process made the key first: use theirs
    finally:
        draft.unlink()


def child_environment(changes: Mapping[str, str | None]) -> dict[str, str]:
    """The environment for a newsloom child process that runs with another configuration
    (the demo's): this process's environment with `changes` applied, None removing a
    variable. This process's own configuration and environment stay as they are."""
    environment = dict(os.environ)
    for name, value in changes.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return environment


class _Reader:
    """Reads variables from one mapping, turning parse failures into ConfigErrors that name
    the variable and quote the value."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ

    def get(self, name: str, default: str, parse: Callable[[str], T]) -> T:
        raw = self.environ.get(name, "").strip() or default
        try:
            return parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{name}: {exc} (got {raw!r})") from None

    def text(self, name: str, default: str = "") -> str:
        return self.environ.get(name, "") or default

    def flag(self, name: str) -> bool:
        return self.get(name, "", _flag)

    def whole(self, name: str, default: int, minimum: int, maximum: int | None = None) -> int:
        def parse(raw: str) -> int:
            try:
                value = int(raw)
            except ValueError:
                raise ValueError("expected a whole number") from None
            return _in_range(value, minimum, maximum)

        return self.get(name, str(default), parse)

    def number(self, name: str, default: float, minimum: float) -> float:
        def parse(raw: str) -> float:
            try:
                value = float(raw)
            except ValueError:
                raise ValueError("expected a number") from None
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError("expected a finite number")
            return _in_range(value, minimum, None)

        return self.get(name, str(default), parse)


def _in_range(value: T, minimum: float, maximum: float | None) -> T:
    if value < minimum or (maximum is not None and value > maximum):  # type: ignore[operator]
        bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise ValueError(f"expected a value {bound}")
    return value


def _flag(raw: str) -> bool:
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ValueError("expected 1 or 0 (also true/false, yes/no, on/off)")


def _items(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _non_empty_list(raw: str) -> tuple[str, ...]:
    items = _items(raw)
    if not items:
        raise ValueError("expected a comma-separated list")
    return items


def _origins(raw: str) -> tuple[str, ...]:
    items = _items(raw)
    bad = [item for item in items if not re.match(r"^https?://[^/\s]+$", item)]
    if bad:
        raise ValueError(f"{bad[0]!r} is not an origin such as https://news.example.org")
    return items


def _networks(raw: str) -> tuple[str, ...]:
    items = _items(raw)
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f"{item!r} is not an address or network such as 10.0.0.0/8"
                             ) from None
    return items


def _http_url(raw: str) -> str:
    if raw and not re.match(r"^https?://[^/\s]+", raw):
        raise ValueError("expected an http:// or https:// URL")
    return raw


def _database_url(raw: str) -> str:
    if raw:
        import dj_database_url

        try:
            dj_database_url.parse(raw)
        except Exception as exc:  # the parser raises several kinds for one cause: bad URL
            raise ValueError(f"expected a URL such as postgres://user@host:5432/newsloom "
                             f"({exc})") from None
    return raw


def _redis_url(raw: str) -> str:
    if raw and not re.match(r"^(redis|rediss|unix)://", raw):
        raise ValueError("expected a redis://, rediss:// or unix:// URL")
    return raw


def _word(raw: str) -> str:
    if not re.match(r"^[\w.:-]+$", raw):
        raise ValueError("expected letters, digits and - _ . : only")
    return raw


def _allow_list(raw: str) -> AllowList:
    """CIDRs, addresses and host names; anything else is a typo that would silently allow
    nothing, so it is refused."""
    for item in _items(raw):
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            if not _HOST_NAME.match(item) or item.replace(".", "").isdigit():
                raise ValueError(f"{item!r} is neither a network (10.0.0.0/8), an address "
                                 "nor a host name") from None
    return AllowList.parse(raw)


def _languages(raw: str) -> tuple[str, ...]:
    from lingua import IsoCode639_1

    codes = tuple(code.lower() for code in _non_empty_list(raw))
    unknown = [code for code in codes if not hasattr(IsoCode639_1, code.upper())]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not an ISO 639-1 language code the detector knows")
    return codes


def _time_zone(raw: str) -> str:
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("expected a time zone name such as UTC or Asia/Hong_Kong") from None
    return raw


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in _LOG_LEVELS:
        raise ValueError(f"expected one of {', '.join(_LOG_LEVELS)}")
    return level

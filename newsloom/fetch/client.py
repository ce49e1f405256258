"""HTTP fetching for feeds and article pages.

One client for the whole process: timeouts, a streamed body cap that also holds after
decompression, conditional GET, per-host politeness, Retry-After, a real User-Agent, and the
SSRF guard wired into the connection layer so it runs on every redirect hop.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

import httpcore
import httpx

from newsloom import __version__
from newsloom.fetch.politeness import HostLimiter
from newsloom.fetch.ssrf import AllowList, BlockedAddressError, resolve_checked

USER_AGENT = (
    f"newsloom/{__version__} (self-hosted news aggregator; +https://github.com/newsloom/newsloom)"
)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A fetch failed in a way worth showing to the user (the message is the explanation)."""


class BodyTooLargeError(FetchError):
    """The response body went over the configured cap."""


@dataclass
class FetchResult:
    """What a fetch produced. `body` is empty for 304 Not Modified."""

    url: str
    final_url: str
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""
    last_modified: str = ""
    retry_after: float | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class _GuardedBackend(httpcore.SyncBackend):
    """Network backend that resolves names itself and refuses non-public addresses."""

    def __init__(self, allow: AllowList) -> None:
        self.allow = allow

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        last_error: Exception | None = None
        for address in resolve_checked(host, port, self.allow):
            try:
                return super().connect_tcp(
                    address, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                last_error = exc
        raise httpcore.ConnectError(f"cannot connect to {host}:{port}: {last_error}")


class _GuardedTransport(httpx.HTTPTransport):
    """httpx transport whose connection pool uses the guarded network backend."""

    def __init__(self, allow: AllowList, http2: bool = True) -> None:
        super().__init__(http2=http2, retries=0)
        ssl_context = httpx.create_ssl_context()
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            http1=True,
            http2=http2,
            retries=0,
            network_backend=_GuardedBackend(allow),
        )


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else time.time()
    return max(0.0, when.timestamp() - current)


class Fetcher:
    """Fetches URLs politely and safely. Thread-safe; share one per process."""

    def __init__(
        self,
        allow: AllowList | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        connect_timeout: float = 10.0,
        read_timeout: float = 20.0,
        limiter: HostLimiter | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.max_bytes = max_bytes
        self.limiter = limiter or HostLimiter()
        self.client = httpx.Client(
            transport=_GuardedTransport(allow or AllowList.from_env()),
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout, pool=read_timeout),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            trust_env=False,
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            event_hooks={"request": [self._check_scheme]},
        )

    @staticmethod
    def _check_scheme(request: httpx.Request) -> None:
        if request.url.scheme not in ("http", "https"):
            raise FetchError(f"refused URL scheme {request.url.scheme!r}")

    def close(self) -> None:
        self.client.close()

    def fetch(
        self,
        url: str,
        etag: str = "",
        last_modified: str = "",
        accept: str = "*/*",
    ) -> FetchResult:
        """GET `url`. Raises FetchError with a readable message on network-level failure;
        HTTP error statuses come back as results so callers can honour Retry-After."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            host = httpx.URL(url).host
        except httpx.InvalidURL as exc:
            raise FetchError(f"invalid URL {url!r}: {exc}") from exc
        if not host:
            raise FetchError(f"invalid URL {url!r}: no host")
        try:
            with self.limiter.slot(host), self.client.stream("GET", url, headers=headers) as resp:
                return self._read(url, resp)
        except FetchError:
            raise
        except httpx.TooManyRedirects as exc:
            raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})") from exc
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out fetching {url}") from exc
        except (httpx.HTTPError, httpcore.ConnectError) as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, BlockedAddressError):
                raise FetchError(str(cause)) from exc
            raise FetchError(f"network error fetching {url}: {exc}") from exc
        except ConnectionError as exc:  # includes BlockedAddressError from the resolver
            raise FetchError(str(exc)) from exc

    def _read(self, url: str, resp: httpx.Response) -> FetchResult:
        result = FetchResult(
            url=url,
            final_url=str(resp.url),
            status=resp.status_code,
            headers={k.lower(): v for k, v in resp.headers.items()},
            etag=resp.headers.get("etag", ""),
            last_modified=resp.headers.get("last-modified", ""),
        )
        if resp.status_code in (429, 503):
            result.retry_after = parse_retry_after(resp.headers.get("retry-after"))
        if resp.status_code == 304 or not result.ok:
            return result
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise BodyTooLargeError(
                f"response too large: {int(declared)} bytes declared, limit {self.max_bytes}"
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_bytes():  # decoded bytes: the cap holds after decompression
            size += len(chunk)
            if size > self.max_bytes:
                raise BodyTooLargeError(
                    f"response too large: over the limit of {self.max_bytes} bytes")
            chunks.append(chunk)
        result.body = b"".join(chunks)
        return result


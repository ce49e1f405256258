"""HTTP fetching for feeds and article pages.

One client for the whole process: timeouts, an overall deadline per fetch, a streamed body
cap that also holds while decompressing, conditional GET, per-host politeness, Retry-After, a
real User-Agent, and the SSRF guard wired into the connection layer so it runs on every
redirect hop.
"""

from __future__ import annotations

import email.utils
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

import httpcore
import httpx

from newsloom import __version__
from newsloom.fetch.decoding import BodyOverCapError, CappedDecoder, EncodingRefusedError
from newsloom.fetch.politeness import HostLimiter
from newsloom.fetch.ssrf import AllowList, BlockedAddressError, resolve_checked

USER_AGENT = (
    f"newsloom/{__version__} (self-hosted news aggregator; +https://github.com/newsloom/newsloom)"
)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
# The whole fetch (every redirect hop, headers and body) must finish within this many
# seconds: per-read timeouts alone let a server trickling one byte every few seconds hold a
# worker thread for minutes (115 s measured with one byte per 5 s).
DEFAULT_DEADLINE = 60.0

_fetch_state = threading.local()  # .deadline: time.monotonic() value of the current fetch


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


def _within_deadline(timeout: float | None) -> float | None:
    """The socket timeout to use now: the caller's, shortened to what is left of the
    current fetch's deadline. Raises a read timeout once the deadline has passed."""
    deadline = getattr(_fetch_state, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the fetch's overall deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write stays within the fetch's deadline, so
    slow headers, slow TLS and a trickled body are all cut at the same moment."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, _within_deadline(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _within_deadline(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self.inner.start_tls(ssl_context, server_hostname, _within_deadline(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


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
                return _DeadlineStream(super().connect_tcp(
                    address, port, timeout=_within_deadline(timeout),
                    local_address=local_address, socket_options=socket_options,
                ))
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
        deadline: float = DEFAULT_DEADLINE,
    ) -> None:
        self.max_bytes = max_bytes
        self.deadline = deadline
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
            with self.limiter.slot(host):
                _fetch_state.deadline = time.monotonic() + self.deadline
                with self.client.stream("GET", url, headers=headers) as resp:
                    return self._read(url, resp)
        except FetchError:
            raise
        except httpx.TooManyRedirects as exc:
            raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})") from exc
        except httpx.TimeoutException as exc:
            if time.monotonic() >= _fetch_state.deadline:
                raise FetchError(f"gave up on {url}: not complete after {self.deadline:g} s "
                                 "(the server sends too slowly)") from exc
            raise FetchError(f"timed out fetching {url}") from exc
        except (httpx.HTTPError, httpcore.ConnectError) as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, BlockedAddressError):
                raise FetchError(str(cause)) from exc
            raise FetchError(f"network error fetching {url}: {exc}") from exc
        except ConnectionError as exc:  # includes BlockedAddressError from the resolver
            raise FetchError(str(exc)) from exc
        finally:
            _fetch_state.deadline = None

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
        try:
            decoder = CappedDecoder(resp.headers.get("content-encoding", ""), self.max_bytes)
            for raw in resp.iter_raw():  # decoded here, step by step under the cap
                chunks.extend(decoder.feed(raw))
        except BodyOverCapError as exc:
            raise BodyTooLargeError(str(exc)) from exc
        except EncodingRefusedError as exc:
            raise FetchError(f"{exc} from {result.final_url}") from exc
        result.body = b"".join(chunks)
        return result


"""The fetcher against a real local server: SSRF guard on every hop, size caps (also after
decompression), conditional GET, timeouts, Retry-After and politeness."""

from __future__ import annotations

import gzip
import ipaddress
import itertools
import time
from http.server import BaseHTTPRequestHandler

import pytest

from newsloom.fetch.client import BodyTooLargeError, Fetcher, FetchError, parse_retry_after
from newsloom.fetch.politeness import HostLimiter
from newsloom.fetch.ssrf import AllowList, is_public_address
from tests.fixture_server import redirect, respond


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1",
    "::ffff:10.0.0.1", "2002:7f00:0001::1", "64:ff9b::a00:1", "ff02::1", "198.18.0.1",
    # IPv4-compatible, IPv4-translated, site-local and local-use NAT64 (issue 9, item 19)
    "::7f00:1", "::a00:1", "::8.8.8.8", "::ffff:0:7f00:1", "::ffff:0:a9fe:a9fe", "fec0::1",
    "feff::1", "64:ff9b:1::a00:1",
])
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::6810:85e5",
                                     "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


def test_loopback_refused_without_allowlist(server) -> None:
    server.routes["/feed"] = respond(200, b"<rss/>")
    guarded = Fetcher(allow=AllowList(), connect_timeout=2, read_timeout=2)
    with pytest.raises(FetchError, match=r"non-public address 127\.0\.0\.1"):
        guarded.fetch(server.url("/feed"))
    assert server.requests == []  # refused before connecting


@pytest.mark.parametrize("target", [
    "http://127.0.0.2:{port}/secret",   # loopback outside the allowlist
    "http://2130706434:{port}/secret",  # 127.0.0.2 as a decimal literal
    "http://0x7f.0.0.2:{port}/secret",  # hex octet literal
    "http://[::ffff:127.0.0.2]:{port}/secret",  # IPv4-mapped IPv6
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://[::1]:{port}/secret",
])
def test_redirect_to_private_address_is_refused_on_that_hop(server, fetcher, target) -> None:
    server.routes["/go"] = redirect(target.format(port=server.port))
    with pytest.raises(FetchError, match=r"non-public address|cannot resolve"):
        fetcher.fetch(server.url("/go"))
    assert [r.path for r in server.requests] == ["/go"]


def test_non_http_redirect_scheme_is_refused(server, fetcher) -> None:
    server.routes["/go"] = redirect("file:///etc/passwd")
    with pytest.raises(FetchError):
        fetcher.fetch(server.url("/go"))


def test_redirects_are_followed_and_final_url_reported(server, fetcher) -> None:
    server.routes["/a"] = redirect("/b", 301)
    server.routes["/b"] = respond(200, b"hello")
    result = fetcher.fetch(server.url("/a"))
    assert result.body == b"hello"
    assert result.final_url == server.url("/b")


def test_redirect_loop_gives_readable_error(server, fetcher) -> None:
    server.routes["/loop"] = redirect("/loop")
    with pytest.raises(FetchError, match="too many redirects"):
        fetcher.fetch(server.url("/loop"))


def _endless(req: BaseHTTPRequestHandler) -> None:
    req.send_response(200)
    req.send_header("Content-Type", "application/rss+xml")
    req.send_header("Transfer-Encoding", "chunked")
    req.end_headers()
    chunk = b"x" * 65536
    try:
        for _ in range(1000):  # 64 MiB if nobody stops reading
            req.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        req.wfile.write(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass


def test_huge_streamed_body_is_cut_at_the_cap(server, fetcher) -> None:
    server.routes["/huge"] = _endless
    with pytest.raises(BodyTooLargeError, match="too large"):
        fetcher.fetch(server.url("/huge"))


def test_declared_huge_body_is_refused_before_reading(server, fetcher) -> None:
    server.routes["/big"] = respond(200, b"x" * (2 * 1024 * 1024))
    with pytest.raises(BodyTooLargeError, match="declared"):
        fetcher.fetch(server.url("/big"))


def test_gzip_bomb_is_cut_after_decompression(server, fetcher) -> None:
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))  # ~20 KiB on the wire
    assert len(bomb) < fetcher.max_bytes
    server.routes["/bomb"] = respond(200, bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(BodyTooLargeError):
        fetcher.fetch(server.url("/bomb"))


def test_stacked_gzip_is_refused_without_decoding_it(server, fetcher) -> None:
    """`Content-Encoding: gzip, gzip` multiplied the bomb ratio past the cap (httpx
    decodes each layer whole: 6.7 KB on the wire reached a MemoryError)."""
    inner = gzip.compress(b"\0" * (64 * 1024 * 1024))
    double = gzip.compress(inner)
    server.routes["/double"] = respond(200, double, headers={"Content-Encoding": "gzip, gzip"})
    with pytest.raises(FetchError, match="stacked content encodings"):
        fetcher.fetch(server.url("/double"))


def test_gzip_bomb_never_holds_more_than_the_cap(server, fetcher) -> None:
    """One 20 KiB compressed chunk expands to 20 MiB: each decoding step stays under the
    cap, so peak memory stays near the cap, not near the expanded size."""
    import tracemalloc

    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    server.routes["/bomb"] = respond(200, bomb, headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(BodyTooLargeError):
            fetcher.fetch(server.url("/bomb"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * fetcher.max_bytes


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate", "identity"])
def test_supported_encodings_decode(server, fetcher, encoding) -> None:
    import zlib

    body = b"<rss>" + b"news " * 1000 + b"</rss>"
    wire = {"gzip": gzip.compress(body), "deflate": zlib.compress(body),
            "raw-deflate": zlib.compress(body)[2:-4], "identity": body}[encoding]
    header = "deflate" if encoding == "raw-deflate" else encoding
    server.routes["/enc"] = respond(200, wire, headers={"Content-Encoding": header})
    assert fetcher.fetch(server.url("/enc")).body == body


def test_unknown_encoding_is_refused(server, fetcher) -> None:
    server.routes["/br"] = respond(200, b"\x0b\x01\x80", headers={"Content-Encoding": "br"})
    with pytest.raises(FetchError, match="unsupported content encoding 'br'"):
        fetcher.fetch(server.url("/br"))


def _trickle(headers_first: bool):  # type: ignore[no-untyped-def]
    def handle(req: BaseHTTPRequestHandler) -> None:
        try:
            if headers_first:
                req.send_response(200)
                req.send_header("Content-Length", "100")
                req.end_headers()
                req.wfile.flush()
                for _ in range(100):
                    req.wfile.write(b"x")
                    req.wfile.flush()
                    time.sleep(0.3)
            else:
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 100:
                    req.wfile.write(bytes([byte]))
                    req.wfile.flush()
                    time.sleep(0.3)
        except (BrokenPipeError, ConnectionResetError):
            pass
    return handle


@pytest.mark.parametrize("headers_first", [True, False], ids=["slow-body", "slow-headers"])
def test_trickling_server_is_cut_at_the_overall_deadline(server, headers_first) -> None:
    """Each byte arrives well within the read timeout; only the overall deadline stops it."""
    server.routes["/trickle"] = _trickle(headers_first)
    fetcher = Fetcher(allow=AllowList.parse("127.0.0.1/32"), connect_timeout=2, read_timeout=2,
                      limiter=HostLimiter(8, 0), deadline=2)
    started = time.monotonic()
    with pytest.raises(FetchError, match="not complete after 2 s"):
        fetcher.fetch(server.url("/trickle"))
    assert time.monotonic() - started < 4
    fetcher.close()


def test_conditional_get_sends_validators_and_reports_not_modified(server, fetcher) -> None:
    def handler(req: BaseHTTPRequestHandler) -> None:
        if req.headers.get("If-None-Match") == '"v1"':
            respond(304)(req)
        else:
            respond(200, b"<rss/>", headers={"ETag": '"v1"',
                                             "Last-Modified": "Tue, 24 Nov 2026 10:00:00 GMT"})(req)
    server.routes["/feed"] = handler
    first = fetcher.fetch(server.url("/feed"))
    assert first.etag == '"v1"' and first.last_modified.endswith("GMT")
    second = fetcher.fetch(server.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.body == b""
    assert server.requests[1].headers["if-modified-since"] == first.last_modified


def test_user_agent_identifies_newsloom(server, fetcher) -> None:
    server.routes["/ua"] = respond(200, b"ok")
    fetcher.fetch(server.url("/ua"))
    assert server.requests[0].headers["user-agent"].startswith("newsloom/")


def test_slow_server_times_out(server, fetcher) -> None:
    def slow(req: BaseHTTPRequestHandler) -> None:
        time.sleep(4)
        respond(200, b"late")(req)
    server.routes["/slow"] = slow
    with pytest.raises(FetchError, match="timed out"):
        fetcher.fetch(server.url("/slow"))


def test_retry_after_is_reported(server, fetcher) -> None:
    server.routes["/busy"] = respond(429, b"", headers={"Retry-After": "120"})
    result = fetcher.fetch(server.url("/busy"))
    assert result.status == 429 and result.retry_after == 120


def test_retry_after_http_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60
    assert parse_retry_after("soon") is None


def test_unresolvable_host_is_a_readable_error(fetcher) -> None:
    with pytest.raises(FetchError, match="cannot resolve"):
        fetcher.fetch("http://no-such-host.invalid/feed")


def test_per_host_limit_and_spacing() -> None:
    limiter = HostLimiter(per_host=1, spacing=0.2)
    starts = []
    for _ in range(3):
        with limiter.slot("example.com"):
            starts.append(time.monotonic())
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(gap >= 0.19 for gap in gaps)
    with limiter.slot("other.example"):  # another host is not delayed by example.com
        assert time.monotonic() - starts[-1] < 0.15

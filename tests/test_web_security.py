"""Web defences against an attacker, over real HTTP where concurrency matters (a live server
on the test database): atomic sign-in, comment and reset throttles, no lockout of a victim,
trusted proxies, open redirects, password rules, ask-this-article limits and cache, no HTTP
500 on bad input, error logging, security headers and remote images."""

from __future__ import annotations

import io
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from newsloom.news.bulk import import_jsonl
from newsloom.news.models import Article
from newsloom.web import questions, signin_throttle
from newsloom.web.models import Comment
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "a" * 32  # a well-formed CSRF secret, sent as cookie and form field alike
PASSWORD = "S3cure-pass-99"


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def article() -> Article:
    body = "The harbour bridge opened on Monday after four years of work. " * 12
    import_jsonl([json.dumps({"url": "https://a.example/bridge", "title": "Bridge opens",
                              "text": body, "source": "Paper A", "language": "en",
                              "html": "<p>Bridge.</p><p><img src=\"https://pub.example/b.jpg\" "
                                      "alt=\"the bridge\"> Opened.</p>"})])
    return Article.objects.get()


@pytest.fixture(autouse=True)
def whole_windows() -> None:
    """Limits count in fixed windows (a minute, 15 minutes, an hour, all starting on the
    minute): start each test with at least 20 s of the current minute left, so a test's
    requests never straddle two windows and see twice the allowance."""
    left = 60 - time.time() % 60
    if left < 20:
        time.sleep(left + 0.1)


def client(address: str = "203.0.113.1", **extra: str) -> Client:
    return Client(HTTP_HOST="localhost", REMOTE_ADDR=address, **extra)


def _parallel(count: int, call) -> list[int]:  # type: ignore[no-untyped-def]
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda _: call(), range(count)))


@pytest.mark.ingest  # runs on PostgreSQL too: the counting SQL differs per database
def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(live_server) -> None:  # type: ignore[no-untyped-def]
    User.objects.create_user("victim", password=PASSWORD)

    def attempt() -> int:
        with httpx.Client(base_url=live_server.url, cookies={"csrftoken": TOKEN}) as http:
            return http.post("/accounts/login/", data={
                "username": "victim", "password": "wrong", "csrfmiddlewaretoken": TOKEN},
                timeout=60).status_code

    statuses = _parallel(60, attempt)
    assert statuses.count(200) == signin_throttle.PER_ACCOUNT_AND_ADDRESS  # checked, wrong
    assert statuses.count(429) == 60 - signin_throttle.PER_ACCOUNT_AND_ADDRESS


def test_admin_login_is_throttled_too() -> None:
    User.objects.create_user("boss", password=PASSWORD, is_staff=True, is_superuser=True)
    attacker = client()
    for _ in range(8):
        attacker.post("/admin/login/", {"username": "boss", "password": "wrong"})
    refused = attacker.post("/admin/login/?next=/admin/", {"username": "boss",
                                                           "password": PASSWORD})
    assert "Too many failed sign-in attempts" in refused.text
    assert attacker.get("/admin/").status_code == 302  # still not signed in
    admin = client("198.51.100.9")  # the real staff member, elsewhere
    ok = admin.post("/admin/login/?next=/admin/", {"username": "boss", "password": PASSWORD})
    assert ok.status_code == 302 and admin.get("/admin/").status_code == 200


def test_an_attacker_cannot_lock_a_reader_out(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(signin_throttle, "PER_ACCOUNT_HOURLY", 3)
    User.objects.create_user("reader", password=PASSWORD)
    reader = client("198.51.100.20")
    assert reader.post("/accounts/login/", {"username": "reader",
                                            "password": PASSWORD}).status_code == 302
    reader.post("/accounts/logout/")
    for n in range(6):  # guesses from many addresses use up the account's hourly allowance
        client(f"203.0.113.{10 + n}").post("/accounts/login/", {"username": "reader",
                                                                "password": "wrong"})
    stranger = client("203.0.113.99").post("/accounts/login/", {"username": "reader",
                                                                "password": PASSWORD})
    assert stranger.status_code == 429  # an unknown browser is refused for the hour
    again = reader.post("/accounts/login/", {"username": "reader", "password": PASSWORD})
    assert again.status_code == 302  # the reader's own browser still gets in


def test_password_spraying_from_one_address_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(signin_throttle, "PER_ADDRESS", 4)
    sprayer = client()
    statuses = [sprayer.post("/accounts/login/", {"username": f"user{n}",
                                                  "password": "wrong"}).status_code
                for n in range(6)]
    assert statuses == [200] * 4 + [429] * 2


@pytest.mark.ingest  # runs on PostgreSQL too: the counting SQL differs per database
def test_parallel_comments_store_no_more_than_the_limit(live_server, article: Article) -> None:  # type: ignore[no-untyped-def]
    from newsloom.web.comments import PER_MINUTE

    writer = Client()
    writer.force_login(User.objects.create_user("fast", password=PASSWORD))
    session = writer.cookies["sessionid"].value
    counter = iter(range(1000))

    def post() -> int:
        with httpx.Client(base_url=live_server.url,
                          cookies={"csrftoken": TOKEN, "sessionid": session}) as http:
            return http.post(f"/a/{article.pk}/comments", data={
                "body": f"comment {next(counter)}", "csrfmiddlewaretoken": TOKEN},
                timeout=60).status_code

    statuses = _parallel(40, post)
    assert Comment.objects.count() == PER_MINUTE
    assert statuses.count(429) == 40 - PER_MINUTE


def test_password_reset_is_limited_and_answers_alike_for_known_and_unknown(settings) -> None:  # type: ignore[no-untyped-def]
    sink = SmtpSink(delay=1.5)  # a mail server that takes its time, as remote ones do
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    User.objects.create_user("known", email="known@example.org", password=PASSWORD)
    try:
        timings = {}
        for email in ("known@example.org", "nobody@example.org"):
            started = time.monotonic()
            response = client().post("/accounts/password/reset/", {"email": email})
            timings[email] = time.monotonic() - started
            assert response.status_code == 302 and response.url.endswith("/reset/done/")
        assert max(timings.values()) < 1.0  # neither waited for the mail server
        deadline = time.monotonic() + 10
        while not sink.messages and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(sink.messages) == 1 and "known@example.org" in sink.messages[0]
        assert "/accounts/reset/" in sink.messages[0]
    finally:
        sink.close()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    statuses = [client("203.0.113.50").post("/accounts/password/reset/", {
        "email": "someone@example.org"}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]  # three a hour per address asked about


def test_client_address_comes_from_trusted_proxies_only(settings) -> None:  # type: ignore[no-untyped-def]
    User.objects.create_user("reader", password=PASSWORD)
    wrong = {"username": "reader", "password": "wrong"}
    right = {"username": "reader", "password": PASSWORD}
    # exposed directly: a forged X-Forwarded-For does not give an attacker fresh addresses
    for n in range(5):
        client("203.0.113.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post("/accounts/login/",
                                                                        wrong)
    forged = client("203.0.113.1", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert forged.post("/accounts/login/", right).status_code == 429
    # behind the documented reverse proxy: readers behind it are told apart
    settings.NEWSLOOM_TRUSTED_PROXIES = ["127.0.0.1/32"]
    for _ in range(5):
        client("127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.66, 127.0.0.1").post(
            "/accounts/login/", wrong)
    attacker = client("127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.66")
    assert attacker.post("/accounts/login/", right).status_code == 429
    reader = client("127.0.0.1", HTTP_X_FORWARDED_FOR="evil, 198.51.100.4")
    assert reader.post("/accounts/login/", right).status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x",
                                    "/\\evil.example", "javascript:alert(1)"])
def test_next_only_leads_within_the_site(article: Article, target: str) -> None:
    signup = client().post(f"/accounts/signup/?next={target}", {
        "username": "newbie", "password1": PASSWORD, "password2": PASSWORD, "next": target})
    assert signup.status_code == 302 and signup.url == "/"
    reader = client()
    reader.force_login(User.objects.get(username="newbie"))
    saved = reader.post(f"/a/{article.pk}/save", {"next": target})
    assert saved.url == f"/a/{article.pk}/"
    followed = reader.post("/follow", {"kind": "region", "value": "hk", "next": target})
    assert followed.url == "/for-you/"
    assert reader.post("/follow", {"kind": "region", "value": "hk",
                                   "next": "/edition/hk/"}).url == "/edition/hk/"


def test_signup_needs_a_real_password_and_takes_an_optional_email() -> None:
    weak = client().post("/accounts/signup/", {"username": "weak", "password1": "a",
                                                "password2": "a"})
    assert weak.status_code == 200 and "too short" in weak.text
    assert not User.objects.filter(username="weak").exists()
    page = client().get("/accounts/signup/").text
    assert 'name="email"' in page and "at least 8 characters" in page
    assert client().post("/accounts/signup/", {
        "username": "noemail", "password1": PASSWORD, "password2": PASSWORD}).status_code == 302
    assert client("198.51.100.3").post("/accounts/signup/", {
        "username": "withemail", "email": "me@example.org", "password1": PASSWORD,
        "password2": PASSWORD}).status_code == 302
    assert User.objects.get(username="withemail").email == "me@example.org"
    reset = client().get("/accounts/password/reset/").text
    assert "email address you gave when you signed up" in reset
    assert not mail.outbox


@pytest.mark.ingest  # runs on PostgreSQL too: the counting SQL differs per database
def test_ask_is_limited_per_client_and_cached_per_question(article: Article) -> None:
    url = f"/a/{article.pk}/ask"
    reader = client("203.0.113.7", HTTP_HX_REQUEST="true")
    first = reader.get(url, {"q": "When did the bridge open?"})
    assert first.status_code == 200 and "Monday" in first.text
    for _ in range(questions.PER_MINUTE + 5):  # the same question: answered from the cache
        repeat = reader.get(url, {"q": "  when did the BRIDGE open? "})
        assert repeat.status_code == 200 and "Monday" in repeat.text
    statuses = [reader.get(url, {"q": f"Question number {n}?"}).status_code
                for n in range(questions.PER_MINUTE)]
    assert statuses == [200] * (questions.PER_MINUTE - 1) + [429]
    assert "asking too fast" in reader.get(url, {"q": "another one?"}).text
    other = client("203.0.113.8").get(url, {"q": "How long was the work?"})
    assert other.status_code == 200  # another reader is not affected


@pytest.mark.ingest  # runs on PostgreSQL too: integer and text limits differ per database
@pytest.mark.parametrize("path", [
    "/?page=100000000000000000000", "/edition/hk/?page=99999999999999999999999",
    "/search?q=a%00b", "/search?q=bridge&until=9999-12-31",
    "/search?q=bridge&source=100000000000000000000", "/search?q=bridge&page=10000000000000",
    "/feeds/rss/foo/", "/feeds/rss/source/abc/", "/feeds/rss/search/?q=%00",
    "/feeds/rss/region/%00/", "/feeds/atom/source/100000000000000000000/",
    "/a/100000000000000000000/", "/source/99999999999999999999999/",
])
def test_bad_input_gets_a_4xx_or_a_page_never_a_500(article: Article, path: str) -> None:
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 200 or 400 <= response.status_code < 500


def test_following_a_source_id_too_big_for_the_database_keeps_for_you_working() -> None:
    reader = Client(raise_request_exception=False)
    reader.force_login(User.objects.create_user("follower", password=PASSWORD))
    reader.post("/follow", {"kind": "source", "value": "1" * 30})
    assert reader.get("/for-you/").status_code == 200


def test_a_reply_to_a_non_comment_is_a_400(article: Article) -> None:
    writer = Client(raise_request_exception=False)
    writer.force_login(User.objects.create_user("replier", password=PASSWORD))
    response = writer.post(f"/a/{article.pk}/comments", {"body": "hi", "parent": "abc"})
    assert response.status_code == 400 and not Comment.objects.exists()


@pytest.mark.urls("tests.broken_urls")
def test_server_errors_are_logged_with_their_traceback() -> None:
    handlers = [handler for handler in logging.getLogger("django.request").handlers
                if isinstance(handler, logging.StreamHandler)]
    assert handlers, "django.request has no handler of its own: errors would go nowhere"
    log = io.StringIO()
    streams = [handler.setStream(log) for handler in handlers]
    try:
        response = Client(raise_request_exception=False).get("/broken/")
    finally:
        for handler, stream in zip(handlers, streams, strict=True):
            handler.setStream(stream)
    assert response.status_code == 500
    assert "Internal Server Error: /broken/" in log.getvalue()
    assert "RuntimeError: a bug in a view" in log.getvalue()


def test_pages_carry_a_content_security_policy_and_permissions_policy(article: Article) -> None:
    response = client().get(f"/a/{article.pk}/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "onchange=" not in response.text and "<script>" not in response.text


def test_remote_images_are_links_unless_enabled(article: Article, settings) -> None:  # type: ignore[no-untyped-def]
    page = client().get(f"/a/{article.pk}/")
    assert "https://pub.example/b.jpg" in page.text  # still reachable, as a link
    assert '<img src="https://pub.example' not in page.text
    assert "img-src 'self' data:;" in page.headers["Content-Security-Policy"]
    settings.NEWSLOOM_REMOTE_IMAGES = True
    from django.core.cache import cache

    cache.clear()
    enabled = client().get(f"/a/{article.pk}/")
    assert '<img src="https://pub.example/b.jpg"' in enabled.text
    assert "https:" in enabled.headers["Content-Security-Policy"]

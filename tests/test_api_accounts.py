"""API passwords, `newsloom users`, the Apps settings page, throttling behind a trusted
proxy, malformed requests and paging while articles arrive, through Django's test client
on the real database."""

from __future__ import annotations

import io
import sys
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.utils import timezone

from newsloom.api import passwords
from newsloom.news.models import Article, Source
from newsloom.web.models import Follow
from newsloom.web.signin_throttle import PER_ADDRESS

pytestmark = pytest.mark.django_db
READING_LIST = "user/-/state/com.google/reading-list"


@pytest.fixture(autouse=True)
def _no_failed_logins_behind() -> None:
    cache.clear()


def _users(*args: str, stdin: str = "") -> str:
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command("users", *args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_users_command_creates_readers_and_prints_the_api_password_last() -> None:
    assert "created reader" in _users("create", "Wen", "--password-stdin", "--email",
                                      "wen@example.org", stdin="harbour-lights-77\n")
    user = get_user_model().objects.get(username="Wen")
    assert user.check_password("harbour-lights-77") and not user.is_staff
    printed = _users("api-password", "wen").strip().splitlines()[-1]
    assert passwords.user_for_password("Wen", printed) == user
    assert not user.check_password(printed)  # the API password is not the web password
    with pytest.raises(CommandError, match="already exists"):
        _users("create", "wen", "--password-stdin", stdin="harbour-lights-77\n")
    with pytest.raises(CommandError, match="the password is empty"):
        _users("create", "kit", "--password-stdin", stdin="\n")
    with pytest.raises(CommandError, match="no reader named 'nobody'"):
        _users("api-password", "nobody")
    _users("create", "root", "--admin", "--password-stdin", stdin="harbour-lights-78\n")
    assert get_user_model().objects.get(username="root").is_superuser


def test_settings_page_creates_shows_once_and_revokes() -> None:
    assert Client().get("/accounts/api-password/").status_code == 302  # sign in first
    user = get_user_model().objects.create_user("lee", password="harbour-lights-77")
    web = Client()
    web.force_login(user)
    assert "no API password yet" in web.get("/accounts/api-password/").content.decode()
    page = web.post("/accounts/api-password/", {"action": "create"}).content.decode()
    password = page.split('id="api-password">')[1].split("<")[0]
    app = Client(HTTP_X_AUTH_TOKEN=password)
    assert app.get("/v1/me").json()["username"] == "lee"
    again = web.get("/accounts/api-password/").content.decode()
    assert password not in again and "API password created" in again
    web.post("/accounts/api-password/", {"action": "revoke"})
    assert app.get("/v1/me").status_code == 401


@override_settings(NEWSLOOM_TRUSTED_PROXIES=["10.0.0.1"])
def test_failed_logins_count_against_the_forwarded_address_of_a_trusted_proxy() -> None:
    """The web sign-in's limits: 5 wrong passwords for one account from one address."""
    user = get_user_model().objects.create_user("pat", password="harbour-lights-77")
    password = passwords.issue(user)
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(5):
        wrong = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.5").post(
            "/api/greader/accounts/ClientLogin", {"Email": "pat", "Passwd": "guess"})
        assert wrong.status_code == 401
    login = {"Email": "pat", "Passwd": password}
    refused = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.5").post(
        "/api/greader/accounts/ClientLogin", login)
    assert refused.status_code == 429
    other_client = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.6").post(
        "/api/greader/accounts/ClientLogin", login)
    assert other_client.status_code == 200
    # an untrusted peer cannot pick its address by sending X-Forwarded-For
    for _ in range(5):
        Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.7").post(
            "/api/greader/accounts/ClientLogin", {"Email": "pat", "Passwd": "guess"})
    assert Client(REMOTE_ADDR="198.51.100.9").post(
        "/api/greader/accounts/ClientLogin", login).status_code == 429
    assert Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.7").post(
        "/api/greader/accounts/ClientLogin", login).status_code == 200


def _reader_with_articles(count: int) -> tuple[Client, Source]:
    user = get_user_model().objects.create_user("ida", password="harbour-lights-77")
    password = passwords.issue(user)
    source = Source.objects.create(name="Ledger", feed_url="https://ledger.example/feed")
    Follow.objects.create(user=user, kind=Follow.Kind.SOURCE, value=str(source.pk))
    _add_articles(source, count, "old")
    client = Client()
    auth = client.post("/api/greader/accounts/ClientLogin",
                       {"Email": "ida", "Passwd": password}).content.decode()
    token = auth.split("Auth=")[1].strip()
    return Client(HTTP_AUTHORIZATION=f"GoogleLogin auth={token}"), source


def _add_articles(source: Source, count: int, tag: str) -> None:
    now = timezone.now()
    Article.objects.bulk_create([Article(
        source=source, guid=f"{tag}-{i}", url=f"https://ledger.example/{tag}/{i}",
        title=f"{tag} {i}", text="Body.", status=Article.Status.READY,
        published_at=now - timedelta(minutes=i)) for i in range(count)])


@pytest.mark.parametrize("order", ["", "o"])
def test_paging_never_skips_or_repeats_while_articles_arrive(order: str) -> None:
    client, source = _reader_with_articles(25)
    before = set(Article.objects.values_list("pk", flat=True))
    seen: list[str] = []
    continuation = ""
    for round_ in range(10):
        page = client.get("/api/greader/reader/api/0/stream/items/ids",
                          {"s": READING_LIST, "n": 10, "r": order, "c": continuation}).json()
        seen += [ref["id"] for ref in page["itemRefs"]]
        _add_articles(source, 3, f"new{round_}")  # arrivals between two pages
        continuation = page.get("continuation", "")
        if not continuation:
            break
    assert len(seen) == len(set(seen))
    if order == "o":  # oldest first reaches the arrivals too, in order
        assert {int(i) for i in seen} >= before and seen == sorted(seen, key=int)
    else:
        assert {int(i) for i in seen} == before


def test_malformed_requests_get_a_clear_4xx() -> None:
    client, _ = _reader_with_articles(3)
    api = "/api/greader/reader/api/0"
    assert client.get(f"{api}/stream/contents/feed/999999").status_code == 404
    assert client.get(f"{api}/stream/items/ids", {"s": READING_LIST, "ot": "soon"}
                      ).status_code == 400
    assert client.post(f"{api}/subscription/edit", {"ac": "dance", "s": "feed/1"}
                       ).status_code == 400
    assert client.post(f"{api}/subscription/import", b"<not-opml/>",
                       content_type="text/xml").status_code == 400
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/feed", "http://169.254.169.254/"):
        refused = client.post(f"{api}/subscription/quickadd", {"quickadd": url})
        assert refused.status_code == 400 and refused.json()["error"], url
    opml = (b'<opml version="2.0"><body><outline xmlUrl="http://10.1.2.3/a.xml"/>'
            b'<outline xmlUrl="gopher://x/"/></body></opml>')
    imported = client.post(f"{api}/subscription/import", opml, content_type="text/x-opml")
    assert imported.content.decode().startswith("OK 0 subscribed, 2 failed")
    assert not Source.objects.filter(feed_url__contains="10.1.2.3").exists()
    huge = "9" * 30  # beyond any database integer: SQLite raised OverflowError (a 500)
    for params in ({"s": READING_LIST, "c": huge}, {"s": f"feed/{huge}"}):
        assert client.get(f"{api}/stream/items/ids", params).status_code in (400, 404)
    assert client.get(f"{api}/stream/items/ids", {"s": READING_LIST, "ot": huge}
                      ).status_code == 200
    assert client.post(f"{api}/edit-tag", {"i": huge, "a": "user/-/state/com.google/read"}
                       ).status_code == 400
    password = passwords.issue(get_user_model().objects.get(username="ida"))
    app = Client(HTTP_X_AUTH_TOKEN=password)
    for body in (b"{", b"[1]", b'{"entry_ids": "all", "status": "read"}',
                 b'{"entry_ids": [1], "status": "gone"}'):
        answer = app.put("/v1/entries", body, content_type="application/json")
        assert answer.status_code == 400 and answer.json()["error_message"], body
    assert app.get("/v1/entries", {"limit": "ten"}).status_code == 400
    assert app.get("/v1/entries", {"order": "nonsense"}).status_code == 400
    assert app.get("/v1/nothing-here").status_code == 404
    assert app.get(f"/v1/entries/{huge}").status_code == 404
    assert app.get(f"/v1/feeds/{huge}/entries").status_code == 404
    assert app.get("/v1/entries", {"after": huge}).status_code == 400
    assert app.get("/v1/entries", {"after": "99999999999"}).json()["total"] == 0
    assert app.put("/v1/entries", f'{{"entry_ids": [{huge}], "status": "read"}}',
                   content_type="application/json").status_code == 204
    fever_key = passwords.fever_key("ida", password)
    for query in ("items&since_id=x", f"items&since_id={huge}", f"items&with_ids=1,{huge}",
                  f"mark=feed&as=read&id={huge}"):
        bad = Client().post(f"/api/fever.php?api&{query}", {"api_key": fever_key})
        assert bad.status_code == 400 and bad.json()["auth"] == 1, query


def test_articles_saved_on_the_web_are_starred_in_every_app_even_unsubscribed() -> None:
    client, _ = _reader_with_articles(2)
    elsewhere = Source.objects.create(name="Elsewhere", feed_url="https://else.example/feed")
    _add_articles(elsewhere, 1, "else")
    article = Article.objects.get(source=elsewhere)
    user = get_user_model().objects.get(username="ida")
    web = Client()
    web.force_login(user)
    web.post(f"/a/{article.pk}/save")  # the web's save button
    api = "/api/greader/reader/api/0"
    starred = client.get(f"{api}/stream/items/ids",
                         {"s": "user/-/state/com.google/starred"}).json()["itemRefs"]
    assert [ref["id"] for ref in starred] == [str(article.pk)]
    contents = client.post(f"{api}/stream/items/contents", {"i": str(article.pk)}).json()
    assert [item["title"] for item in contents["items"]] == [article.title]
    key = passwords.fever_key("ida", passwords.issue(user))
    fever = Client().post("/api/fever.php?api&saved_item_ids", {"api_key": key}).json()
    assert fever["saved_item_ids"] == str(article.pk)
    items = Client().post(f"/api/fever.php?api&items&with_ids={article.pk}",
                          {"api_key": key}).json()
    assert [item["is_saved"] for item in items["items"]] == [1]


def test_newsloom_api_refuses_an_address_after_failed_logins() -> None:
    user = get_user_model().objects.create_user("nia", password="harbour-lights-77")
    token = passwords.issue(user)
    for _ in range(40):  # an app authenticates every request: correct ones count nothing
        assert Client(HTTP_X_AUTH_TOKEN=token).get("/api/v1/editions").status_code == 200
    for _ in range(PER_ADDRESS):  # the web sign-in's limit for one address
        assert Client(HTTP_X_AUTH_TOKEN="guess").get("/api/v1/editions").status_code == 401
    refused = Client(HTTP_X_AUTH_TOKEN=token).get("/api/v1/editions")
    assert refused.status_code == 429 and "too many failed logins" in refused.json()["detail"]


def test_an_administrator_revokes_an_api_password_in_the_admin() -> None:
    reader = get_user_model().objects.create_user("rae", password="harbour-lights-77")
    token = passwords.issue(reader)
    admin = get_user_model().objects.create_superuser("boss", password="harbour-lights-78")
    web = Client()
    web.force_login(admin)
    listing = web.get("/admin/api/apipassword/").content.decode()
    assert "rae" in listing and token not in listing
    row = reader.api_password
    assert passwords.digest_of(token) not in web.get(
        f"/admin/api/apipassword/{row.pk}/change/").content.decode()
    web.post(f"/admin/api/apipassword/{row.pk}/delete/", {"post": "yes"})
    assert Client(HTTP_X_AUTH_TOKEN=token).get("/v1/me").status_code == 401

"""Reader apps we did not write, against a real `newsloom demo` portal: the `google-reader`
client (Google Reader API), `freshrss-api` (Fever), the official `miniflux` client and
newsboat's Miniflux backend. Each subscribes, lists, reads, marks read and starred; the
test then checks that state on the web pages and through the other APIs, and that another
reader sees none of it."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import google_reader
import miniflux
import pytest
import requests
from freshrss_api import FreshRSSAPI
from freshrss_api.utils.errors import AuthenticationError as FeverAuthError

from tests.api_portal import Portal, start_portal

READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
READING_LIST = "user/-/state/com.google/reading-list"


@pytest.fixture(scope="module")
def live() -> Iterator[Portal]:
    yield from start_portal()


@pytest.fixture
def portal(live: Portal) -> Portal:
    live.forget_failed_logins()
    return live


def _greader(portal: Portal, name: str) -> tuple[google_reader.Client, google_reader.AuthToken,
                                                 str]:
    client = google_reader.Client(f"{portal.base}/api/greader")
    auth = client.login(name, portal.passwords.get(name) or portal.add_reader(name))
    return client, auth, client.get_token(auth)


def _web_titles(portal: Portal, name: str, page: str) -> str:
    return portal.web_session(name).get(f"{portal.base}/{page}/", timeout=10).text


def test_google_reader_client_subscribes_reads_and_marks(portal: Portal) -> None:
    client, auth, edit = _greader(portal, "gina")
    with pytest.raises(google_reader.AuthenticationError):
        client.login("gina", "not-the-api-password")
    assert client.get_user_info(auth).user_name == "gina"

    added = client.quick_add_subscription(auth, edit, portal.new_feed_url())
    assert added.num_results == 1 and added.stream_name == "Kowloon Ledger"
    scmp_url = portal.demo_feed("scmp.xml")
    client.edit_subscription(auth, edit, f"feed/{scmp_url}", "subscribe",
                             add_label_id="user/-/label/Morning")
    subscriptions = {s.title: s for s in client.list_subscriptions(auth)}
    assert set(subscriptions) == {"Kowloon Ledger", "South China Morning Post"}
    assert [c.label for c in subscriptions["South China Morning Post"].categories] == [
        "Morning"]
    assert "user/-/label/Morning" in {t.id for t in client.list_tags(auth)}

    # the new source's article arrives through the worker, as any source's does
    deadline = time.monotonic() + 60
    while "Kowloon Ledger" not in _origins(client, auth) and time.monotonic() < deadline:
        time.sleep(0.5)
    everything = [ref.id for ref in client.get_stream_items_ids(
        auth, READING_LIST, limit=1000, exclude_target=READ).item_refs]
    assert "Kowloon Ledger" in _origins(client, auth) and len(everything) >= 4

    # the whole unread list, two at a time: no item twice, none left out
    seen: list[str] = []
    continuation = None
    while True:
        page = client.get_stream_items_ids(auth, READING_LIST, limit=2,
                                           exclude_target=READ, continuation=continuation)
        seen += [ref.id for ref in page.item_refs]
        continuation = page.continuation
        if not continuation:
            break
    assert seen == everything
    contents = client.get_stream_items_contents(auth, edit, seen[:2])
    assert [item.id for item in contents.items] == [google_reader.get_long_item_id(int(i))
                                                   for i in seen[:2]]
    first, second = contents.items
    assert first.origin.title in subscriptions and first.summary.content

    client.edit_tags(auth, edit, [first.id], add_tags=[READ])      # long id form
    client.edit_tags(auth, edit, [seen[1]], add_tags=[STARRED])    # short id form
    client.edit_tags(auth, edit, [seen[1]], add_tags=[STARRED])    # sent twice: no change
    unread = client.get_stream_items_ids(auth, READING_LIST, exclude_target=READ)
    assert {ref.id for ref in unread.item_refs} == set(seen) - {seen[0]}
    starred = client.get_stream_items_ids(auth, STARRED)
    assert [ref.id for ref in starred.item_refs] == [seen[1]]

    # the web shows the same state: starred = saved, read = in the reading history
    assert second.title.replace("'", "&#x27;") in _web_titles(portal, "gina", "saved")
    assert first.title.replace("'", "&#x27;") in _web_titles(portal, "gina", "history")
    # and so does the Miniflux API
    mf = miniflux.Client(portal.base, api_key=portal.passwords["gina"])
    assert mf.get_entry(int(seen[0]))["status"] == "read"
    assert mf.get_entry(int(seen[1]))["starred"] is True

    # OPML out of one reader and into another: the same subscriptions and folders
    api = f"{portal.base}/api/greader/reader/api/0"
    opml = requests.get(f"{api}/subscription/export", timeout=10,
                        headers={"Authorization": f"GoogleLogin auth={auth.AccessToken}"})
    other, other_auth, _ = _greader(portal, "gil")
    imported = requests.post(f"{api}/subscription/import", data=opml.content, timeout=60,
                             headers={"Authorization": f"GoogleLogin auth={other_auth.AccessToken}",
                                      "Content-Type": "text/x-opml"})
    assert imported.text.startswith("OK 2 subscribed, 0 failed"), imported.text
    assert {(s.title, s.categories[0].label) for s in other.list_subscriptions(other_auth)} \
        == {(s.title, s.categories[0].label) for s in subscriptions.values()}

    # a title of her own, which no other reader sees
    ledger = subscriptions["Kowloon Ledger"].id
    client.edit_subscription(auth, edit, ledger, "edit", title="The Ledger")
    assert "The Ledger" in {s.title for s in client.list_subscriptions(auth)}
    assert "Kowloon Ledger" in {s.title for s in other.list_subscriptions(other_auth)}

    client.rename_tag(auth, edit, "user/-/label/Morning", "Daily")
    assert {t.id for t in client.list_tags(auth)} >= {"user/-/label/Daily"}
    client.mark_all_as_read(auth, edit, "user/-/label/Daily")
    assert not client.get_stream_items_ids(auth, "user/-/label/Daily",
                                           exclude_target=READ).item_refs
    client.disable_tag(auth, edit, "user/-/label/Daily")
    assert "user/-/label/Daily" not in {t.id for t in client.list_tags(auth)}


def _origins(client: google_reader.Client, auth: google_reader.AuthToken) -> set[str]:
    ids = client.get_stream_items_ids(auth, READING_LIST, limit=1000).item_refs
    contents = client.get_stream_items_contents(auth, client.get_token(auth),
                                                [ref.id for ref in ids])
    return {item.origin.title for item in contents.items}


def test_google_reader_errors_are_clear_and_never_empty_successes(portal: Portal) -> None:
    _, auth, edit = _greader(portal, "gabe")
    headers = {"Authorization": f"GoogleLogin auth={auth.AccessToken}"}
    api = f"{portal.base}/api/greader/reader/api/0"
    unknown = requests.get(f"{api}/no-such-thing", headers=headers, timeout=10)
    assert unknown.status_code == 404 and "unknown endpoint" in unknown.text
    for bad in ({"s": READING_LIST, "n": "lots"}, {"s": READING_LIST, "c": "x'; drop"},
                {"s": "nonsense/stream"}, {}):
        answer = requests.get(f"{api}/stream/items/ids", params=bad, headers=headers,
                              timeout=10)
        assert 400 <= answer.status_code < 500 and answer.text.startswith("Error:"), bad
    not_an_id = requests.post(f"{api}/edit-tag", data={"i": "zzz", "a": READ, "T": edit},
                              headers=headers, timeout=10)
    assert not_an_id.status_code == 400 and "not an item id" in not_an_id.text
    assert requests.get(f"{api}/edit-tag", headers=headers, timeout=10).status_code == 405
    assert requests.get(f"{api}/tag/list", timeout=10).status_code == 401
    bad_feed = requests.post(f"{api}/subscription/quickadd", headers=headers, timeout=10,
                             data={"quickadd": "http://10.0.0.1/feed.xml", "T": edit})
    assert bad_feed.status_code == 400 and bad_feed.json()["numResults"] == 0


def test_fever_client_reads_and_marks(portal: Portal) -> None:
    password = portal.add_reader("fern")
    with pytest.raises(FeverAuthError):
        FreshRSSAPI(host=portal.base, username="fern", password="wrong-password")
    client, auth, edit = _greader(portal, "fern")  # Fever cannot subscribe: the app does
    client.quick_add_subscription(auth, edit, portal.demo_feed("demo-daily.atom"))
    fever = FreshRSSAPI(host=portal.base, username="fern", password=password)
    feeds = fever.get_feeds()
    assert [f["title"] for f in feeds["feeds"]] == ["示范日报 Demo Daily"]
    groups = fever.get_groups()
    assert groups["feeds_groups"][0]["feed_ids"] == str(feeds["feeds"][0]["id"])
    unread = fever.get_unreads()
    assert unread and all(not item.is_read for item in unread)
    fever.set_mark(as_="read", id=unread[0].id)
    fever.set_mark(as_="saved", id=unread[-1].id)
    assert [i.id for i in fever.get_unreads()] == [i.id for i in unread[1:]]
    assert [i.id for i in fever.get_saved()] == [unread[-1].id]
    assert unread[-1].title.replace("'", "&#x27;") in _web_titles(portal, "fern", "saved")
    starred = client.get_stream_items_ids(auth, STARRED)
    assert [int(ref.id) for ref in starred.item_refs] == [unread[-1].id]
    fever.set_mark(as_="unsaved", id=unread[-1].id)
    assert fever.get_saved() == []
    links = requests.post(f"{portal.base}/api/fever.php?api&links", timeout=10,
                          data={"api_key": hashlib.md5(f"fern:{password}".encode())
                                .hexdigest()}).json()
    assert links["auth"] == 1 and links["links"] == []


def test_miniflux_client_and_newsboat(portal: Portal, tmp_path: Path) -> None:
    password = portal.add_reader("mina")
    with pytest.raises(miniflux.AccessUnauthorized):
        miniflux.Client(portal.base, username="mina", password="mina-web-pass-1").me()
    client = miniflux.Client(portal.base, username="mina", password=password)
    assert client.me()["username"] == "mina"
    feed_id = client.create_feed(portal.demo_feed("harbour-express.big5.xml"))
    assert [f["id"] for f in client.get_feeds()] == [feed_id]
    category = client.get_categories()[0]
    assert client.get_category_feeds(category["id"])[0]["id"] == feed_id
    entries = client.get_feed_entries(feed_id, order="published_at", direction="desc")
    assert entries["total"] == len(entries["entries"]) > 1
    newest = entries["entries"][0]
    assert newest["status"] == "unread" and newest["content"]
    with pytest.raises(miniflux.BadRequest):  # the source's URL is shared by all readers
        client.update_feed(feed_id, feed_url="http://127.0.0.1:1/elsewhere.xml")
    assert client.update_feed(feed_id, title="My Harbour")["title"] == "My Harbour"
    assert client.get_feed(feed_id)["title"] == "My Harbour"
    assert "My Harbour" not in requests.get(f"{portal.base}/sources/", timeout=10).text

    newsboat = shutil.which("newsboat")
    if newsboat:
        unread_before = _newsboat_unread(newsboat, portal, password, tmp_path)
        assert unread_before == entries["total"]
    client.update_entries([newest["id"]], status="read")
    client.toggle_bookmark(newest["id"])
    assert client.get_entries(status="unread")["total"] == entries["total"] - 1
    assert [e["id"] for e in client.get_entries(starred=True)["entries"]] == [newest["id"]]
    if newsboat:
        assert _newsboat_unread(newsboat, portal, password, tmp_path) == entries["total"] - 1
    assert newest["title"] in _web_titles(portal, "mina", "saved")
    fever = FreshRSSAPI(host=portal.base, username="mina", password=password)
    assert [item.id for item in fever.get_saved()] == [newest["id"]]
    assert newest["id"] not in {item.id for item in fever.get_unreads()}
    client.delete_feed(feed_id)
    assert client.get_feeds() == []


def _newsboat_unread(newsboat: str, portal: Portal, password: str, folder: Path) -> int:
    config = folder / "config"
    config.write_text(f'urls-source "miniflux"\nminiflux-url "{portal.base}"\n'
                      f'miniflux-login "mina"\nminiflux-password "{password}"\n')
    (folder / "urls").touch()
    done = subprocess.run([newsboat, "-C", str(config), "-u", str(folder / "urls"),
                           "-c", str(folder / "cache.db"), "-x", "reload", "print-unread"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return int(done.stdout.split()[0])


def test_readers_never_see_or_change_each_others_state(portal: Portal) -> None:
    alice, a_auth, a_edit = _greader(portal, "ana")
    bob, b_auth, b_edit = _greader(portal, "ben")
    alice.quick_add_subscription(a_auth, a_edit, portal.demo_feed("harbour-tech.json"))
    ids = [ref.id for ref in alice.get_stream_items_ids(a_auth, READING_LIST).item_refs]
    alice.edit_tags(a_auth, a_edit, ids[:1], add_tags=[STARRED, READ])
    assert bob.list_subscriptions(b_auth) == []
    assert bob.get_stream_items_ids(b_auth, STARRED).item_refs == []
    # Bob acting on the same article, with his own edit token, changes only his state
    bob.edit_tags(b_auth, b_edit, ids[:1], add_tags=[STARRED])
    bob.edit_tags(b_auth, b_edit, ids[:1], remove_tags=[STARRED])
    assert [r.id for r in alice.get_stream_items_ids(a_auth, STARRED).item_refs] == ids[:1]
    # Bob's edit token is no good with Alice's session, nor her Auth with a wrong one
    stolen = requests.post(f"{portal.base}/api/greader/reader/api/0/edit-tag", timeout=10,
                           headers={"Authorization": f"GoogleLogin auth={a_auth.AccessToken}"},
                           data={"i": ids[0], "r": STARRED, "T": b_edit})
    assert stolen.status_code == 401
    assert [r.id for r in alice.get_stream_items_ids(a_auth, STARRED).item_refs] == ids[:1]
    forged = google_reader.AuthToken("GoogleLogin", "ana/" + "0" * 40)
    with pytest.raises(google_reader.AuthenticationError):
        alice.list_subscriptions(forged)
    mf_bob = miniflux.Client(portal.base, api_key=portal.passwords["ben"])
    with pytest.raises(miniflux.ResourceNotFound):
        mf_bob.get_feed(int(alice.list_subscriptions(a_auth)[0].id.split("/")[1]))


def test_a_new_api_password_ends_old_sessions(portal: Portal) -> None:
    client, auth, _ = _greader(portal, "otto")
    assert client.get_user_info(auth).user_name == "otto"
    fresh = portal.newsloom("users", "api-password", "otto").stdout.strip().splitlines()[-1]
    with pytest.raises(google_reader.AuthenticationError):
        client.get_user_info(auth)
    assert client.get_user_info(client.login("otto", fresh)).user_name == "otto"
    revoked = portal.newsloom("users", "api-password", "otto", "--revoke")
    assert revoked.returncode == 0
    with pytest.raises(google_reader.AuthenticationError):
        client.login("otto", fresh)


def test_failed_logins_are_throttled_per_account_and_address(portal: Portal) -> None:
    password = portal.add_reader("tess")
    login = f"{portal.base}/api/greader/accounts/ClientLogin"
    for _ in range(5):
        wrong = requests.post(login, data={"Email": "tess", "Passwd": "guess"}, timeout=10)
        assert wrong.status_code == 401
    # the right password is refused now, from this address and for this account
    right = requests.post(login, data={"Email": "tess", "Passwd": password}, timeout=10)
    assert right.status_code == 429
    fever_key = hashlib.md5(f"tess:{password}".encode()).hexdigest()
    fever = requests.post(f"{portal.base}/api/fever.php?api", data={"api_key": fever_key},
                          timeout=10)
    assert fever.status_code == 429 and fever.json()["auth"] == 0
    mf = requests.get(f"{portal.base}/v1/me", auth=("tess", password), timeout=10)
    assert mf.status_code == 429
    portal.forget_failed_logins()
    assert requests.get(f"{portal.base}/v1/me", auth=("tess", password), timeout=10).ok

"""The portal in a real browser (Playwright driving Debian's Chromium) against a real
`newsloom demo` server: reading, related articles, sign-up and comments, search in English
and Chinese, language switch, PWA installability, offline reading of a saved article.
Screenshots (desktop and phone) go to test-artifacts/screenshots/."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serve_process import demo_ready

CHROMIUM = os.environ.get("NEWSLOOM_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def portal() -> Iterator[str]:
    port, fixtures = _free_port(), _free_port()
    env = dict(os.environ, NEWSLOOM_DATA_DIR=tempfile.mkdtemp(prefix="newsloom-browser-"))
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "newsloom.cli", "demo", "--port", str(port),
         "--fixtures-port", str(fixtures)], env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    if not demo_ready(base, 120):
        process.kill()
        pytest.fail("the demo portal did not come up")
    yield base
    os.killpg(process.pid, 15)
    process.wait(20)


ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def playwright() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="module")
def browser(playwright) -> Iterator[object]:  # type: ignore[no-untyped-def]
    instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield instance
    instance.close()


def _sign_up(page, portal: str, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(portal + "/accounts/signup/")
    page.fill("#id_username", name)
    page.fill("#id_password1", "Very-secret-42x")
    page.fill("#id_password2", "Very-secret-42x")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(portal + "/")


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width,height,label", [(1280, 900, "desktop"), (360, 740, "phone")])
def test_read_home_article_and_related(portal: str, browser, width: int, height: int,  # type: ignore[no-untyped-def]
                                       label: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(portal + "/")
    assert page.locator("h1", has_text="Top stories").is_visible()
    _shot(page, f"home-{label}")
    page.get_by_role("link", name=re.compile("Hong Kong urged to act fast")).first.click()
    page.wait_for_url(re.compile(r"/a/\d+/"))
    assert "Hong Kong urged" in page.locator("article h1").inner_text()
    assert "South China Morning Post" in page.locator("article .meta").inner_text()
    body = page.locator("article .body").inner_text()
    assert "Advertisement" not in body and "Download" not in body
    related = page.locator("#related .card")
    assert related.count() >= 2
    first = related.first.inner_text()
    assert re.search(r"(minutes?|hours?) ago", first)
    assert page.locator("#ai-features li").count() >= 3
    assert page.locator("#comments", has_text="No comments yet").is_visible()
    _shot(page, f"article-{label}")
    context.close()


def test_ask_this_article(portal: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(portal + "/search?q=Zhejiang")
    page.get_by_role("link", name=re.compile("Hong Kong urged")).first.click()
    page.fill("#q", "How big was the digital economy in 2023?")
    page.get_by_role("button", name="Ask").click()
    page.wait_for_selector("#answer mark")
    assert "986.7 billion yuan" in page.locator("#answer").inner_text()
    page.close()


def test_ai_box_highlights_the_answering_sentence_or_says_it_does_not_say(  # type: ignore[no-untyped-def]
        portal: str, browser) -> None:
    """Issue 12: the question the seed answered with the "start-ups" sentence now gets the
    2003 "digital Zhejiang" sentence, highlighted; a question the article does not answer
    gets no highlighted sentence at all."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(portal + "/search?q=Zhejiang")
    page.get_by_role("link", name=re.compile("Hong Kong urged")).first.click()
    page.fill("#q", "When did digital Zhejiang start?")
    page.get_by_role("button", name="Ask").click()
    page.wait_for_selector("#answer mark")
    marked = page.locator("#answer mark")
    assert marked.count() == 1
    assert "as early as 2003" in marked.inner_text()
    assert "start-ups" not in marked.inner_text()
    background = marked.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    page.locator("#ai-features").scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#ai-features").screenshot(path=str(SHOTS / "ai-box-answer.png"))
    page.fill("#q", "How many people live in Hangzhou?")
    page.get_by_role("button", name="Ask").click()
    page.wait_for_selector("#answer .answer-none")
    assert page.locator("#answer mark").count() == 0
    page.close()


def test_sign_up_comment_and_see_it(portal: str, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    _sign_up(page, portal, "browser_reader")
    assert page.get_by_role("button", name="Sign out").is_visible()
    page.get_by_role("link", name=re.compile("US envoy Witkoff")).first.click()
    page.fill("#comment-body", "Useful **context** on the summit <script>alert(1)</script>")
    page.get_by_role("button", name="Post comment").click()
    comment = page.locator("#comments .comment").first
    comment.wait_for()
    assert "Useful context on the summit" in comment.inner_text()
    assert comment.locator("strong", has_text="context").count() == 1
    assert comment.locator("script").count() == 0
    _shot(page, "comment-desktop")
    context.close()


def test_search_in_english_and_chinese(portal: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(portal + "/")
    page.fill("#site-q", "Putin")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Putin"))
    assert "Witkoff" in page.locator(".cards").inner_text()
    assert page.locator(".snippet mark", has_text="Putin").count() >= 1
    page.goto(portal + "/search?q=浙江")
    results = page.locator(".cards .card")
    assert results.count() >= 2
    assert page.locator(".snippet mark", has_text="浙江").count() >= 1
    _shot(page, "search-chinese")
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    _shot(page, "search-phone")
    page.close()


def test_switch_language(portal: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(portal + "/")
    with page.expect_navigation():
        page.select_option("#lang-switch", "zh-hant")
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    assert page.locator("h1", has_text="頭條").is_visible()
    assert re.search(r"(分鐘|小時)前", page.locator(".cards").first.inner_text())
    _shot(page, "home-zh-hant")
    with page.expect_navigation():
        page.select_option("#lang-switch", "en")
    page.close()


def test_relative_times_stay_current_on_an_open_page(portal: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.clock.install()
    page.goto(portal + "/language?language=zh-hant&next=/")
    newest = page.locator("main time").first
    assert re.search(r"(分鐘|小時)前", newest.inner_text())
    rendered = newest.inner_text()
    page.clock.fast_forward("05:00:00")  # the app stays open for five hours
    hours = re.search(r"(\d+) 小時前", newest.inner_text())
    assert hours and int(hours.group(1)) >= 5, (rendered, newest.inner_text())
    page.close()


def test_pwa_is_installable_and_saved_article_reads_offline(portal: str, playwright,  # type: ignore[no-untyped-def]
                                                            tmp_path: Path) -> None:
    # a persistent profile: Chromium never offers installation in incognito contexts
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=ARGS)
    page = context.new_page()
    _sign_up(page, portal, "offline_reader")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    cdp = context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors
    page.get_by_role("link", name=re.compile("ethnic affairs")).first.click()
    page.get_by_role("button", name="Save for later").click()
    page.wait_for_selector("button:has-text('Saved')")
    article_url = page.url
    page.reload()  # served through the service worker, which keeps a copy
    page.goto(portal + "/saved/")
    assert "ethnic affairs" in page.locator(".cards").inner_text()
    context.set_offline(True)
    page.goto(article_url)
    assert "ethnic affairs" in page.locator("article h1").inner_text()
    assert "Qizhala" in page.locator("article .body").inner_text()
    page.goto(portal + "/never-visited/")
    assert "You are offline" in page.locator("main").inner_text()
    context.set_offline(False)
    context.close()


AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
AUDITED = ["/", "/search?q=Hong+Kong", "/search?q=浙江", "/sources/", "/offline/",
           "/saved/", "/for-you/", "/history/", "/accounts/password/change/"]


def _audit(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's WCAG 2.1 A/AA rules plus its best practices on the page as it stands;
    one line per violation, naming the rule and the first offending elements. Contrast
    must have been measured, not skipped (axe files text it cannot judge as incomplete)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag', values:
        ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    found = [f"{v['id']} ({v['impact']}): {v['help']} — "
             + "; ".join(n["target"][0] for n in v["nodes"][:3])
             for v in result["violations"]]
    if "color-contrast" not in {rule["id"] for rule in result["passes"]}:
        found.append("color-contrast was not measured")
    found += [f"unjudged contrast: {n['target'][0]}" for rule in result["incomplete"]
              if rule["id"] == "color-contrast" for n in rule["nodes"]]
    return found


@pytest.fixture(scope="module")
def reader_session(portal: str, browser) -> dict:  # type: ignore[no-untyped-def]
    """One signed-in reader's cookies for several tests (sign-ups are rate-limited per
    address, and each test signing up would soon meet the limit)."""
    context = browser.new_context()
    page = context.new_page()
    _sign_up(page, portal, "auditor")
    state = context.storage_state()
    context.close()
    return state


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed (npm ci)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width,height,label", [(1280, 900, "desktop"), (360, 740, "phone")])
def test_pages_pass_accessibility_audit(portal: str, browser, reader_session: dict,  # type: ignore[no-untyped-def]
                                        scheme: str, width: int, height: int,
                                        label: str) -> None:
    # the audit injects axe-core as an inline script, which the site's policy rightly refuses
    context = browser.new_context(viewport={"width": width, "height": height},
                                  color_scheme=scheme, storage_state=reader_session,
                                  bypass_csp=True)
    page = context.new_page()
    page.goto(portal + "/")
    assert page.get_by_role("button", name="Sign out").count() == 1  # pages as signed in
    article = page.locator("a.headline").first.get_attribute("href")
    story = page.locator("a[href^='/s/']").first.get_attribute("href")
    listings = [page.locator(f"a[href^='/{kind}/']").first.get_attribute("href")
                for kind in ("edition", "lang", "topic", "source")]
    problems: dict[str, list[str]] = {}
    for path in [*AUDITED, article, story, *listings, "/language?language=zh-hant&next=/"]:
        page.goto(portal + path)
        found = _audit(page)
        if found:
            problems[path] = found
    context.close()
    assert problems == {}, problems


def test_keyboard_only_reader_can_skip_to_content_and_ask(portal: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(portal + "/search?q=Zhejiang")
    page.locator("a.headline").first.click()
    page.wait_for_url(re.compile(r"/a/\d+/"))
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to content" and skip.is_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#main$"), timeout=5000)  # the jump is not synchronous
    for _ in range(60):  # from the main content onwards, Tab reaches the question box
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        outline = focused.evaluate("e => getComputedStyle(e).outlineStyle")
        assert outline != "none", focused.evaluate("e => e.outerHTML.slice(0, 120)")
        if focused.get_attribute("id") == "q":
            break
    else:
        pytest.fail("Tab never reached the ask-this-article box")
    page.keyboard.type("How big was the digital economy in 2023?")
    page.keyboard.press("Enter")
    page.wait_for_selector("#answer mark")
    assert "986.7 billion yuan" in page.locator("#answer").inner_text()
    page.close()


def test_story_headlines_follow_the_interface_language(portal: str, browser) -> None:  # type: ignore[no-untyped-def]
    """The Witkoff story holds an English (SCMP) and a Simplified Chinese report: each
    interface headlines it in its own language and script, 繁體 by conversion."""
    page = browser.new_page()
    page.goto(portal + "/")
    english = page.locator("ol.stories li.card").filter(has_text="Witkoff")
    assert english.get_attribute("lang") == "en"
    story = english.locator("a[href^='/s/']").get_attribute("href")
    expected = {"zh-hant": ("zh-Hant", "美特使稱普京同意為烏克蘭提供類似北約的安全保障"),
                "zh-hans": ("zh-Hans", "美特使称普京同意为乌克兰提供类似北约的安全保障")}
    for code, (lang, title) in expected.items():
        page.goto(f"{portal}/language?language={code}&next=/")
        card = page.locator("ol.stories li.card").filter(
            has=page.locator(f"a[href='{story}']"))
        assert card.get_attribute("lang") == lang
        assert card.locator("a.headline").inner_text() == title
        _shot(page, f"stories-{code}")
        page.goto(portal + story)
        assert page.locator("h1").inner_text() == title
        assert page.locator("h1").get_attribute("lang") == lang
        assert "Coverage" not in page.locator("#main").inner_text()  # translated
        read = {"zh-hant": "閱讀全文", "zh-hans": "阅读全文"}[code]
        assert page.locator("#who-h + ul a").first.inner_text() == read
    page.close()


def test_pages_work_under_the_content_security_policy(portal: str, browser) -> None:  # type: ignore[no-untyped-def]
    """The policy allows no inline code: every page must still do its work with it (htmx
    answers, the language menu, the service worker) and the browser must block nothing."""
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('Content Security Policy: ' + e.violatedDirective "
                         "+ ' ' + e.blockedURI))")
    response = page.goto(portal + "/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.get_by_role("link", name=re.compile("Hong Kong urged")).first.click()
    page.wait_for_url(re.compile(r"/a/\d+/"))
    page.fill("#q", "How big was the digital economy in 2023?")
    page.get_by_role("button", name="Ask").click()
    page.wait_for_selector("#answer mark")  # swapped in by htmx, no full page load
    assert "/ask" not in page.url
    assert page.evaluate("navigator.serviceWorker.ready.then(r => !!r.active)")
    _shot(page, "article-under-csp")
    with page.expect_navigation():
        page.select_option("#lang-switch", "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    for path in ("/search?q=Putin", "/sources/", "/accounts/signup/", "/accounts/login/",
                 "/admin/login/", "/offline/"):
        page.goto(portal + path)
    _shot(page, "offline-under-csp")
    assert violations == []
    context.close()

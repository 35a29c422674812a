"""Browser tests: Playwright driving Debian's Chromium against live_server.

Chromium comes from Debian (`apt-get install chromium`), never from
`playwright install`. Without it these tests are skipped with the reason in
the summary, unless REQUIRE_BROWSER=1 (CI), where a missing browser fails.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls
# from the test body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if HAVE_CHROMIUM:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but Chromium is missing at {CHROMIUM}")
    skip = pytest.mark.skip(
        reason=f"browser test skipped: Chromium not found at {CHROMIUM} (apt-get install chromium)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_itemcollected(item):
    if Path(item.fspath).is_relative_to(Path(__file__).parent):
        item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp only so that axe-core can be injected; the portal's own CSP
    # is checked by tests/frontend.
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def assert_accessible(page):
    """Run axe-core (WCAG 2.1 A/AA rules) on the current page; fail on any violation."""

    def check():
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values:"
            " ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        problems = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]})"
            for v in result["violations"]
        ]
        assert not problems, "\n".join(problems)

    return check


@pytest.fixture
def personas(transactional_db):
    """Committed personas: the live server answers from its own thread and connection."""
    from tests.personas import make_personas

    return make_personas()

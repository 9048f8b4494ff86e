"""Real Chromium through Playwright, against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Flags that keep a headless Chromium from reaching for the network on a closed machine.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    # Browser tests take seconds each: the quick loop leaves them out with -m "not slow".
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("FORUM_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; install it or set CHROMIUM_PATH.")
        pytest.skip(f"Chromium not found at {CHROMIUM} (set CHROMIUM_PATH to run browser tests)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts():
    """Where browser tests leave what a person may want to look at (screenshots, axe reports):
    $FORUM_ARTIFACTS, or test-artifacts/ at the top of the checkout (ignored by git)."""
    default = Path(__file__).resolve().parents[2] / "test-artifacts"
    root = Path(os.environ.get("FORUM_ARTIFACTS") or default)
    root.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh context of its own: ``new_page(width=390, color_scheme="dark")``.
    Every context opened is closed after the test."""
    contexts = []

    def open_page(width=1280, height=800, **options):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()

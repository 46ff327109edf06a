"""Real Chromium, driven by Playwright, against Django's live server."""

import os

import pytest

from scripts.chromium import CHROMIUM, launch
from tests.factories import make_user, sign_in

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# calls from the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "tests/browser/" in item.nodeid]
    if CHROMIUM or not browser_items:
        return
    reason = (
        "Chromium not found: install Debian's `chromium` package or set CHROMIUM_PATH "
        "to run the browser journeys."
    )
    if os.environ.get("FACTCHECK_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"{reason} FACTCHECK_REQUIRE_BROWSER is set, so this is an error.")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


class PageProblems(list):
    """Console errors and failed requests seen by a page: a journey must end with none."""


@pytest.fixture
def new_page(browser, live_server):
    """
    Open pages in fresh contexts (one per person), each watched for console
    errors; `signed_in_as` a username starts the page with that user's session.
    """
    contexts = []
    problems = PageProblems()

    def open_page(width=1280, height=900, javascript=True, signed_in_as=None):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
        )
        contexts.append(context)
        if signed_in_as:
            sign_in(context, signed_in_as, live_server.url)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on(
            "console",
            lambda message: problems.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: problems.append(str(error)))
        return page

    open_page.problems = problems
    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def desk(transactional_db, seed):
    """
    The seed story plus a desk of three, each logging in with password_for(name):
    the seed's editor, who may also review (so the four-eyes rule has someone
    to refuse), the seed's reviewer, and a publisher.
    """
    return {
        username: make_user(username, *roles)
        for username, roles in [
            ("editor", ["Editors", "Reviewers"]),
            ("reviewer", ["Reviewers"]),
            ("publisher", ["Publishers"]),
        ]
    }

"""Real Chromium, driven by Playwright, against Django's live server."""

import os
import shutil

import pytest
from django.contrib.auth.models import Group

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine has no network beyond localhost; without these Chromium
    # keeps trying to reach its update and sync services.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

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
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems(list):
    """Console errors and failed requests seen by a page: a journey must end with none."""


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh contexts (one per person), each watched for console errors."""
    contexts = []
    problems = PageProblems()

    def open_page(width=1280, height=900, javascript=True):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
        )
        contexts.append(context)
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
def desk(transactional_db, django_user_model):
    """The seed story plus a desk of three: Alice (editor and reviewer), Bob
    (reviewer) and Charlie (publisher), all with the password 'correct horse'."""
    from django.core.management import call_command

    from tests.conftest import ensure_roles

    ensure_roles()
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    people = {}
    for username, roles in [
        ("alice", ["Editors", "Reviewers"]),
        ("bob", ["Reviewers"]),
        ("charlie", ["Publishers"]),
    ]:
        user = django_user_model.objects.create_user(
            username=username,
            password="correct horse",
            is_staff=True,
            first_name=username.title(),
        )
        user.groups.set(Group.objects.filter(name__in=roles))
        people[username] = user
    return people


def log_in(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")

"""htmx loads when the reader reaches for the form, and nothing typed before then is lost."""

import time

import pytest
from playwright.sync_api import expect

from claims.models import Claim

pytestmark = pytest.mark.browser


def test_the_list_loads_without_htmx_until_the_reader_reaches_for_the_form(desk, new_page):
    page = new_page()
    scripts = []
    page.on("request", lambda request: scripts.append(request.url) if ".js" in request.url else 0)
    page.goto("/")
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.htmx") == "undefined"
    assert not [url for url in scripts if "htmx-2" in url]

    page.get_by_label("Search", exact=True).focus()
    # Polled from here: wait_for_function would evaluate its test inside the
    # page, which the Content Security Policy (rightly) refuses.
    deadline = time.monotonic() + 10
    while page.evaluate("typeof window.htmx") != "object":
        assert time.monotonic() < deadline, "htmx did not load"
        page.wait_for_timeout(100)
    assert [url for url in scripts if "htmx-2" in url]
    assert new_page.problems == []
    assert Claim.objects.published().count() == 4


def test_a_search_made_while_htmx_loads_is_handed_to_it(desk, new_page):
    page = new_page()

    def slowly(route):
        time.sleep(1)
        route.continue_()

    page.route("**/htmx-2.min.js", slowly)
    page.goto("/")
    page.evaluate("window.notReloaded = true")
    box = page.get_by_label("Search", exact=True)
    box.fill("Kursk")
    box.press("Enter")
    page.wait_for_url("**/?q=Kursk*")
    expect(page.locator(".card")).to_have_count(1)
    expect(page).to_have_title("Verdicts: “Kursk” · Factcheck Desk")
    assert page.evaluate("window.notReloaded") is True
    assert new_page.problems == []


def test_without_htmx_the_form_still_searches(desk, new_page):
    page = new_page()
    page.route("**/htmx-2.min.js", lambda route: route.abort())
    page.goto("/")
    box = page.get_by_label("Search", exact=True)
    box.fill("sympathisers")
    box.press("Enter")
    page.wait_for_url("**/?q=sympathisers*")
    expect(page.locator(".card")).to_have_count(1)
    expect(box).to_have_value("sympathisers")
    assert Claim.objects.published().count() == 4

"""A reader on a phone, in a real Chromium: htmx filters in place, and nothing needs it."""

import pytest
from playwright.sync_api import expect

from tests.seed import CLAIM, FIGURE

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}


def test_filters_swap_the_results_in_place_and_push_a_linkable_url(desk, new_page):
    page = new_page(**PHONE)
    page.goto("/")
    expect(page.locator(".card")).to_have_count(4)
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Verdict", exact=True).select_option("corroborated")
    page.wait_for_url("**/?*verdict=corroborated*")
    expect(page.locator(".card")).to_have_count(1)
    expect(page.locator(".card")).to_contain_text("Kursk region")
    page.go_back()
    page.wait_for_url(lambda url: "verdict" not in url)
    expect(page.locator(".card")).to_have_count(4)

    page.get_by_label("Search", exact=True).fill("sympathisers")
    page.get_by_label("Search", exact=True).press("Enter")
    page.wait_for_url("**/?q=sympathisers*")
    expect(page.locator(".card")).to_have_count(1)
    assert page.evaluate("window.notReloaded") is True

    # The pushed address is a page of its own.
    linked = new_page(**PHONE)
    linked.goto(page.url)
    expect(linked.locator(".card")).to_have_count(1)
    expect(linked.locator(".card")).to_contain_text("sympathisers")
    expect(linked.get_by_label("Search", exact=True)).to_have_value("sympathisers")
    assert new_page.problems == []


def test_the_list_works_without_javascript(desk, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Verdict", exact=True).select_option("unverified")
    page.get_by_role("button", name="Show verdicts").click()
    page.wait_for_url("**/?*verdict=unverified*")
    expect(page.locator(".card")).to_have_count(2)
    page.get_by_role("link", name="About 4,700 North Korean soldiers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("About 4,700")
    context.close()


def test_a_verdict_page_fits_a_phone_with_what_we_dont_know_on_the_first_screen(desk, new_page):
    page = new_page(**PHONE)
    page.goto(f"/claims/{CLAIM.casualties}/")
    expect(page.locator(".badge").first).to_have_text("Unverified")
    heading = page.get_by_role("heading", name="What we don't know")
    assert heading.bounding_box()["y"] + heading.bounding_box()["height"] < PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    assert new_page.problems == []


def test_the_figure_table_scrolls_in_its_own_box_on_a_phone_and_says_so(desk, new_page):
    page = new_page(width=390, height=844)
    response = page.goto(f"/figures/{FIGURE.casualties}/")
    assert response.status == 200
    # The page itself never scrolls sideways: only the table's box does.
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    box = page.get_by_role("region", name="Estimates of")
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")
    expect(page.get_by_text("scroll it sideways to see every column")).to_be_visible()
    # A keyboard reaches the box and scrolls it with the arrow keys.
    box.focus()
    page.keyboard.press("ArrowRight")
    for _ in range(50):
        if box.evaluate("box => box.scrollLeft") > 0:
            break
        page.wait_for_timeout(100)
    assert box.evaluate("box => box.scrollLeft") > 0
    assert new_page.problems == []


def test_the_figure_table_needs_no_hint_where_it_fits(desk, new_page):
    page = new_page(width=1280, height=900)
    page.goto(f"/figures/{FIGURE.casualties}/")
    box = page.get_by_role("region", name="Estimates of")
    assert box.evaluate("box => box.scrollWidth <= box.clientWidth")
    expect(page.get_by_text("scroll it sideways to see every column")).to_be_hidden()

"""Back and Forward through htmx searches restore the search box, the results and the title."""

import pytest
from playwright.sync_api import expect

from claims.models import Claim

pytestmark = pytest.mark.browser

# Every Content Security Policy violation the page reports, kept for the test.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


# What browser extensions do to form fields: an inline style, through the
# CSSOM, which the policy allows and htmx must not write back as HTML.
STYLE_LIKE_AN_EXTENSION = "document.getElementById('id_q').style.outlineColor = 'purple'"


def search(page, text):
    page.evaluate(STYLE_LIKE_AN_EXTENSION)
    box = page.get_by_label("Search", exact=True)
    box.fill(text)
    box.press("Enter")


def expect_search(page, text, cards, title):
    expect(page.get_by_label("Search", exact=True)).to_have_value(text)
    expect(page.locator(".card")).to_have_count(cards)
    expect(page).to_have_title(title)
    clear = page.get_by_role("link", name="Clear", exact=True)
    if text:
        expect(clear).to_be_visible()
    else:
        expect(clear).to_have_count(0)


def test_back_and_forward_restore_the_search_with_its_results(desk, new_page):
    page = new_page()
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto("/")
    expect_search(page, "", 4, "Latest verdicts · Factcheck Desk")
    page.evaluate("window.notReloaded = true")

    search(page, "Kursk")
    page.wait_for_url("**/?q=Kursk*")
    expect_search(page, "Kursk", 1, "Verdicts: “Kursk” · Factcheck Desk")
    search(page, "4700")
    page.wait_for_url("**/?q=4700*")
    expect_search(page, "4700", 2, "Verdicts: “4700” · Factcheck Desk")

    page.evaluate(STYLE_LIKE_AN_EXTENSION)
    page.go_back()
    page.wait_for_url("**/?q=Kursk*")
    expect_search(page, "Kursk", 1, "Verdicts: “Kursk” · Factcheck Desk")
    expect(page.locator(".card")).to_contain_text("Kursk region")
    page.go_back()
    page.wait_for_url(lambda url: "q=" not in url)
    expect_search(page, "", 4, "Latest verdicts · Factcheck Desk")
    page.go_forward()
    page.wait_for_url("**/?q=Kursk*")
    expect_search(page, "Kursk", 1, "Verdicts: “Kursk” · Factcheck Desk")
    # All of it in place, by htmx, without reloading the page.
    assert page.evaluate("window.notReloaded") is True

    # A page htmx no longer keeps comes back from the server, just as right.
    page.evaluate("sessionStorage.removeItem('htmx-history-cache')")
    page.go_forward()
    page.wait_for_url("**/?q=4700*")
    expect_search(page, "4700", 2, "Verdicts: “4700” · Factcheck Desk")

    page.get_by_role("link", name="Clear", exact=True).click()
    page.wait_for_url(lambda url: "q=" not in url)
    expect_search(page, "", 4, "Latest verdicts · Factcheck Desk")

    assert page.evaluate("window.cspViolations") == []
    assert new_page.problems == []
    # Reading changes nothing.
    assert Claim.objects.published().count() == 4


# A reader who presses Enter again as soon as the results arrive: the next
# search is sent in the same moment as the swap that showed them.
SEARCH_AGAIN_AT_ONCE = """text => document.body.addEventListener("htmx:afterSwap", () => {
    setTimeout(() => {
        const box = document.getElementById("id_q");
        box.value = text;
        box.form.requestSubmit();
    }, 0);
}, {once: true})"""


def test_a_search_sent_the_moment_results_arrive_is_made_in_place_too(desk, new_page):
    """
    htmx takes over the form its swap brings only once the swap has settled:
    a search sent before then went to the server as a whole page, and Back
    returned to the page as the browser kept it, with the later search still
    typed in the box.
    """
    page = new_page()
    page.goto("/")
    page.evaluate("window.notReloaded = true")
    search(page, "Kursk")
    page.wait_for_url("**/?q=Kursk*")
    page.evaluate(SEARCH_AGAIN_AT_ONCE, "4700")
    search(page, "troops")
    page.wait_for_url("**/?q=4700*")
    expect_search(page, "4700", 2, "Verdicts: “4700” · Factcheck Desk")
    assert page.evaluate("window.notReloaded") is True
    page.go_back()
    page.wait_for_url("**/?q=troops*")
    expect(page.get_by_label("Search", exact=True)).to_have_value("troops")
    assert Claim.objects.published().count() == 4

"""
Nothing typed on a claim's change page is lost to a workflow button: the step
saves what was typed with it, or, refused, leaves it in the form. With and
without JavaScript, since the buttons are the form's own submit buttons.
"""

import pytest
from playwright.sync_api import expect

from claims.choices import ClaimStatus
from claims.models import Claim
from tests.factories import sign_in
from tests.seed import CLAIM

pytestmark = pytest.mark.browser

SUMMARY = "Only the NIS says so, and no other government or agency has confirmed it."


def injured():
    return Claim.objects.get(slug=CLAIM.injured_repatriated)


def change_path(claim):
    return f"/admin/claims/claim/{claim.pk}/change/"


@pytest.fixture(params=["with JavaScript", "without JavaScript"])
def reviewer_page(request, browser, live_server, desk):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        java_script_enabled=request.param == "with JavaScript",
    )
    sign_in(context, "reviewer", live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_summary_typed_before_a_verdict_is_saved_with_it(reviewer_page):
    page = reviewer_page
    claim = injured()
    page.goto(change_path(claim))
    page.get_by_label("Summary for readers").fill(SUMMARY)
    page.get_by_label("Internal note for the audit trail").fill("Checked with the desk chief.")
    page.get_by_role("button", name="Rate as unverifiable", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("is now Unverifiable")
    expect(page.locator(".messagelist")).to_contain_text("Your edits were saved with it.")
    stored = injured()
    assert (stored.status, stored.verdict_summary) == (ClaimStatus.UNVERIFIABLE, SUMMARY)
    event = stored.events.last()
    assert (event.action, event.note) == ("mark_unverifiable", "Checked with the desk chief.")
    # The page now shows the verdict's summary, read-only, on the record.
    expect(page.locator(".field-verdict_summary")).to_contain_text(SUMMARY)


def test_a_step_from_a_stale_tab_is_refused_and_keeps_the_typing(reviewer_page):
    page = reviewer_page
    claim = injured()
    page.goto(change_path(claim))
    # Meanwhile, in a second tab, the same claim is saved.
    second_tab = page.context.new_page()
    second_tab.goto(change_path(claim))
    second_tab.get_by_label("Context").fill("Edited in the second tab.")
    second_tab.locator("input[name=_continue]").first.click()
    expect(second_tab.locator(".messagelist")).to_contain_text("was changed successfully")

    page.get_by_label("Summary for readers").fill(SUMMARY)
    page.get_by_label("Context").fill("Edited in the first tab.")
    page.get_by_role("button", name="Rate as unverifiable", exact=True).click()
    expect(page.locator(".errornote").first).to_be_visible()
    expect(page.locator("#claim_form")).to_contain_text("changed by someone else")
    expect(page.get_by_label("Summary for readers")).to_have_value(SUMMARY)
    expect(page.get_by_label("Context")).to_have_value("Edited in the first tab.")
    stored = injured()
    assert (stored.status, stored.verdict_summary, stored.context) == (
        ClaimStatus.IN_REVIEW,
        "",
        "Edited in the second tab.",
    )

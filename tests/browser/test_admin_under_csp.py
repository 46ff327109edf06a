"""The admin's own scripts run in Chromium under the strict CSP, with no violation."""

import pytest
from axes.models import AccessLog

from claims.models import Caveat, Claim
from tests.factories import log_in_page
from tests.seed import CLAIM

pytestmark = pytest.mark.browser

# Records every violation the browser reports, before any page script runs.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""
NEW_CAVEAT = "Added in the browser under the strict CSP."


def test_a_publisher_edits_a_claim_with_the_admins_scripts_and_no_violation(new_page, desk):
    claim = Claim.objects.get(slug=CLAIM.casualties)
    caveats_before = claim.caveats.count()
    page = new_page()
    page.add_init_script(COLLECT_VIOLATIONS)

    log_in_page(page, "publisher")
    assert page.evaluate("window.__cspViolations") == []

    page.goto(f"/admin/claims/claim/{claim.pk}/change/")
    # Each of these exists only once the admin's scripts have run.
    page.wait_for_selector(".select2-container")  # autocomplete on the claimant
    page.locator("#caveats-group .add-row a").click()  # inline formset controls
    new_row = int(page.input_value("#id_caveats-TOTAL_FORMS")) - 1
    page.fill(f"#id_caveats-{new_row}-text", NEW_CAVEAT)
    page.select_option(f"#id_caveats-{new_row}-kind", "other")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    assert page.evaluate("window.__cspViolations") == []
    assert new_page.problems == []
    assert claim.caveats.count() == caveats_before + 1
    assert Caveat.objects.filter(claim=claim, text=NEW_CAVEAT).exists()
    # The form login went through the throttled backend.
    assert AccessLog.objects.filter(username="publisher").count() == 1


def test_the_headline_counts_its_characters_and_the_server_refuses_one_too_long(new_page, desk):
    """The count is the page's own script, under the CSP; the refusal needs none."""
    headline = "Seoul says Pyongyang sent three thousand more soldiers to Kursk in a week of May"
    page = new_page()
    page.add_init_script(COLLECT_VIOLATIONS)
    log_in_page(page, "editor")
    page.goto("/admin/claims/claim/add/")
    page.fill("#id_headline", "Seoul says")
    assert page.text_content("#id_headline_count") == "10 / 75"
    # Typed or pasted whole: no maxlength cuts it.
    page.fill("#id_headline", headline)
    assert page.input_value("#id_headline") == headline
    assert page.text_content("#id_headline_count") == "80 / 75: 5 too many"
    page.fill("#id_wording", "North Korea has sent another 3,000 soldiers to Russia.")
    page.click("input[name=_save]")
    page.wait_for_selector(".error-summary")
    assert "Headline: This has 80 characters; at most 75 fit." in page.text_content(
        ".error-summary"
    )
    assert page.input_value("#id_headline") == headline
    assert page.text_content("#id_headline_count") == "80 / 75: 5 too many"
    assert page.evaluate("window.__cspViolations") == []
    assert new_page.problems == []
    assert not Claim.objects.filter(headline__startswith="Seoul says Pyongyang").exists()

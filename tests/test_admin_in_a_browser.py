"""The admin's own JavaScript works in a real Chromium under the strict CSP."""

import os
import shutil
from contextlib import contextmanager

import pytest
from axes.models import AccessLog
from django.core.management import call_command

from claims.models import Caveat, Claim

pytestmark = pytest.mark.browser

# Records every violation the browser reports, before any page script runs.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def chromium_page():
    """Opens a page in Chromium; the ORM must wait until it is closed (Playwright's
    event loop would make Django refuse synchronous queries)."""
    executable = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        executable = None
    if executable is None:
        if os.environ.get("FACTCHECK_REQUIRE_BROWSER"):
            pytest.fail("Chromium and Playwright are required (FACTCHECK_REQUIRE_BROWSER is set).")
        pytest.skip("Chromium or Playwright is not installed.")

    @contextmanager
    def open_page():
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable)
            try:
                page = browser.new_page()
                page.add_init_script(COLLECT_VIOLATIONS)
                yield page
            finally:
                browser.close()

    return open_page


# serialized_rollback: a transactional test that ran before this one flushed the
# roles that migration 0002 created; this restores them first.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_publisher_logs_in_and_edits_a_claim_with_no_csp_violation(
    live_server, chromium_page, charlie
):
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    claim = Claim.objects.get(slug="north-korean-casualties-4700")
    caveats_before = claim.caveats.count()
    with chromium_page() as page:
        login_violations, change_violations, script_errors = edit_claim_in_admin(
            page, live_server.url, claim.pk, new_row=caveats_before
        )

    assert login_violations == []
    assert change_violations == []
    assert script_errors == []
    assert claim.caveats.count() == caveats_before + 1
    assert Caveat.objects.filter(text="Added in the browser under the strict CSP.").exists()
    assert AccessLog.objects.filter(username="charlie").count() == 1


def edit_claim_in_admin(page, base_url, claim_pk, new_row):
    """Log in through the form, add a caveat with the inline's JS controls, save."""
    # Uncaught exceptions: a script that CSP broke halfway shows up here.
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))

    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", "charlie")
    page.fill("#id_password", "charlie-password-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    login_violations = page.evaluate("window.__cspViolations")

    page.goto(f"{base_url}/admin/claims/claim/{claim_pk}/change/")
    # Each of these exists only once the admin's scripts have run.
    page.wait_for_selector(".select2-container")  # autocomplete on the claimant
    add_caveat = page.locator("#caveats-group .add-row a")  # inline formset controls
    add_caveat.click()
    page.fill(f"#id_caveats-{new_row}-text", "Added in the browser under the strict CSP.")
    page.select_option(f"#id_caveats-{new_row}-kind", "other")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    change_violations = page.evaluate("window.__cspViolations")
    return login_violations, change_violations, script_errors

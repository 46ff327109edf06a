"""
A reader's tip becomes a published verdict, in a real Chromium: the reader
at phone width sees the matching verdicts first and sends the tip; an editor
makes a claim of it; a reviewer rates it; a publisher publishes it; the
reader's email arrives with the verdict's address.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from claims.models import Claim, Tip
from tests.factories import log_in_page, run_worker
from tests.seed import CLAIM

pytestmark = pytest.mark.browser

# The language the reader writes in: "" for English, "/ko" for Korean.
READER_LANGUAGE_PREFIX = ""
TIP = "Reports say 12,000 more North Korean soldiers were sent to Kursk in November"
HEADLINE = "12,000 more North Korean soldiers sent to Kursk in November"


def choose(page, field_id, text):
    """Pick `text` in one of the admin's autocomplete (select2) widgets."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def workflow_button(page, label):
    return page.locator(".workflow-steps").get_by_role("button", name=label, exact=True)


def test_a_readers_tip_becomes_a_verdict_and_the_reader_hears_of_it(
    desk, new_page, live_server, settings
):
    settings.SITE_URL = live_server.url
    # A person types for longer than the time trap's three seconds; the journey need not wait.
    settings.TIP_MIN_SECONDS = 0

    reader = new_page(width=390, height=844)
    reader.goto(f"{READER_LANGUAGE_PREFIX}/ask/")
    reader.locator("#id_claim").press_sequentially(TIP, delay=5)
    # As the reader types, the verdicts that match come first.
    expect(reader.locator("#matches .card").first).to_be_visible()
    expect(reader.locator("#matches")).to_contain_text("North Korea has sent troops")
    assert (
        reader.locator("#matches").bounding_box()["y"]
        < reader.locator("#id_claim").bounding_box()["y"]
    )
    reader.locator("#id_where_seen").fill("https://example.com/forum/post/77")
    reader.locator("#id_email").fill("reader@example.com")
    expect(reader.get_by_text("Giving your email address is optional")).to_be_visible()
    reader.get_by_role("button", name="Send my claim").click()
    # The matching verdict again, before anything is kept.
    expect(reader.locator(".notice")).to_contain_text("We found verdicts")
    assert Tip.objects.count() == 0
    reader.get_by_role("button", name="None answers it: send my claim").click()
    expect(reader.get_by_role("heading", level=1)).to_contain_text("Thank you")
    tip = Tip.objects.get()
    assert tip.where_seen == "https://example.com/forum/post/77"

    editor = new_page()
    log_in_page(editor, "editor")
    editor.get_by_role("link", name=re.compile("New tips from readers")).click()
    editor.get_by_role("link", name="New claim from this tip").click()
    expect(editor.locator("#id_wording")).to_have_value(TIP)
    expect(editor.locator("#id_appearance_url")).to_have_value("https://example.com/forum/post/77")
    editor.get_by_label("Headline").fill(HEADLINE)
    choose(editor, "id_claimant", "Unnamed commenter")
    editor.get_by_label("Verdict summary").fill("No one has confirmed a second deployment.")
    editor.locator("#id_caveats-0-kind").select_option("unverifiable")
    editor.locator("#id_caveats-0-text").fill("Only one anonymous post reports it.")
    editor.get_by_role("button", name="Save and continue editing").last.click()
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")
    claim = Claim.objects.get(headline=HEADLINE)
    tip.refresh_from_db()
    assert tip.claim == claim
    assert claim.appearance_url == "https://example.com/forum/post/77"
    workflow_button(editor, "Start reviewing").click()
    expect(editor.locator(".messagelist")).to_contain_text("is now In review")

    reviewer = new_page(signed_in_as="reviewer")
    reviewer.goto(f"/admin/claims/claim/{claim.pk}/change/")
    workflow_button(reviewer, "Rate as unverifiable").click()
    expect(reviewer.locator(".messagelist")).to_contain_text("is now Unverifiable")

    publisher = new_page(signed_in_as="publisher")
    publisher.goto(f"/admin/claims/claim/{claim.pk}/change/")
    workflow_button(publisher, "Publish").click()
    expect(publisher.locator(".messagelist")).to_contain_text("Published")
    claim.refresh_from_db()
    assert claim.is_published

    run_worker()
    [message] = [message for message in mail.outbox if message.to == ["reader@example.com"]]
    verdict_url = f"{live_server.url}/claims/{claim.slug}/"
    assert verdict_url in message.body
    reader.goto(verdict_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    assert CLAIM.kursk != claim.slug
    assert new_page.problems == []

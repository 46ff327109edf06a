"""A publisher revises a published verdict in Chromium, without JavaScript; an
editor previews a draft. Readers see the correction, never the internal note."""

import pytest
from playwright.sync_api import expect

from claims.models import Claim
from tests.seed import CLAIM

pytestmark = pytest.mark.browser

NEW_HEADLINE = "North Korean troops fought for Russia in Kursk"


def test_a_publisher_revises_a_published_verdict_without_javascript(desk, new_page):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    change_url = f"/admin/claims/claim/{claim.pk}/change/"

    editor = new_page(signed_in_as="editor")
    editor.goto(change_url)
    # On the record: the headline is shown, not offered for editing.
    expect(editor.locator("#id_headline")).to_have_count(0)
    expect(editor.locator(".field-headline .readonly")).to_have_text(claim.headline)
    # The editor does not publish: no way to revise, and why.
    expect(editor.get_by_role("link", name="Revise what readers see…")).to_have_count(0)
    expect(editor.locator(".workflow-revise")).to_contain_text(
        "Only publishers can revise what readers see of this claim."
    )
    editor.goto(f"/admin/claims/claim/{claim.pk}/revise/")
    expect(editor.locator(".errornote")).to_contain_text("Only publishers can revise")
    expect(editor.get_by_role("button", name="Revise")).to_have_count(0)
    assert Claim.objects.get(pk=claim.pk).headline == claim.headline

    publisher = new_page(javascript=False, signed_in_as="publisher")
    publisher.goto(change_url)
    publisher.get_by_role("link", name="Revise what readers see…").click()
    publisher.get_by_label("Headline").fill(NEW_HEADLINE)
    publisher.get_by_label("Internal note for the audit trail").fill("Spotted by Min-jun at lunch.")
    publisher.get_by_role("button", name="Revise").click()
    # Refused without a public note; what was typed is still there.
    expect(publisher.locator(".errornote")).to_contain_text("write a public note telling readers")
    expect(publisher.get_by_label("Headline")).to_have_value(NEW_HEADLINE)
    expect(publisher.get_by_label("Internal note for the audit trail")).to_have_value(
        "Spotted by Min-jun at lunch."
    )
    assert Claim.objects.get(pk=claim.pk).headline == claim.headline

    publisher.get_by_label("Public note for readers").fill("We made the headline clearer.")
    publisher.get_by_role("button", name="Revise").click()
    expect(publisher.locator(".messagelist")).to_contain_text(f"Revised: “{NEW_HEADLINE}”")
    expect(publisher.locator(".field-headline .readonly")).to_have_text(NEW_HEADLINE)
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.headline == NEW_HEADLINE
    assert stored.events.last().action == "revise"
    assert stored.corrections.get().note == "We made the headline clearer."

    reader = new_page()
    reader.goto(f"/claims/{CLAIM.kursk}/")
    expect(reader.get_by_role("heading", level=1)).to_have_text(NEW_HEADLINE)
    expect(reader.locator(".corrections")).to_contain_text(
        "Correction: We made the headline clearer."
    )
    expect(reader.locator(".timeline")).to_contain_text(
        "Revised by a publisher: We made the headline clearer."
    )
    expect(reader.locator("body")).not_to_contain_text("Spotted by Min-jun")
    assert new_page.problems == []


def test_an_editor_previews_a_draft_that_readers_cannot_see(desk, new_page):
    draft = Claim.objects.get(slug=CLAIM.cremated)
    editor = new_page(signed_in_as="editor")
    editor.goto(f"/admin/claims/claim/{draft.pk}/change/")
    editor.get_by_role("link", name="View on site").click()
    editor.wait_for_url(f"**/claims/{draft.slug}/preview/")
    expect(editor.locator(".preview-banner")).to_contain_text("Preview: not published.")
    expect(editor.get_by_role("heading", level=1)).to_have_text(draft.headline)

    reader = new_page()
    response = reader.goto(f"/claims/{draft.slug}/preview/")
    assert response.status == 404
    expect(reader.locator("body")).not_to_contain_text(draft.headline)
    assert not Claim.objects.get(pk=draft.pk).is_published
    # The reader's 404 is the only error the pages reported.
    assert [problem for problem in new_page.problems if "404" not in problem] == []

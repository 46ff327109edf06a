"""
An editor changes a published verdict in Chromium; readers keep what was
published until a publisher who did not make the change sees the draft's
changes and publishes them with a public note. An editor previews a draft.
Readers see the correction, never the internal note.
"""

import re

import pytest
from playwright.sync_api import expect

from claims.models import Claim, Source
from tests.seed import CLAIM, SOURCE

pytestmark = pytest.mark.browser

NEW_CONTEXT = "Russia's General Staff and North Korea's state media confirmed it in April 2025."
NEW_TITLE = "North Korea admits the deployment, as KCNA reported it"
PUBLIC_NOTE = "We added how the deployment was confirmed."


def test_an_editors_change_reaches_readers_once_a_publisher_publishes_it(desk, new_page):
    claim = Claim.objects.get(slug=CLAIM.kursk)
    shown = claim.current_revision()
    change_url = f"/admin/claims/claim/{claim.pk}/change/"
    public_url = f"/claims/{CLAIM.kursk}/"

    # 1. The editor changes the context and one evidence item, and saves.
    editor = new_page(signed_in_as="editor")
    editor.goto(change_url)
    editor.get_by_label("Context").fill(NEW_CONTEXT)
    old_title = editor.locator("#id_evidence-0-title").input_value()
    editor.locator("#id_evidence-0-title").fill(NEW_TITLE)
    editor.get_by_role("button", name="Save and continue editing").first.click()
    expect(editor.locator(".workflow-draft")).to_contain_text("Draft changes not yet public")
    expect(editor.locator(".workflow-draft")).to_contain_text(NEW_CONTEXT)
    # The editor cannot publish it: the button says why.
    expect(editor.locator("#why-publish_changes")).to_have_text(
        "Only a publisher can publish changes to a claim."
    )
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.context == NEW_CONTEXT
    assert stored.current_revision() == shown
    assert [user.username for user in stored.draft_authors.all()] == ["editor"]

    # 2. Readers still see the claim as it was published.
    reader = new_page()
    reader.goto(public_url)
    expect(reader.locator(".verdict-page")).not_to_contain_text(NEW_CONTEXT)
    expect(reader.locator(".verdict-page")).not_to_contain_text(NEW_TITLE)
    expect(reader.locator(".verdict-page")).to_contain_text(old_title)

    # 3. A publisher, without JavaScript, sees the diff and publishes it.
    publisher = new_page(javascript=False, signed_in_as="publisher")
    publisher.goto(change_url)
    draft = publisher.locator(".workflow-draft")
    expect(draft.locator("del")).to_contain_text([claim.context])
    expect(draft.locator("ins").first).to_contain_text(NEW_CONTEXT)
    expect(draft).to_contain_text(NEW_TITLE)
    publisher.get_by_label("Internal note for the audit trail").fill("Checked with Min-jun.")
    publisher.get_by_role("button", name="Publish changes").click()
    # Refused without a public note; what was typed is still there.
    expect(publisher.locator(".errornote").first).to_contain_text(
        "write a public note telling readers"
    )
    expect(publisher.get_by_label("Internal note for the audit trail")).to_have_value(
        "Checked with Min-jun."
    )
    assert Claim.objects.get(pk=claim.pk).current_revision() == shown
    publisher.get_by_label("Public note for readers").fill(PUBLIC_NOTE)
    publisher.get_by_label("Listed for readers as").select_option("clarification")
    publisher.get_by_role("button", name="Publish changes").click()
    expect(publisher.locator(".messagelist")).to_contain_text("Changes published: “North Korea")
    expect(publisher.locator(".workflow-draft")).to_contain_text("No draft changes")
    stored = Claim.objects.get(pk=claim.pk)
    current = stored.current_revision()
    assert current.number == shown.number + 1
    assert current.document["context"] == NEW_CONTEXT
    assert current.public_note == PUBLIC_NOTE
    assert stored.events.order_by("version").last().action == "publish_changes"
    assert not stored.draft_authors.exists()

    # 4. The change is live, with its correction; the internal note is not.
    reader.goto(public_url)
    expect(reader.locator(".context")).to_have_text(NEW_CONTEXT)
    expect(reader.locator(".verdict-page")).to_contain_text(NEW_TITLE)
    expect(reader.locator(".corrections")).to_contain_text(f"Clarification: {PUBLIC_NOTE}")
    expect(reader.locator("body")).not_to_contain_text("Checked with Min-jun")
    assert new_page.problems == []


def test_an_editor_previews_a_draft_that_readers_cannot_see(desk, new_page):
    draft = Claim.objects.get(slug=CLAIM.cremated)
    editor = new_page(signed_in_as="editor")
    editor.goto(f"/admin/claims/claim/{draft.pk}/change/")
    editor.get_by_role("link", name="View on site").click()
    editor.wait_for_url(f"**/claims/{draft.slug}/preview/")
    expect(editor.locator(".preview-banner")).to_contain_text(
        "Preview of the draft: not published."
    )
    expect(editor.get_by_role("heading", level=1)).to_have_text(draft.headline)

    reader = new_page()
    response = reader.goto(f"/claims/{draft.slug}/preview/")
    assert response.status == 404
    expect(reader.locator("body")).not_to_contain_text(draft.headline)
    assert not Claim.objects.get(pk=draft.pk).is_published
    # The reader's 404 is the only error the pages reported.
    assert [problem for problem in new_page.problems if "404" not in problem] == []


def test_the_changes_a_publisher_reviews_fit_a_phone_long_addresses_and_all(desk, new_page):
    """
    A diff line carrying an evidence item's address has no space to wrap at:
    it once pushed the publish page 20 px past a 390 px screen.
    """
    nis = Source.objects.get(slug=SOURCE.nis)
    nis.name = "National Intelligence Service of the Republic of Korea"
    nis.save()
    publisher = new_page(width=390, height=844, signed_in_as="publisher")
    publisher.goto(f"/admin/claims/source/{nis.pk}/publish-verdicts/")
    changes = publisher.locator(".draft-diff li")
    expect(publisher.locator('input[name="verdicts"]')).to_have_count(3)
    long_address = re.compile(r"https?://\S{60,}")
    assert any(long_address.search(line) for line in changes.all_inner_texts())
    assert publisher.evaluate("document.documentElement.scrollWidth") <= 390
    assert Source.objects.get(pk=nis.pk).name.endswith("Republic of Korea")
